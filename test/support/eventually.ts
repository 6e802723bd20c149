/**
 * Polls `check` until it returns a value other than `false` or `undefined` (which it
 * returns); fails after `timeoutMs` naming `what`. How tests wait for real state (a
 * delivery, an execution's step) rather than sleeping a fixed time.
 */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition', intervalMs = 10): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== false && value !== undefined) return value as Exclude<T, false | undefined>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

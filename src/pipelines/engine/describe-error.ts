/** An error's message, for logs and failure reasons. */
export function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

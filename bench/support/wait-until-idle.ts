import { performance } from 'node:perf_hooks';
import { CLOCK_TICKS } from './proc-stats.js';
import { sleep } from './sleep.js';

/**
 * Waits until `busyTicks()` (CPU clock ticks used so far by what is watched) grows by
 * under 5% of a core over one second. False when that did not happen within `timeoutMs`.
 */
export async function waitUntilIdle(busyTicks: () => number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const before = busyTicks();
    await sleep(1_000);
    if ((busyTicks() - before) / CLOCK_TICKS < 0.05) return true;
  }
  return false;
}

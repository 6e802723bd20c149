import { readFileSync } from 'node:fs';

/** Whether a process exists and is not a zombie waiting to be reaped (Linux: reads `/proc`). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

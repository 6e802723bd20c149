import { readFileSync } from 'node:fs';

/** Sends `signal` to process group `pgid`; a group that is gone is not an error. */
export function killProcessGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Whether any process of group `pgid` is alive. */
export function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

let cachedBootId: string | undefined;

/**
 * An id of the machine's current boot (Linux: `/proc/sys/kernel/random/boot_id`;
 * elsewhere a constant). A recorded pid is only meaningful within the boot it came from.
 */
export function currentBootId(): string {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      cachedBootId = 'unknown';
    }
  }
  return cachedBootId;
}

import { randomBytes } from 'node:crypto';

/**
 * An execution id: 32 hex characters, the first 12 the creation time in milliseconds, so
 * ids sort by creation (newest first is `id desc`) and stay unique (80 random bits).
 */
export function newExecutionId(now: number): string {
  return now.toString(16).padStart(12, '0').slice(-12) + randomBytes(10).toString('hex');
}

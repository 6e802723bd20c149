import { FAILURE_CLASSES, type FailureClass, type StepDefinition } from '../../core/pipelines/pipeline-model.js';
import { retryDelaySeconds, shouldRetry } from '../../core/pipelines/retry-delay.js';
import type { ExecutionRecord, StepRecord } from '../../core/ports/pipeline-store.js';

/**
 * The row after a failed attempt: `waiting` for a retry the step's policy allows (attempts
 * interrupted by a shutdown do not count), else `failed`.
 */
export function afterFailure(
  record: ExecutionRecord,
  step: StepDefinition,
  row: StepRecord,
  failureClass: string,
  message: string,
  now: number,
  random: (() => number) | undefined,
): StepRecord {
  const counted = row.attempts.filter((a) => a.interrupted !== true).length;
  const retryable = (FAILURE_CLASSES as readonly string[]).includes(failureClass);
  if (record.status === 'running' && retryable && shouldRetry(step.retry, counted, failureClass as FailureClass) && step.retry !== undefined) {
    const delay = retryDelaySeconds(step.retry, counted, random);
    return { ...row, status: 'waiting', nextAttemptTime: now + Math.round(delay * 1000), failureClass: failureClass as FailureClass, reason: `attempt ${counted} failed: ${message}; retrying` };
  }
  const retries = counted > 1 ? ` (after ${counted} attempts)` : '';
  return { ...row, status: 'failed', endedTime: now, failureClass: failureClass as FailureClass, reason: `${message}${retries}` };
}

/**
 * The arithmetic of a {@link RetryPolicy}, for the executor (and its tests).
 * @module
 */

import type { FailureClass, RetryPolicy } from './pipeline-model.js';

/** Whether a step whose attempt number `attempt` (1-based) failed with `failure` runs again. */
export function shouldRetry(policy: RetryPolicy | undefined, attempt: number, failure: FailureClass): boolean {
  return policy !== undefined && attempt < policy.maxAttempts && policy.retryOn.includes(failure);
}

/**
 * Seconds to wait after failed attempt number `attempt` (1-based):
 * `min(maxSeconds, initialSeconds × factor^(attempt−1))`, of which the `jitter` fraction is
 * randomised downwards. `random` returns a number in [0, 1).
 */
export function retryDelaySeconds(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const { initialSeconds, factor, maxSeconds, jitter } = policy.backoff;
  const base = Math.min(maxSeconds, initialSeconds * factor ** Math.max(0, attempt - 1));
  return base * (1 - jitter * random());
}

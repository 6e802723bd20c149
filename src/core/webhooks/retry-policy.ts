/**
 * How often and how patiently a delivery is attempted. The schedule is deterministic (no
 * jitter): the n-th retry waits `min(initialBackoffMs · 2^(n-1), maxBackoffMs)`, so with
 * the defaults a delivery is tried at +0 s, +1 s, +3 s, +7 s, +15 s and +31 s, then given up.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. @default 6 */
  readonly maxAttempts: number;
  /** Wait before the first retry. @default 1000 */
  readonly initialBackoffMs: number;
  /** Longest wait between two attempts. @default 300000 (5 minutes) */
  readonly maxBackoffMs: number;
  /** How long one attempt may take (connect, send, answer) before it counts as failed. @default 10000 */
  readonly attemptTimeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 6,
  initialBackoffMs: 1_000,
  maxBackoffMs: 300_000,
  attemptTimeoutMs: 10_000,
});

/** The defaults with `overrides` applied; rejects values that make no sense. */
export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  for (const [key, value] of Object.entries(policy)) {
    const min = key === 'maxAttempts' || key === 'attemptTimeoutMs' ? 1 : 0;
    if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`webhook retry policy: ${key} must be an integer ≥ ${min}, got ${value}`);
  }
  return Object.freeze(policy);
}

/** Milliseconds to wait after the `attempt`-th attempt (1-based) failed. */
export function backoffAfter(attempt: number, policy: RetryPolicy): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 52);
  return Math.min(policy.initialBackoffMs * 2 ** exponent, policy.maxBackoffMs);
}

import { describe, expect, it } from 'vitest';
import type { RetryPolicy } from './pipeline-model.js';
import { retryDelaySeconds, shouldRetry } from './retry-delay.js';

const policy: RetryPolicy = {
  maxAttempts: 4,
  backoff: { initialSeconds: 10, factor: 3, maxSeconds: 60, jitter: 0.5 },
  retryOn: ['infrastructure', 'timeout'],
};

describe('retry policy', () => {
  it('backs off exponentially up to the cap', () => {
    const noJitter = { ...policy, backoff: { ...policy.backoff, jitter: 0 } };
    expect([1, 2, 3, 4].map((n) => retryDelaySeconds(noJitter, n))).toEqual([10, 30, 60, 60]);
  });

  it('randomises the jitter fraction of each delay downwards', () => {
    expect(retryDelaySeconds(policy, 2, () => 0)).toBe(30);
    expect(retryDelaySeconds(policy, 2, () => 0.999999)).toBeCloseTo(15, 3);
    expect(retryDelaySeconds(policy, 2, () => 0.5)).toBe(22.5);
  });

  it('retries only the named failure classes, up to max attempts', () => {
    expect(shouldRetry(policy, 1, 'infrastructure')).toBe(true);
    expect(shouldRetry(policy, 3, 'timeout')).toBe(true);
    expect(shouldRetry(policy, 4, 'timeout')).toBe(false);
    expect(shouldRetry(policy, 1, 'user')).toBe(false);
    expect(shouldRetry(undefined, 1, 'infrastructure')).toBe(false);
  });
});

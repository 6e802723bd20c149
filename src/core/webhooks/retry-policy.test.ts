import { describe, expect, it } from 'vitest';
import { backoffAfter, DEFAULT_RETRY_POLICY, retryPolicy } from './retry-policy.js';

describe('retry policy', () => {
  it('doubles from the initial backoff up to the cap, deterministically', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffAfter(n, DEFAULT_RETRY_POLICY))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    const capped = retryPolicy({ initialBackoffMs: 100_000 });
    expect([1, 2, 3, 60].map((n) => backoffAfter(n, capped))).toEqual([100_000, 200_000, 300_000, 300_000]);
    expect(backoffAfter(3, retryPolicy({ initialBackoffMs: 0 }))).toBe(0);
  });

  it('refuses settings that make no sense', () => {
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => retryPolicy({ attemptTimeoutMs: 1.5 })).toThrow(/attemptTimeoutMs/);
    expect(() => retryPolicy({ initialBackoffMs: -1 })).toThrow(/initialBackoffMs/);
    expect(retryPolicy({ maxAttempts: 1 })).toMatchObject({ maxAttempts: 1, attemptTimeoutMs: 10_000 });
  });
});

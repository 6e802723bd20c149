import { describe, expect, it } from 'vitest';
import { percentile, VariantStats } from '../../../src/serving/endpoints/variant-stats.js';

describe('variant stats', () => {
  it('measures requests, 5xx, rate and percentiles over a sliding window', () => {
    let now = 1_000_000;
    const stats = new VariantStats({ now: () => now });
    for (let i = 1; i <= 100; i++) stats.record({ endpoint: 'e', variant: 'a', role: 'serving', status: i % 10 === 0 ? 500 : 200, latencyMs: i });
    const window = stats.window('e', 'serving', 'a');
    expect(window).toMatchObject({ requests: 100, errors: 10, errorRate: 0.1, p50Ms: 50, p99Ms: 99 });
    expect(window.ratePerSecond).toBeCloseTo(100 / 60);
    now += 61_000;
    stats.record({ endpoint: 'e', variant: 'a', role: 'serving', status: 200, latencyMs: 5 });
    expect(stats.window('e', 'serving', 'a')).toMatchObject({ requests: 1, errors: 0, p99Ms: 5 });
    expect(stats.window('e', 'candidate', 'a').requests).toBe(0);
  });

  it('keeps each rollout step of the candidates apart', () => {
    const stats = new VariantStats();
    const step0 = { rolloutId: 'r', step: 0 };
    for (let i = 0; i < 20; i++) stats.record({ endpoint: 'e', variant: 'b', role: 'candidate', status: i < 5 ? 503 : 200, latencyMs: 10, step: step0 });
    stats.record({ endpoint: 'e', variant: 'c', role: 'candidate', status: 500, latencyMs: 10, step: step0 });
    stats.record({ endpoint: 'e', variant: 'b', role: 'candidate', status: 200, latencyMs: 10, step: { rolloutId: 'r', step: 1 } });
    expect(stats.step('e', 'r', 0, ['b'])).toMatchObject({ requests: 20, errors: 5, errorRate: 0.25 });
    expect(stats.step('e', 'r', 0, ['b', 'c'])).toMatchObject({ requests: 21, errors: 6 });
    expect(stats.step('e', 'r', 1, ['b'])).toMatchObject({ requests: 1, errors: 0 });
    stats.forget('e');
    expect(stats.step('e', 'r', 0, ['b']).requests).toBe(0);
  });

  it('takes nearest-rank percentiles', () => {
    expect(percentile([], 0.5)).toBeUndefined();
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([1, 2, 3, 4], 0.99)).toBe(4);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metric } from '../../src/core/entities/metric.js';
import type { TrackingStore } from '../../src/core/ports/tracking-store.js';
import { errorCodeOf } from '../support/error-code-of.js';
import type { TrackingStoreHarness } from './tracking-store.contract.js';

/**
 * {@link TrackingStore.downsampleMetricHistory} on every adapter: exact answers for short
 * ranges, one min/max bucket per span of x for long ones (keeping spikes), step and time
 * axes, zoom ranges, non-finite values counted but never drawn.
 */
export function describeMetricDownsampleContract(name: string, harness: TrackingStoreHarness): void {
  describe.skipIf(harness.skip !== undefined)(`${name}: metric downsampling contract`, () => {
    let store: TrackingStore;
    let dispose: () => Promise<void>;
    let runId: string;
    const hex = (): string => crypto.randomUUID().replaceAll('-', '');
    const T0 = 1_700_000_000_000;

    /** `n` points; step i at time T0 + 10·i; value i % 100, except a spike of 1e6 at step 4321. */
    async function logHistory(run: string, key: string, n: number): Promise<void> {
      for (let start = 0; start < n; start += 1000) {
        const metrics: Metric[] = [];
        for (let i = start; i < Math.min(n, start + 1000); i++) metrics.push({ key, value: i === 4321 ? 1e6 : i % 100, step: i, timestamp: T0 + 10 * i });
        await store.logBatch({ runId: run, metrics, params: [], tags: [] });
      }
    }

    beforeAll(async () => {
      const created = await harness.create();
      store = created.store;
      dispose = () => created.dispose();
      const experimentId = await store.createExperiment({ name: `downsample-${hex()}`, tags: [] });
      runId = hex();
      await store.createRun({ runId, experimentId, userId: 'u', runName: 'r', startTime: T0, tags: [] });
      await logHistory(runId, 'loss', 10_000);
      await store.logBatch({
        runId,
        metrics: [
          { key: 'short', value: 3, step: 2, timestamp: T0 + 5 },
          { key: 'short', value: 1, step: 0, timestamp: T0 + 9 },
          { key: 'short', value: Number.NaN, step: 1, timestamp: T0 + 1 },
          { key: 'short', value: Number.POSITIVE_INFINITY, step: 3, timestamp: T0 + 2 },
          { key: 'short', value: 2, step: 1, timestamp: T0 + 7 },
        ],
        params: [],
        tags: [],
      });
    }, 120_000);
    afterAll(async () => {
      await dispose();
    });

    it('returns a short history exactly, in x order, counting but not drawing NaN and infinities', async () => {
      const h = await store.downsampleMetricHistory({ runId, key: 'short', xAxis: 'step', buckets: 100 });
      expect(h).toEqual({
        xAxis: 'step',
        totalPoints: 5,
        nonFinitePoints: 2,
        exact: true,
        xStart: [0, 1, 2],
        xEnd: [0, 1, 2],
        min: [1, 2, 3],
        max: [1, 2, 3],
      });
      const byTime = await store.downsampleMetricHistory({ runId, key: 'short', xAxis: 'timestamp', buckets: 100 });
      expect(byTime.xStart).toEqual([T0 + 5, T0 + 7, T0 + 9]);
      expect(byTime.min).toEqual([3, 2, 1]);
    });

    it('reduces a long history to one min/max bucket per span of steps, keeping the spike', async () => {
      const h = await store.downsampleMetricHistory({ runId, key: 'loss', xAxis: 'step', buckets: 100 });
      expect(h.exact).toBe(false);
      expect(h.totalPoints).toBe(10_000);
      expect(h.nonFinitePoints).toBe(0);
      expect(h.xStart).toHaveLength(100);
      // 10,000 steps in 100 buckets: 100 steps each.
      expect(h.xStart.slice(0, 3)).toEqual([0, 100, 200]);
      expect(h.xEnd.slice(0, 3)).toEqual([99, 199, 299]);
      expect(h.min.every((v) => v === 0)).toBe(true);
      expect(h.max.filter((v) => v === 1e6)).toHaveLength(1);
      expect(h.max[43]).toBe(1e6);
      expect(h.max[0]).toBe(99);
    });

    it('counts NaN and infinities in a bucketed history without drawing them', async () => {
      const metrics: Metric[] = Array.from({ length: 1000 }, (_, i) => ({
        key: 'noisy',
        value: i % 100 === 7 ? Number.NaN : i === 500 ? Number.NEGATIVE_INFINITY : i,
        step: i,
        timestamp: T0 + i,
      }));
      await store.logBatch({ runId, metrics, params: [], tags: [] });
      for (const xAxis of ['step', 'timestamp'] as const) {
        const h = await store.downsampleMetricHistory({ runId, key: 'noisy', xAxis, buckets: 50 });
        expect(h).toMatchObject({ exact: false, totalPoints: 1000, nonFinitePoints: 11 });
        expect(Math.min(...h.min)).toBe(0);
        expect(Math.max(...h.max)).toBe(999);
        expect(h.min.every(Number.isFinite)).toBe(true);
      }
    });

    it('buckets by time on the time axis', async () => {
      const h = await store.downsampleMetricHistory({ runId, key: 'loss', xAxis: 'timestamp', buckets: 50 });
      expect(h.exact).toBe(false);
      expect(h.xStart).toHaveLength(50);
      expect(h.xStart[0]).toBe(T0);
      expect(h.xEnd.at(-1)).toBe(T0 + 10 * 9_999);
      expect(h.xStart[1]).toBe(T0 + 10 * 200);
      expect(h.max.filter((v) => v === 1e6)).toHaveLength(1);
    });

    it('reads only the zoomed range, exactly once it is short enough', async () => {
      const zoomed = await store.downsampleMetricHistory({ runId, key: 'loss', xAxis: 'step', buckets: 100, xMin: 4000, xMax: 4999 });
      expect(zoomed.totalPoints).toBe(1000);
      expect(zoomed.exact).toBe(false);
      expect(zoomed.xStart[0]).toBe(4000);
      expect(zoomed.xEnd.at(-1)).toBe(4999);
      const exact = await store.downsampleMetricHistory({ runId, key: 'loss', xAxis: 'step', buckets: 100, xMin: 4300, xMax: 4349 });
      expect(exact.exact).toBe(true);
      expect(exact.xStart).toEqual(Array.from({ length: 50 }, (_, i) => 4300 + i));
      expect(exact.max[21]).toBe(1e6);
      const byTime = await store.downsampleMetricHistory({ runId, key: 'loss', xAxis: 'timestamp', buckets: 100, xMin: T0 + 100, xMax: T0 + 190 });
      expect(byTime.xStart).toEqual(Array.from({ length: 10 }, (_, i) => T0 + 100 + 10 * i));
    });

    it('answers an empty history for an unknown key or an empty range, and RESOURCE_DOES_NOT_EXIST for an unknown run', async () => {
      const none = await store.downsampleMetricHistory({ runId, key: 'nope', xAxis: 'step', buckets: 10 });
      expect(none).toMatchObject({ totalPoints: 0, exact: true, xStart: [] });
      const outside = await store.downsampleMetricHistory({ runId, key: 'loss', xAxis: 'step', buckets: 10, xMin: 20_000, xMax: 30_000 });
      expect(outside.totalPoints).toBe(0);
      expect(await errorCodeOf(store.downsampleMetricHistory({ runId: hex(), key: 'loss', xAxis: 'step', buckets: 10 }))).toBe('RESOURCE_DOES_NOT_EXIST');
    });
  });
}

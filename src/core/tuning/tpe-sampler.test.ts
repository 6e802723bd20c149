import { describe, expect, it } from 'vitest';
import { randomSampler } from './random-sampler.js';
import { parzen, tpeSampler } from './tpe-sampler.js';
import { BRANIN, MIXED, QUADRATIC, bestFound, runSearch, type Benchmark } from './tuning-benchmarks.js';
import type { ParameterSpace, Params, Trial } from './tune-spec.js';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
/** How far above the optimum each seed's search ends. */
const gaps = (benchmark: Benchmark, strategy: 'tpe' | 'random', budget: number, parallel = 1) =>
  SEEDS.map((seed) => bestFound(benchmark, { strategy, seed, budget, parallel }) - benchmark.minimum);

// Every search below is deterministic by its seed: the thresholds hold or fail the same way every run.
describe('TPE on functions with known optima', () => {
  it('minimises (x − 3)² + (y + 1)² to within 0.5 in 60 trials, for every seed', () => {
    const tpe = gaps(QUADRATIC, 'tpe', 60);
    for (const gap of tpe) expect(gap).toBeLessThan(0.5);
    expect(mean(tpe)).toBeLessThan(mean(gaps(QUADRATIC, 'random', 60)) / 5);
  });

  it('gets within 0.3 of the Branin minimum in 60 trials, for every seed', () => {
    const tpe = gaps(BRANIN, 'tpe', 60);
    for (const gap of tpe) expect(gap).toBeLessThan(0.3);
    expect(mean(tpe)).toBeLessThan(mean(gaps(BRANIN, 'random', 60)) / 5);
  });

  it('finds the optimum of a mixed int / log-float / choice function for most seeds, and beats random on average', () => {
    const tpe = gaps(MIXED, 'tpe', 60);
    expect(tpe.filter((gap) => gap < 0.15).length).toBeGreaterThanOrEqual(8);
    expect(mean(tpe)).toBeLessThan(mean(gaps(MIXED, 'random', 60)) / 2);
  });

  it('still converges with 10 trials suggested at a time (constant liar)', () => {
    const tpe = gaps(QUADRATIC, 'tpe', 80, 10);
    expect(mean(tpe)).toBeLessThan(0.1);
    expect(mean(tpe)).toBeLessThan(mean(gaps(QUADRATIC, 'random', 80, 10)) / 5);
    expect(mean(gaps(BRANIN, 'tpe', 80, 10))).toBeLessThan(mean(gaps(BRANIN, 'random', 80, 10)) / 2);
  });

  it('maximises as it minimises the negation', () => {
    const minimised = runSearch(BRANIN.space, BRANIN.f, { strategy: 'tpe', seed: 3, budget: 30 });
    const maximised = runSearch(BRANIN.space, (p) => -BRANIN.f(p), { strategy: 'tpe', seed: 3, budget: 30, direction: 'maximize' });
    expect(maximised.map((t) => t.params)).toEqual(minimised.map((t) => t.params));
  });
});

describe('TPE sampler', () => {
  it('starts with the random sampler’s suggestions, then departs from them', () => {
    const tpe = runSearch(QUADRATIC.space, QUADRATIC.f, { strategy: 'tpe', seed: 9, budget: 15, startupTrials: 10 });
    const random = runSearch(QUADRATIC.space, QUADRATIC.f, { strategy: 'random', seed: 9, budget: 15 });
    expect(tpe.slice(0, 10)).toEqual(random.slice(0, 10));
    expect(tpe.slice(10).map((t) => t.params)).not.toEqual(random.slice(10).map((t) => t.params));
  });

  it('is reproducible from its seed', () => {
    const run = (seed: number) => runSearch(MIXED.space, MIXED.f, { strategy: 'tpe', seed, budget: 25, parallel: 3 }).map((t) => t.params);
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
  });

  it('gives parallel suggestions distinct sets, until a discrete space is exhausted', () => {
    const space: ParameterSpace = [
      { type: 'int', name: 'a', min: 1, max: 4, step: 1, scale: 'linear' },
      { type: 'choice', name: 'b', values: ['x', 'y'] },
    ];
    const sampler = tpeSampler(space, 1, { direction: 'minimize', startupTrials: 2 });
    const history: Trial[] = [
      { params: { a: 1, b: 'x' }, objective: 1, status: 'succeeded' },
      { params: { a: 2, b: 'x' }, objective: 2, status: 'succeeded' },
      { params: { a: 3, b: 'y' }, status: 'failed' },
    ];
    const pending: Params[] = [];
    for (let i = 0; i < 5; i++) pending.push(sampler.suggest(history, pending)!);
    const keys = [...history.map((t) => t.params), ...pending].map((p) => JSON.stringify(p));
    expect(new Set(keys).size).toBe(8);
    expect(sampler.suggest(history, pending)).toBeUndefined();
  });

  it('keeps every suggestion inside the space, ints integral', () => {
    const history = runSearch(MIXED.space, MIXED.f, { strategy: 'tpe', seed: 4, budget: 60, parallel: 4 });
    for (const { params } of history) {
      expect(Number.isInteger(params.depth)).toBe(true);
      expect(params.depth).toBeGreaterThanOrEqual(1);
      expect(params.depth).toBeLessThanOrEqual(20);
      expect(params.lr).toBeGreaterThanOrEqual(1e-5);
      expect(params.lr).toBeLessThanOrEqual(1);
      expect(['a', 'b', 'c', 'd']).toContain(params.kind);
    }
  });

  it('ignores failed trials in the model but never repeats them', () => {
    const sampler = tpeSampler(QUADRATIC.space, 2, { direction: 'minimize', startupTrials: 3 });
    const failed: Trial[] = Array.from({ length: 5 }, (_, i) => ({ params: { x: i, y: i }, status: 'failed' }));
    // Too few successes for the model: still the random start.
    expect(sampler.suggest(failed, [])).toEqual(randomSampler(QUADRATIC.space, 2).suggest(failed, []));
  });
});

describe('Parzen estimator', () => {
  it('is a density over its range (integrates to 1) that peaks at its points', () => {
    const mixture = parzen([2, 2.5, 8], 0, 10);
    let integral = 0;
    const n = 10000;
    for (let i = 0; i < n; i++) integral += Math.exp(mixture.logDensity(((i + 0.5) * 10) / n)) * (10 / n);
    expect(integral).toBeCloseTo(1, 3);
    expect(mixture.logDensity(2.2)).toBeGreaterThan(mixture.logDensity(5));
  });
});

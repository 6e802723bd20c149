/**
 * Test functions with known optima, and a loop that runs a sampler on one, for the
 * samplers' tests (kept out of the tests so the benchmarks can be run on their own).
 * @module
 */

import { createSampler } from './create-sampler.js';
import type { ParameterSpace, Params, Trial, TuneDirection, TuneSpec } from './tune-spec.js';

export interface Benchmark {
  readonly name: string;
  readonly space: ParameterSpace;
  readonly f: (params: Params) => number;
  /** The global minimum of `f`. */
  readonly minimum: number;
}

const num = (params: Params, name: string): number => params[name] as number;

/** (x − 3)² + (y + 1)² over [−10, 10]²: minimum 0 at (3, −1). */
export const QUADRATIC: Benchmark = {
  name: 'quadratic',
  space: [
    { type: 'float', name: 'x', min: -10, max: 10, scale: 'linear' },
    { type: 'float', name: 'y', min: -10, max: 10, scale: 'linear' },
  ],
  f: (p) => (num(p, 'x') - 3) ** 2 + (num(p, 'y') + 1) ** 2,
  minimum: 0,
};

/** Branin over x ∈ [−5, 10], y ∈ [0, 15]: minimum 0.397887 at three points. */
export const BRANIN: Benchmark = {
  name: 'branin',
  space: [
    { type: 'float', name: 'x', min: -5, max: 10, scale: 'linear' },
    { type: 'float', name: 'y', min: 0, max: 15, scale: 'linear' },
  ],
  f: (p) => {
    const x = num(p, 'x');
    const y = num(p, 'y');
    const b = 5.1 / (4 * Math.PI ** 2);
    const c = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - t) * Math.cos(x) + 10;
  },
  minimum: 0.397887,
};

/** An int, a log-scaled float and a choice: minimum 0 at depth 7, lr 10^−2.5, kind 'c'. */
export const MIXED: Benchmark = {
  name: 'mixed',
  space: [
    { type: 'int', name: 'depth', min: 1, max: 20, step: 1, scale: 'linear' },
    { type: 'float', name: 'lr', min: 1e-5, max: 1, scale: 'log' },
    { type: 'choice', name: 'kind', values: ['a', 'b', 'c', 'd'] },
  ],
  f: (p) => (num(p, 'depth') - 7) ** 2 / 10 + (Math.log10(num(p, 'lr')) + 2.5) ** 2 + (p.kind === 'c' ? 0 : 1),
  minimum: 0,
};

export interface SearchOptions {
  readonly strategy: TuneSpec['strategy'];
  readonly seed: number;
  readonly budget: number;
  /** Trials suggested together, as when `max-parallel` trials run at once (default 1). */
  readonly parallel?: number;
  readonly direction?: TuneDirection;
  readonly startupTrials?: number;
}

/** Runs a search in rounds of `parallel` trials; returns the finished trials in order. */
export function runSearch(space: ParameterSpace, f: (params: Params) => number, options: SearchOptions): Trial[] {
  const direction = options.direction ?? 'minimize';
  const sampler = createSampler(
    {
      parameters: space,
      strategy: options.strategy,
      gridPoints: 5,
      startupTrials: options.startupTrials ?? 10,
      objective: { metric: 'y', direction },
    },
    options.seed,
  );
  const history: Trial[] = [];
  while (history.length < options.budget) {
    const pending: Params[] = [];
    while (pending.length < (options.parallel ?? 1) && history.length + pending.length < options.budget) {
      const params = sampler.suggest(history, pending);
      if (params === undefined) break;
      pending.push(params);
    }
    if (pending.length === 0) break;
    for (const params of pending) history.push({ params, objective: f(params), status: 'succeeded' });
  }
  return history;
}

/** The lowest objective of a search of `f` (minimising). */
export function bestFound(benchmark: Benchmark, options: SearchOptions): number {
  return Math.min(...runSearch(benchmark.space, benchmark.f, options).map((t) => t.objective ?? Infinity));
}

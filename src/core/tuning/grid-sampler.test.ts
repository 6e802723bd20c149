import { describe, expect, it } from 'vitest';
import { gridPoint, gridSampler, gridSize } from './grid-sampler.js';
import { gridValues, MAX_INT_GRID_VALUES } from './search-space.js';
import type { ParameterSpace, Params, Trial } from './tune-spec.js';

const space: ParameterSpace = [
  { type: 'int', name: 'depth', min: 2, max: 8, step: 3, scale: 'linear' },
  { type: 'float', name: 'lr', min: 0.001, max: 0.1, scale: 'log' },
  { type: 'choice', name: 'kind', values: ['a', 'b'] },
];

/** Runs a sampler to exhaustion, `parallel` suggestions at a time. */
function exhaust(parallel: number): Params[] {
  const sampler = gridSampler(space, 3);
  const history: Trial[] = [];
  for (;;) {
    const pending: Params[] = [];
    for (let i = 0; i < parallel; i++) {
      const params = sampler.suggest(history, pending);
      if (params === undefined) break;
      pending.push(params);
    }
    if (pending.length === 0) return history.map((t) => t.params);
    history.push(...pending.map((params) => ({ params, objective: 1, status: 'succeeded' as const })));
  }
}

describe('grid values', () => {
  it('lists every int with its step, spreads floats linearly or in the logarithm', () => {
    expect(gridValues(space[0]!, 3)).toEqual([2, 5, 8]);
    const log = gridValues(space[1]!, 3) as number[];
    expect(log[0]).toBe(0.001);
    expect(log[1]).toBeCloseTo(0.01, 12);
    expect(log[2]).toBe(0.1);
    expect(gridValues({ type: 'float', name: 'x', min: 0, max: 1, scale: 'linear' }, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(gridValues(space[2]!, 3)).toEqual(['a', 'b']);
  });

  it('spreads grid-points values over an int range too wide to list', () => {
    const wide = { type: 'int', name: 'n', min: 50, max: 400, step: 1, scale: 'linear' } as const;
    expect(400 - 50 + 1).toBeGreaterThan(MAX_INT_GRID_VALUES);
    expect(gridValues(wide, 5)).toEqual([50, 138, 225, 313, 400]);
    expect(gridValues({ ...wide, scale: 'log' }, 3)).toEqual([50, 141, 400]);
  });
});

describe('grid sampler', () => {
  it('enumerates the cartesian product in order, the first parameter slowest, then is exhausted', () => {
    expect(gridSize(space, 3)).toBe(18);
    const all = exhaust(1);
    expect(all).toHaveLength(18);
    expect(all[0]).toEqual({ depth: 2, lr: 0.001, kind: 'a' });
    expect(all[1]).toEqual({ depth: 2, lr: 0.001, kind: 'b' });
    expect(all[2]).toEqual({ depth: 2, lr: gridPoint(space, 3, 2).lr, kind: 'a' });
    expect(all[17]).toEqual({ depth: 8, lr: 0.1, kind: 'b' });
    expect(new Set(all.map((p) => JSON.stringify(p))).size).toBe(18);
  });

  it('gives distinct points to parallel trials and the same set overall', () => {
    const parallel = exhaust(5);
    expect(parallel).toHaveLength(18);
    expect(new Set(parallel.map((p) => JSON.stringify(p)))).toEqual(new Set(exhaust(1).map((p) => JSON.stringify(p))));
  });

  it('skips points already tried, failed ones included', () => {
    const sampler = gridSampler(space, 3);
    const first = gridPoint(space, 3, 0);
    expect(sampler.suggest([{ params: first, status: 'failed' }], [])).toEqual(gridPoint(space, 3, 1));
  });
});

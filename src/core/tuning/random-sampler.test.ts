import { describe, expect, it } from 'vitest';
import { randomSampler } from './random-sampler.js';
import type { ParameterSpace, Params, Trial } from './tune-spec.js';

const space: ParameterSpace = [
  { type: 'int', name: 'depth', min: 3, max: 20, step: 1, scale: 'linear' },
  { type: 'int', name: 'leaves', min: 2, max: 512, step: 1, scale: 'log' },
  { type: 'float', name: 'lr', min: 0.0001, max: 0.3, scale: 'log' },
  { type: 'float', name: 'subsample', min: 0.5, max: 1, scale: 'linear' },
  { type: 'choice', name: 'criterion', values: ['squared_error', 'absolute_error', 'huber'] },
];

function draw(seed: number, count: number, s: ParameterSpace = space): Params[] {
  const sampler = randomSampler(s, seed);
  const history: Trial[] = [];
  for (let i = 0; i < count; i++) {
    const params = sampler.suggest(history, []);
    if (params === undefined) break;
    history.push({ params, objective: 0, status: 'succeeded' });
  }
  return history.map((t) => t.params);
}

describe('random sampler', () => {
  it('stays within bounds, ints integral and inclusive', () => {
    const all = draw(7, 600);
    const values = (name: string) => all.map((p) => p[name] as number);
    for (const [name, min, max] of [['depth', 3, 20], ['leaves', 2, 512], ['lr', 0.0001, 0.3], ['subsample', 0.5, 1]] as const) {
      expect(Math.min(...values(name))).toBeGreaterThanOrEqual(min);
      expect(Math.max(...values(name))).toBeLessThanOrEqual(max);
    }
    expect(values('depth').every(Number.isInteger)).toBe(true);
    expect(values('leaves').every(Number.isInteger)).toBe(true);
    expect(new Set(values('depth'))).toEqual(new Set(Array.from({ length: 18 }, (_, i) => i + 3)));
    expect(new Set(all.map((p) => p.criterion))).toEqual(new Set(['squared_error', 'absolute_error', 'huber']));
  });

  it('draws log-scaled ranges log-uniformly', () => {
    const lr = draw(3, 600).map((p) => p.lr as number);
    // Log-uniform over [1e-4, 0.3]: the decade [1e-4, 1e-3) holds 1/log10(3000) ≈ 29 % of draws (uniform would give 0.3 %).
    const lowDecade = lr.filter((v) => v < 0.001).length / lr.length;
    expect(lowDecade).toBeGreaterThan(0.22);
    expect(lowDecade).toBeLessThan(0.36);
  });

  it('is reproducible from its seed, and differs between seeds', () => {
    expect(draw(42, 20)).toEqual(draw(42, 20));
    expect(draw(42, 20)).not.toEqual(draw(43, 20));
  });

  it('never repeats a set, and is exhausted with the space', () => {
    const small: ParameterSpace = [
      { type: 'int', name: 'a', min: 1, max: 3, step: 1, scale: 'linear' },
      { type: 'choice', name: 'b', values: [true, false] },
    ];
    const all = draw(1, 10, small);
    expect(all).toHaveLength(6);
    expect(new Set(all.map((p) => JSON.stringify(p))).size).toBe(6);
  });

  it('gives parallel suggestions distinct sets', () => {
    const small: ParameterSpace = [{ type: 'int', name: 'a', min: 1, max: 4, step: 1, scale: 'linear' }];
    const sampler = randomSampler(small, 5);
    const pending: Params[] = [];
    for (let i = 0; i < 4; i++) pending.push(sampler.suggest([], pending)!);
    expect(new Set(pending.map((p) => p.a))).toEqual(new Set([1, 2, 3, 4]));
    expect(sampler.suggest([], pending)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { deriveSeed, normalDraw, seededRandom } from './seeded-random.js';

describe('seeded random', () => {
  it('is mulberry32: the published first outputs for seeds 0 and 42', () => {
    const a = seededRandom(0);
    expect([a(), a(), a()]).toEqual([0.26642920868471265, 0.0003297457005828619, 0.2232720274478197]);
    expect(Math.round(seededRandom(42)() * 2 ** 32)).toBe(2581720956);
  });

  it('is uniform on [0, 1) and its normal draws have mean 0 and variance 1', () => {
    const random = seededRandom(123);
    const u = Array.from({ length: 20000 }, () => random());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(u.filter((x) => x < 0.25).length / u.length).toBeCloseTo(0.25, 1);
    const z = Array.from({ length: 20000 }, () => normalDraw(random));
    const mean = z.reduce((s, x) => s + x, 0) / z.length;
    const variance = z.reduce((s, x) => s + (x - mean) ** 2, 0) / z.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('derives unrelated seeds from a seed and a trial number', () => {
    const seeds = new Set<number>();
    for (let seed = 0; seed < 30; seed++) for (let n = 0; n < 30; n++) seeds.add(deriveSeed(seed, n));
    expect(seeds.size).toBe(900);
    expect(deriveSeed(1, 0)).not.toBe(deriveSeed(0, 1));
  });
});

import { describe, expect, it } from 'vitest';
import { chartPath } from './chart-path.js';

const box = { width: 120, height: 70, padding: 10 };

describe('chartPath', () => {
  it('scales steps to x and values to y, larger values higher up', () => {
    const g = chartPath([{ x: 0, y: 0 }, { x: 5, y: 10 }, { x: 10, y: 5 }], box);
    expect(g.d).toBe('M10 60 L60 10 L110 35');
    expect([g.xMin, g.xMax, g.yMin, g.yMax]).toEqual([0, 10, 0, 10]);
  });

  it('draws a flat or single-point history without dividing by zero', () => {
    expect(chartPath([{ x: 3, y: 2 }], box).d).toBe('M10 60');
    expect(chartPath([{ x: 0, y: 2 }, { x: 1, y: 2 }], box).d).toBe('M10 60 L110 60');
  });

  it('skips non-finite values and draws nothing when none is finite', () => {
    const g = chartPath([{ x: 0, y: NaN }, { x: 1, y: 1 }, { x: 2, y: Infinity }, { x: 3, y: 3 }], box);
    expect(g.drawn).toBe(2);
    expect(chartPath([{ x: 0, y: NaN }], box).d).toBe('');
  });

  it('thins long histories to at most two points per pixel, keeping spikes', () => {
    const points = Array.from({ length: 100_000 }, (_, i) => ({ x: i, y: i === 54_321 ? 1000 : Math.sin(i / 100) }));
    const g = chartPath(points, { width: 520, height: 220, padding: 10 });
    expect(g.drawn).toBeLessThanOrEqual(2 * 500);
    expect(g.drawn).toBeGreaterThan(500);
    expect(g.yMax).toBe(1000);
    // The spike is the highest point: y = padding.
    expect(g.d).toMatch(/ 10(?= |$)/);
  });
});

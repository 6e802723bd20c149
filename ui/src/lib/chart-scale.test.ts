import { describe, expect, it } from 'vitest';
import { dragRange, formatX, linearScale, logScale, logTicks, nearestBucket, niceTicks, nonPositiveCount, seriesPoints, xDomain, yDomain } from './chart-scale.js';

const exact = { xStart: [0, 1, 2], xEnd: [0, 1, 2], min: [3, 1, 2], max: [3, 1, 2] };
const buckets = { xStart: [0, 10, 20], xEnd: [9, 19, 29], min: [1, -2, 0.5], max: [5, 4, 8] };

describe('domains', () => {
  it('spans every series on x and the values in the x range on y', () => {
    expect(xDomain([exact, buckets])).toEqual({ lo: 0, hi: 29 });
    expect(xDomain([{ xStart: [], xEnd: [], min: [], max: [] }])).toBeUndefined();
    expect(yDomain([buckets], { lo: 0, hi: 29 }, false)).toEqual({ lo: -2, hi: 8 });
    // Zoomed to the first bucket: only its values count.
    expect(yDomain([buckets], { lo: 0, hi: 5 }, false)).toEqual({ lo: 1, hi: 5 });
  });

  it('keeps only positive values on a log scale and widens a flat series', () => {
    expect(yDomain([buckets], { lo: 0, hi: 29 }, true)).toEqual({ lo: 0.5, hi: 8 });
    expect(nonPositiveCount([buckets])).toBe(1);
    expect(yDomain([{ xStart: [0], xEnd: [0], min: [2], max: [2] }], { lo: 0, hi: 1 }, false)).toEqual({ lo: 1.8, hi: 2.2 });
    expect(yDomain([{ xStart: [0], xEnd: [0], min: [-1], max: [-1] }], { lo: 0, hi: 1 }, true)).toBeUndefined();
  });
});

describe('scales and ticks', () => {
  it('maps linearly and logarithmically, and back', () => {
    const x = linearScale({ lo: 0, hi: 100 }, 50, 550);
    expect(x(50)).toBe(300);
    expect(x.invert(300)).toBe(50);
    const y = logScale({ lo: 1, hi: 1000 }, 300, 0);
    expect(y(10)).toBeCloseTo(200);
    expect(y.invert(100)).toBeCloseTo(100);
  });

  it('picks round ticks (1, 2, 5 × 10^k) and powers of ten on a log scale', () => {
    expect(niceTicks({ lo: 0, hi: 4999 }, 5)).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(niceTicks({ lo: 0.061, hi: 0.49 }, 8)).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(niceTicks({ lo: 0.061, hi: 0.49 }, 4)).toEqual([0.2, 0.4]);
    expect(niceTicks({ lo: 3, hi: 3 }, 4)).toEqual([3]);
    expect(logTicks({ lo: 0.05, hi: 500 }, 5)).toEqual([0.1, 1, 10, 100]);
    expect(logTicks({ lo: 2, hi: 8 }, 4)).toEqual([2, 4, 6, 8]);
  });

  it('turns a drag into a whole-number x range of at least one step', () => {
    const x = linearScale({ lo: 0, hi: 1000 }, 0, 1000);
    expect(dragRange(x, 700.4, 200.2)).toEqual({ lo: 200, hi: 701 });
    expect(dragRange(x, 10, 10)).toEqual({ lo: 10, hi: 11 });
  });
});

describe('seriesPoints', () => {
  it('draws exact points as they are', () => {
    expect(seriesPoints(exact, false)).toEqual({ x: [0, 1, 2], y: [3, 1, 2] });
  });

  it("draws each bucket's min and max at its middle, nearest to the previous point first", () => {
    expect(seriesPoints(buckets, false)).toEqual({ x: [4.5, 4.5, 14.5, 14.5, 24.5, 24.5], y: [1, 5, 4, -2, 0.5, 8] });
  });

  it('drops values a log scale cannot place', () => {
    expect(seriesPoints(buckets, true).y).toEqual([1, 5, 4, 0.5, 8]);
  });
});

describe('nearestBucket and formatX', () => {
  it('finds the bucket under the pointer', () => {
    expect(nearestBucket(buckets, 0)).toBe(0);
    expect(nearestBucket(buckets, 12)).toBe(1);
    expect(nearestBucket(buckets, 100)).toBe(2);
    expect(nearestBucket({ xStart: [], xEnd: [], min: [], max: [] }, 1)).toBeUndefined();
  });

  it('labels steps as numbers and times in UTC at the precision the span needs', () => {
    expect(formatX(12345, 'step', 1)).toBe('12,345');
    const t = Date.UTC(2026, 2, 1, 13, 4, 5, 678);
    expect(formatX(t, 'time', 10_000)).toBe('13:04:05.678');
    expect(formatX(t, 'time', 3_600_000)).toBe('13:04:05');
    expect(formatX(t, 'time', 7 * 86_400_000)).toBe('2026-03-01 13:04');
  });
});

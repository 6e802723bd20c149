import { describe, expect, it } from 'vitest';
import { isSlipwayError } from '../../src/core/errors/slipway-error.js';
import {
  binFeatures,
  binOf,
  fitBoostedTrees,
  fitLinearRegression,
  parseHousingCsv,
  predictLinear,
  predictTrees,
  rmse,
  seededRandom,
  trainTestSplit,
} from '../../src/ml/index.js';

const HEADER = 'longitude,latitude,housing_median_age,total_rooms,total_bedrooms,population,households,median_income,median_house_value,ocean_proximity';

describe('parseHousingCsv', () => {
  it('reads blanks as NaN, the target in $100,000 and the category as text', () => {
    const data = parseHousingCsv(`${HEADER}\n-122.23,37.88,41,880,,322,126,8.3252,452600,NEAR BAY\n`);
    expect(data.rows).toBe(1);
    expect(Number.isNaN(data.numeric[4]![0]!)).toBe(true);
    expect(data.target[0]).toBeCloseTo(4.526, 10);
    expect(data.oceanProximity).toEqual(['NEAR BAY']);
  });

  it('names a missing column and a value that is not a number', () => {
    const refused = (text: string): string => {
      try {
        parseHousingCsv(text, 'data.csv');
      } catch (e) {
        expect(isSlipwayError(e) && e.code).toBe('INVALID_PARAMETER_VALUE');
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refused('longitude,latitude\n1,2\n')).toBe("data.csv has no column 'housing_median_age'.");
    expect(refused(`${HEADER}\n-122.23,north,41,880,1,322,126,8.3,452600,NEAR BAY\n`)).toBe('data.csv row 2: column \'latitude\' is "north", not a number.');
    expect(refused(`${HEADER}\n-122.23,37.88,41,880,1,322,126,8.3,,NEAR BAY\n`)).toBe('data.csv row 2: column \'median_house_value\' is "", not a number.');
  });
});

describe('trainTestSplit', () => {
  const rows = 101;
  const lines = Array.from({ length: rows }, (_, i) => `${i},0,0,0,0,0,0,0,${i},INLAND`);
  const data = parseHousingCsv(`${HEADER}\n${lines.join('\n')}\n`);

  it('holds out the share asked for (rounded up), with every row exactly once, the same for the same seed', () => {
    const a = trainTestSplit(data, { testSize: 0.2, seed: 7 });
    const b = trainTestSplit(data, { testSize: 0.2, seed: 7 });
    const c = trainTestSplit(data, { testSize: 0.2, seed: 8 });
    expect(a.test.rows).toBe(21);
    expect(a.train.rows).toBe(80);
    expect([...a.train.numeric[0]!, ...a.test.numeric[0]!].sort((x, y) => x - y)).toEqual(Array.from({ length: rows }, (_, i) => i));
    expect(Array.from(b.test.numeric[0]!)).toEqual(Array.from(a.test.numeric[0]!));
    expect(Array.from(c.test.numeric[0]!)).not.toEqual(Array.from(a.test.numeric[0]!));
  });
});

describe('binFeatures', () => {
  it('puts each value in the bin its float32 thresholds say, with at most maxBins bins', () => {
    const random = seededRandom(1);
    const x = Float64Array.from({ length: 5000 }, () => random() * 100);
    const bins = binFeatures(x, 1, 16);
    expect(bins.edges[0]!.length).toBeLessThanOrEqual(15);
    for (let row = 0; row < x.length; row++) {
      const bin = bins.binned[0]![row]!;
      const value = Math.fround(x[row]!);
      if (bin > 0) expect(value).toBeGreaterThan(bins.edges[0]![bin - 1]!);
      if (bin < bins.edges[0]!.length) expect(value).toBeLessThanOrEqual(bins.edges[0]![bin]!);
      expect(Math.fround(bins.edges[0]![0]!)).toBe(bins.edges[0]![0]);
    }
  });

  it('cuts between every pair of distinct values when there are few', () => {
    const bins = binFeatures(Float64Array.from([3, 1, 2, 2, 1]), 1);
    expect(Array.from(bins.edges[0]!)).toEqual([1.5, 2.5]);
    expect(Array.from(bins.binned[0]!)).toEqual([2, 0, 1, 1, 0]);
    expect(binOf(bins.edges[0]!, 1.5)).toBe(0);
  });
});

describe('fitLinearRegression', () => {
  it('recovers an exact linear relation', () => {
    const random = seededRandom(3);
    const rows = 200;
    const x = Float64Array.from({ length: rows * 2 }, () => random() * 10);
    const y = Float64Array.from({ length: rows }, (_, r) => 1.5 + 2 * x[r * 2]! - 0.5 * x[r * 2 + 1]!);
    const model = fitLinearRegression(x, y, 2, { ridge: 0 });
    expect(model.intercept).toBeCloseTo(1.5, 6);
    expect(Array.from(model.weights).map((w) => Number(w.toFixed(6)))).toEqual([2, -0.5]);
    expect(rmse(y, predictLinear(model, x, 2))).toBeLessThan(1e-9);
  });
});

describe('fitBoostedTrees', () => {
  it('fits a step function a straight line cannot', () => {
    const random = seededRandom(5);
    const rows = 2000;
    const x = Float64Array.from({ length: rows }, () => random() * 4);
    const y = Float64Array.from(x, (v) => (v < 1 ? 0 : v < 2 ? 3 : v < 3 ? 1 : 4));
    const trees = fitBoostedTrees(x, y, 1, { nEstimators: 50, maxDepth: 3, learningRate: 0.3, minSamplesLeaf: 5 });
    const linear = fitLinearRegression(x, y, 1);
    // Only the bin that straddles each step (1/255 of the rows) is off.
    expect(rmse(y, predictTrees(trees, x, 1))).toBeLessThan(0.2);
    expect(rmse(y, predictLinear(linear, x, 1))).toBeGreaterThan(1);
    expect(trees.trees).toHaveLength(50);
  });
});

import { describe, expect, it } from 'vitest';
import type { Run } from '../api/mlflow-types.js';
import { axisFor, axisLabels, axisPosition, compareHref, compareRunIds, diffRows, dimensionsOf } from './compare.js';

const run = (id: string, params: Record<string, string>, metrics: Record<string, number | string>): Run => ({
  info: { run_id: id, experiment_id: '1' },
  data: {
    params: Object.entries(params).map(([key, value]) => ({ key, value })),
    metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 0, step: 0 })),
  },
});
const a = run('a', { lr: '0.01', model: 'tree', seed: '1' }, { rmse: 0.51234, acc: 0.9 });
const b = run('b', { lr: '0.1', model: 'tree', seed: '1' }, { rmse: 0.4, acc: 0.9 });
const c = run('c', { lr: '0.1', model: 'linear' }, { rmse: 'NaN' });

describe('diffRows', () => {
  it('lists params then metrics, flagging those the runs differ on (a missing value differs)', () => {
    const rows = diffRows([a, b, c]);
    expect(rows.map((r) => [r.dimension.kind, r.dimension.key, r.differs])).toEqual([
      ['param', 'lr', true],
      ['param', 'model', true],
      ['param', 'seed', true],
      ['metric', 'acc', true],
      ['metric', 'rmse', true],
    ]);
    expect(diffRows([a, b]).filter((r) => !r.differs).map((r) => r.dimension.key)).toEqual(['model', 'seed', 'acc']);
    expect(rows.find((r) => r.dimension.key === 'rmse')?.values).toEqual(['0.5123', '0.4', 'NaN']);
  });

  it('collects every key of every run', () => {
    expect(dimensionsOf([c]).params.map((d) => d.key)).toEqual(['lr', 'model']);
  });
});

describe('axes', () => {
  it('is numeric when every value is a number, else categorical in natural order', () => {
    expect(axisFor(['0.01', '0.1', undefined])).toEqual({ kind: 'numeric', lo: 0.01, hi: 0.1 });
    expect(axisFor(['tree', 'linear', 'tree'])).toEqual({ kind: 'categorical', categories: ['linear', 'tree'] });
    expect(axisFor(['d10', 'd9', 'd2'])).toEqual({ kind: 'categorical', categories: ['d2', 'd9', 'd10'] });
    expect(axisFor([undefined])).toEqual({ kind: 'categorical', categories: [] });
  });

  it('places values along the axis, single values in the middle, missing ones nowhere', () => {
    const num = axisFor(['0', '10']);
    expect(axisPosition(num, '5', 100, 0)).toBe(50);
    expect(axisPosition(num, undefined, 100, 0)).toBeUndefined();
    expect(axisPosition(axisFor(['3']), '3', 0, 100)).toBe(50);
    const cat = axisFor(['a', 'b', 'c']);
    expect([axisPosition(cat, 'a', 0, 100), axisPosition(cat, 'c', 0, 100), axisPosition(cat, 'zz', 0, 100)]).toEqual([0, 100, undefined]);
    expect(axisLabels(num)).toEqual([{ value: '0', label: '0' }, { value: '10', label: '10' }]);
  });
});

describe('compare URLs', () => {
  it('round-trips run ids, dropping blanks and duplicates', () => {
    expect(compareHref(['a1', 'b2'])).toBe('/compare?runs=a1,b2');
    expect(compareRunIds('?runs=a1,,b2,a1')).toEqual(['a1', 'b2']);
    expect(compareRunIds('')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import type { Run } from '../api/mlflow-types.js';
import { availableColumns, cellText, chooseColumns, formatNumber, orderByClause } from './run-columns.js';

function run(id: string, data: Run['data']): Run {
  return { info: { run_id: id, experiment_id: '1', run_name: `run-${id}` }, data };
}

const runs: Run[] = [
  run('a', {
    params: [{ key: 'lr', value: '0.1' }, { key: 'depth', value: '3' }],
    metrics: [{ key: 'rmse', value: 0.123456, timestamp: 1, step: 0 }],
    tags: [{ key: 'mlflow.user', value: 'x' }, { key: 'team', value: 'ml' }],
  }),
  run('b', { params: [{ key: 'lr', value: '0.2' }], metrics: [{ key: 'acc', value: 'NaN', timestamp: 1, step: 0 }] }),
  run('c', undefined),
];

describe('availableColumns', () => {
  it('collects the keys of all loaded runs, sorted, without MLflow system tags', () => {
    expect(availableColumns(runs)).toEqual({ params: ['depth', 'lr'], metrics: ['acc', 'rmse'], tags: ['team'] });
  });
});

describe('chooseColumns', () => {
  it('shows metrics then params by default, a few of each', () => {
    expect(chooseColumns(runs, undefined)).toEqual([
      { kind: 'metric', key: 'acc' },
      { kind: 'metric', key: 'rmse' },
      { kind: 'param', key: 'depth' },
      { kind: 'param', key: 'lr' },
    ]);
    const many = [run('m', { params: Array.from({ length: 9 }, (_, i) => ({ key: `p${i}`, value: '1' })) })];
    expect(chooseColumns(many, undefined)).toHaveLength(4);
  });

  it("keeps the user's choice in its order, dropping keys no loaded run has", () => {
    const chosen = [
      { kind: 'tag', key: 'team' },
      { kind: 'param', key: 'gone' },
      { kind: 'metric', key: 'rmse' },
    ] as const;
    expect(chooseColumns(runs, chosen)).toEqual([
      { kind: 'tag', key: 'team' },
      { kind: 'metric', key: 'rmse' },
    ]);
  });
});

describe('cellText', () => {
  it('reads params, metrics, tags and attributes, empty when absent', () => {
    const [a, b, c] = runs as [Run, Run, Run];
    expect(cellText(a, { kind: 'param', key: 'lr' })).toBe('0.1');
    expect(cellText(a, { kind: 'metric', key: 'rmse' })).toBe('0.1235');
    expect(cellText(b, { kind: 'metric', key: 'acc' })).toBe('NaN');
    expect(cellText(a, { kind: 'tag', key: 'team' })).toBe('ml');
    expect(cellText(a, { kind: 'attribute', key: 'run_name' })).toBe('run-a');
    expect(cellText(c, { kind: 'param', key: 'lr' })).toBe('');
  });

  it('formats numbers compactly', () => {
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(1234567.891)).toBe('1234568');
    expect(formatNumber(0.000012346)).toBe('0.00001235');
    expect(formatNumber(-0.5)).toBe('-0.5');
  });
});

describe('orderByClause', () => {
  it("writes MLflow's order_by with backticked keys", () => {
    expect(orderByClause({ kind: 'metric', key: 'val loss' }, false)).toBe('metrics.`val loss` DESC');
    expect(orderByClause({ kind: 'param', key: 'lr' }, true)).toBe('params.`lr` ASC');
    expect(orderByClause({ kind: 'attribute', key: 'start_time' }, false)).toBe('attributes.start_time DESC');
  });
});

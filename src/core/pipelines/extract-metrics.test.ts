import { describe, expect, it } from 'vitest';
import { metricReader } from './extract-metrics.js';

describe('metricReader', () => {
  const read = metricReader([
    { name: 'rmse', regex: 'rmse[:=] *([-0-9.eE+]+)' },
    { name: 'r2', regex: 'r2=(?<value>[0-9.]+)' },
    { name: 'epoch', regex: 'epoch (\\d+)/\\d+' },
  ]);

  it('reads every metric a line carries', () => {
    expect(read('epoch 3/10 rmse: 48123.5 r2=0.81')).toEqual([
      { name: 'rmse', value: 48123.5 },
      { name: 'r2', value: 0.81 },
      { name: 'epoch', value: 3 },
    ]);
    expect(read('val rmse=1.5e-3')).toEqual([{ name: 'rmse', value: 0.0015 }]);
  });

  it('ignores lines without a match and captures that are not numbers', () => {
    expect(read('loading data…')).toEqual([]);
    expect(read('rmse: ...')).toEqual([]);
  });
});

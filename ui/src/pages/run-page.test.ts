import { describe, expect, it } from 'vitest';
import { defaultChartMetric, formatDuration } from './run-page.js';

describe('defaultChartMetric', () => {
  it('charts the metric with the longest history first, by name among equals', () => {
    const point = (key: string, step: number) => ({ key, value: 1, timestamp: 0, step });
    expect(defaultChartMetric([point('accuracy', 0), point('loss', 999), point('rmse', 0)])).toBe('loss');
    expect(defaultChartMetric([point('rmse', 0), point('accuracy', 0)])).toBe('accuracy');
    expect(defaultChartMetric([])).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it('shows seconds under a minute, else hours, minutes and seconds', () => {
    expect(formatDuration(42_000)).toBe('42.0s');
    expect(formatDuration(3_723_000)).toBe('1h 2m 3s');
    expect(formatDuration(61_000)).toBe('1m 1s');
  });
});

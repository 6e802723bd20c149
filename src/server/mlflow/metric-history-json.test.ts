import { describe, expect, it } from 'vitest';
import type { Metric } from '../../core/entities/metric.js';
import { metricHistoryJson } from './metric-history-json.js';
import { wireMetric } from './wire-format.js';

async function render(chunks: Metric[][], token?: string): Promise<string> {
  let out = '';
  for await (const piece of metricHistoryJson(toAsync(chunks), () => token)) out += String(piece);
  return out;
}

async function* toAsync(chunks: Metric[][]): AsyncGenerator<Metric[]> {
  for (const c of chunks) {
    await Promise.resolve();
    yield c;
  }
}

const point = (step: number, extra: Partial<Metric> = {}): Metric => ({
  key: 'loss',
  value: step / 10,
  timestamp: 1000 + step,
  step,
  modelId: undefined,
  datasetName: undefined,
  datasetDigest: undefined,
  ...extra,
});

describe('metricHistoryJson', () => {
  it('writes the same JSON as wireMetric for plain and special points, across chunks', async () => {
    const chunks = [
      [point(0), point(1)],
      [],
      [point(2, { value: Number.NaN }), point(3, { value: -Infinity }), point(4, { modelId: 'm-1', datasetName: 'eval', datasetDigest: 'd' })],
      [point(5, { runId: 'r' })],
    ];
    const text = await render(chunks, 'tok');
    const expected = chunks.flat().map((m) => wireMetric({ ...m, runId: undefined }));
    expect(JSON.parse(text)).toEqual({ metrics: expected, next_page_token: 'tok' });
    expect(text).toContain('"value":"NaN"');
    expect(text).toContain('"value":"-Infinity"');
  });

  it('writes an empty history and leaves the token out on the last page', async () => {
    expect(JSON.parse(await render([]))).toEqual({ metrics: [] });
    expect(JSON.parse(await render([[point(1)]]))).toEqual({ metrics: [wireMetric(point(1))] });
  });
});

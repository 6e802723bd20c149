import { Readable } from 'node:stream';
import type { Metric } from '../../core/entities/metric.js';
import { wireMetric } from './wire-format.js';

/**
 * `{"metrics":[…],"next_page_token":"…"}` written chunk by chunk as the points are read,
 * so a 100,000-point history never exists as one object graph or one string. The token
 * (`nextPageToken()`) is asked for after the last chunk, when it is known.
 *
 * Each chunk goes through the native `JSON.stringify`, three times faster than encoding by
 * hand. A point with only `key`, a finite `value`, `timestamp` and `step` serialises to
 * exactly its wire form (the unset optional fields are `undefined` and left out), so such
 * chunks are written as they are; a chunk with NaN, ±Infinity or model/dataset fields is
 * mapped through {@link wireMetric} first.
 */
export function metricHistoryJson(chunks: AsyncIterable<Metric[]>, nextPageToken: () => string | undefined): Readable {
  async function* text(): AsyncGenerator<string> {
    yield '{"metrics":[';
    let first = true;
    for await (const chunk of chunks) {
      if (chunk.length === 0) continue;
      const body = JSON.stringify(chunk.every(isPlainPoint) ? chunk : chunk.map(historyPoint));
      yield first ? body.slice(1, -1) : `,${body.slice(1, -1)}`;
      first = false;
    }
    const token = nextPageToken();
    yield token === undefined ? ']}' : `],"next_page_token":${JSON.stringify(token)}}`;
  }
  return Readable.from(text(), { objectMode: false });
}

function isPlainPoint(m: Metric): boolean {
  return (
    Number.isFinite(m.value) &&
    m.modelId === undefined &&
    m.datasetName === undefined &&
    m.datasetDigest === undefined &&
    m.runId === undefined
  );
}

/** History points carry no run id: the request names one run. */
function historyPoint(m: Metric): Record<string, unknown> {
  return wireMetric({ ...m, runId: undefined });
}

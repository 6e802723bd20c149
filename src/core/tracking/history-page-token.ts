import type { MetricPointKey } from '../ports/tracking-store.js';
import { decodePageToken, encodePageToken } from './page-token.js';
import { SlipwayError } from '../errors/slipway-error.js';

/** Where the next page of a metric history starts: after a point, or at an offset. */
export type HistoryCursor = { readonly after: MetricPointKey; readonly offset: 0 } | { readonly after?: undefined; readonly offset: number };

/**
 * History pages resume after the last point handed over (a cursor), not at an offset: a
 * database reaches the next page by one index seek instead of skipping every point
 * before it, and points logged between two pages are neither repeated nor skipped.
 * Tokens are opaque base64 JSON; MLflow-style `{"offset": N}` tokens are accepted too.
 */
export function encodeHistoryCursor(point: MetricPointKey): string {
  const value = Number.isFinite(point.value) ? point.value : String(point.value);
  return Buffer.from(JSON.stringify({ after: [point.step, point.timestamp, value] }), 'utf8').toString('base64');
}

export function decodeHistoryCursor(token: string | undefined): HistoryCursor {
  if (token === undefined || token === '') return { offset: 0 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const after = (parsed as { after?: unknown } | undefined)?.after;
  if (after === undefined) return { offset: decodePageToken(token) };
  if (Array.isArray(after) && after.length === 3 && Number.isSafeInteger(after[0]) && Number.isSafeInteger(after[1])) {
    const raw: unknown = after[2];
    const value = typeof raw === 'number' ? raw : raw === 'NaN' || raw === 'Infinity' || raw === '-Infinity' ? Number(raw) : undefined;
    if (value !== undefined) return { after: { step: after[0] as number, timestamp: after[1] as number, value }, offset: 0 };
  }
  throw SlipwayError.invalidParameter(`Invalid page token '${token}': it is not one this server issued.`);
}

export { encodePageToken };

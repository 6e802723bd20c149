import type { EndpointStats } from '../api/endpoints-client.js';

/**
 * The live charts' memory: one sample per stats poll, kept in the browser for the last few
 * minutes (the server only answers for its last minute). Pure, so it is unit-tested.
 * @module
 */

export type TrafficMetric = 'rate' | 'errors' | 'p50' | 'p99';

export interface VariantSample {
  readonly rate: number | null;
  readonly errors: number | null;
  readonly p50: number | null;
  readonly p99: number | null;
}

export interface TrafficSample {
  readonly time: number;
  readonly variants: Readonly<Record<string, VariantSample>>;
}

export interface TrafficLine {
  readonly id: string;
  readonly label: string;
  readonly colorIndex: number;
  /** `[time, value]`; null is a gap (no requests, so no latency). */
  readonly points: readonly (readonly [number, number | null])[];
}

/** How long the charts remember. */
export const KEEP_MS = 5 * 60_000;

/** A variant's key in a sample: the candidate of a rollout is told apart from a serving variant of the same name. */
export function variantKey(variant: string, candidate: boolean): string {
  return candidate ? `${variant} (candidate)` : variant;
}

/** `samples` with one more from a stats answer at `now`, dropping what is older than `keepMs`. */
export function appendSample(samples: readonly TrafficSample[], stats: EndpointStats, now: number, keepMs = KEEP_MS): TrafficSample[] {
  const variants: Record<string, VariantSample> = {};
  for (const v of stats.variants) {
    variants[variantKey(v.variant, v.candidate)] = {
      rate: v.requests_per_second ?? (stats.window_seconds > 0 ? v.requests / stats.window_seconds : null),
      errors: v.error_rate ?? (v.requests > 0 ? v.errors / v.requests : null),
      p50: v.p50_ms,
      p99: v.p99_ms,
    };
  }
  return [...samples.filter((s) => s.time > now - keepMs), { time: now, variants }];
}

/** One line per variant seen in the samples (in first-seen order), for one metric; a variant missing from a sample is a gap. */
export function linesOf(samples: readonly TrafficSample[], metric: TrafficMetric): TrafficLine[] {
  const keys: string[] = [];
  for (const s of samples) for (const key of Object.keys(s.variants)) if (!keys.includes(key)) keys.push(key);
  return keys.map((key, i) => ({
    id: key,
    label: key,
    colorIndex: i % 8,
    points: samples.map((s) => [s.time, s.variants[key]?.[metric] ?? null] as const),
  }));
}

/** An SVG path through the points, broken at gaps; a lone point between gaps is a dot-sized segment. */
export function linePath(points: readonly (readonly [number, number | null])[], x: (t: number) => number, y: (v: number) => number): string {
  const parts: string[] = [];
  let pen = false;
  for (const [t, v] of points) {
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      continue;
    }
    const px = x(t).toFixed(1);
    const py = y(v).toFixed(1);
    parts.push(`${pen ? 'L' : 'M'}${px} ${py}`);
    if (!pen) parts.push(`h0.01`);
    pen = true;
  }
  return parts.join(' ');
}

/** The largest value of the lines (0 when there is none). */
export function maxValue(lines: readonly TrafficLine[]): number {
  let max = 0;
  for (const line of lines) for (const [, v] of line.points) if (v !== null && Number.isFinite(v) && v > max) max = v;
  return max;
}

/** A value of a metric as text: `12.3 req/s`, `1.5%`, `4.2 ms`; `–` for none. */
export function formatMetric(metric: TrafficMetric, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (metric === 'rate') return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} req/s`;
  if (metric === 'errors') return `${(value * 100).toFixed(value === 0 ? 0 : 2)}%`;
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

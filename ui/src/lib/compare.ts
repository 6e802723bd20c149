import type { Run } from '../api/mlflow-types.js';
import { formatNumber } from './run-columns.js';

/**
 * The pure parts of comparing runs: the param/metric diff, and the axes the scatter and
 * parallel-coordinates views place runs on (numeric when every value is a number, else
 * categorical).
 * @module
 */

/** A param or (latest) metric to compare runs on. */
export interface Dimension {
  readonly kind: 'param' | 'metric';
  readonly key: string;
}

export function dimensionId(d: Dimension): string {
  return `${d.kind}:${d.key}`;
}

/** A run's value for a dimension as text (params as logged, metrics as their latest value); undefined when it has none. */
export function dimensionText(run: Run, d: Dimension): string | undefined {
  if (d.kind === 'param') return run.data?.params?.find((p) => p.key === d.key)?.value;
  const m = run.data?.metrics?.find((x) => x.key === d.key);
  return m === undefined ? undefined : typeof m.value === 'number' ? String(m.value) : m.value;
}

/** Every param and metric key the runs have, each list sorted. */
export function dimensionsOf(runs: readonly Run[]): { params: Dimension[]; metrics: Dimension[] } {
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const r of runs) {
    for (const p of r.data?.params ?? []) params.add(p.key);
    for (const m of r.data?.metrics ?? []) metrics.add(m.key);
  }
  const sorted = (s: Set<string>): string[] => [...s].sort((a, b) => a.localeCompare(b));
  return {
    params: sorted(params).map((key) => ({ kind: 'param', key })),
    metrics: sorted(metrics).map((key) => ({ kind: 'metric', key })),
  };
}

export interface DiffRow {
  readonly dimension: Dimension;
  /** One per run, in the runs' order; metric values formatted for a cell. */
  readonly values: readonly (string | undefined)[];
  /** Not every run has the same value (a missing value counts as different). */
  readonly differs: boolean;
}

/** The rows of the diff table: params first, then metrics; each says whether the runs differ on it. */
export function diffRows(runs: readonly Run[]): DiffRow[] {
  const { params, metrics } = dimensionsOf(runs);
  return [...params, ...metrics].map((dimension) => {
    const raw = runs.map((r) => dimensionText(r, dimension));
    const values = dimension.kind === 'metric' ? raw.map((v) => (v === undefined ? undefined : formatNumber(Number.isNaN(Number(v)) ? v : Number(v)))) : raw;
    return { dimension, values, differs: new Set(raw).size > 1 };
  });
}

/** How values lie along an axis. */
export type Axis =
  | { readonly kind: 'numeric'; readonly lo: number; readonly hi: number }
  | { readonly kind: 'categorical'; readonly categories: readonly string[] };

/** Numeric when every present value is a finite number; otherwise the sorted distinct values. */
export function axisFor(values: readonly (string | undefined)[]): Axis {
  const present = values.filter((v): v is string => v !== undefined);
  const numbers = present.map((v) => (v.trim() === '' ? Number.NaN : Number(v)));
  if (present.length > 0 && numbers.every((n) => Number.isFinite(n))) {
    return { kind: 'numeric', lo: Math.min(...numbers), hi: Math.max(...numbers) };
  }
  return { kind: 'categorical', categories: [...new Set(present)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })) };
}

/**
 * Where a value sits between pixel `from` and `to` on an axis: numbers scaled linearly
 * (a single value in the middle), categories evenly spaced. Undefined for a missing value.
 */
export function axisPosition(axis: Axis, value: string | undefined, from: number, to: number): number | undefined {
  if (value === undefined) return undefined;
  if (axis.kind === 'numeric') {
    const n = Number(value);
    if (!Number.isFinite(n)) return undefined;
    if (axis.hi === axis.lo) return (from + to) / 2;
    return from + ((n - axis.lo) / (axis.hi - axis.lo)) * (to - from);
  }
  const i = axis.categories.indexOf(value);
  if (i < 0) return undefined;
  if (axis.categories.length === 1) return (from + to) / 2;
  return from + (i / (axis.categories.length - 1)) * (to - from);
}

/** The labels to draw along an axis: its ends for numbers, every category (up to `max`) otherwise. */
export function axisLabels(axis: Axis, max = 12): { value: string; label: string }[] {
  if (axis.kind === 'numeric') {
    const ends = axis.lo === axis.hi ? [axis.lo] : [axis.lo, axis.hi];
    return ends.map((n) => ({ value: String(n), label: formatNumber(n) }));
  }
  const stride = Math.ceil(axis.categories.length / max);
  return axis.categories.filter((_, i) => i % stride === 0).map((c) => ({ value: c, label: c }));
}

/** Run ids in a compare URL's `runs` parameter (comma-separated, de-duplicated, at most `max`). */
export function compareRunIds(search: string, max = 20): string[] {
  const raw = new URLSearchParams(search).get('runs') ?? '';
  return [...new Set(raw.split(',').map((s) => s.trim()).filter((s) => s !== ''))].slice(0, max);
}

export function compareHref(runIds: Iterable<string>): string {
  return `/compare?runs=${[...runIds].map(encodeURIComponent).join(',')}`;
}

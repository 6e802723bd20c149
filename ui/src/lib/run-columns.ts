import type { Run } from '../api/mlflow-types.js';

/** A column of the runs table: a run attribute, or one param, metric or tag key. */
export interface RunColumn {
  readonly kind: 'attribute' | 'param' | 'metric' | 'tag';
  readonly key: string;
}

/** Tags MLflow writes itself (`mlflow.*`): not offered as columns, they are noise in a table. */
const SYSTEM_TAG = /^mlflow\./;

/** Columns shown by default when the user has not chosen any: this many params and metrics. */
export const DEFAULT_PARAM_COLUMNS = 4;
export const DEFAULT_METRIC_COLUMNS = 4;

/** The param, metric and user tag keys the loaded runs have, each list sorted. */
export function availableColumns(runs: readonly Run[]): { params: string[]; metrics: string[]; tags: string[] } {
  const params = new Set<string>();
  const metrics = new Set<string>();
  const tags = new Set<string>();
  for (const run of runs) {
    for (const p of run.data?.params ?? []) params.add(p.key);
    for (const m of run.data?.metrics ?? []) metrics.add(m.key);
    for (const t of run.data?.tags ?? []) if (!SYSTEM_TAG.test(t.key)) tags.add(t.key);
  }
  const sorted = (s: Set<string>): string[] => [...s].sort((a, b) => a.localeCompare(b));
  return { params: sorted(params), metrics: sorted(metrics), tags: sorted(tags) };
}

/**
 * The value columns of the table: the user's choice when there is one (kept only where
 * the keys still exist, so a stale choice cannot show empty columns forever), otherwise
 * the first few metrics and params.
 */
export function chooseColumns(runs: readonly Run[], chosen: readonly RunColumn[] | undefined): RunColumn[] {
  const available = availableColumns(runs);
  if (chosen !== undefined) {
    const has = { param: new Set(available.params), metric: new Set(available.metrics), tag: new Set(available.tags) };
    return chosen.filter((c) => c.kind === 'attribute' || has[c.kind].has(c.key));
  }
  return [
    ...available.metrics.slice(0, DEFAULT_METRIC_COLUMNS).map((key): RunColumn => ({ kind: 'metric', key })),
    ...available.params.slice(0, DEFAULT_PARAM_COLUMNS).map((key): RunColumn => ({ kind: 'param', key })),
  ];
}

/** A run's value in a column, as text ('' when the run has none). */
export function cellText(run: Run, column: RunColumn): string {
  switch (column.kind) {
    case 'attribute':
    {
      const value = (run.info as unknown as Record<string, unknown>)[column.key];
      return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
    }
    case 'param':
      return run.data?.params?.find((p) => p.key === column.key)?.value ?? '';
    case 'tag':
      return run.data?.tags?.find((t) => t.key === column.key)?.value ?? '';
    case 'metric': {
      const value = run.data?.metrics?.find((m) => m.key === column.key)?.value;
      return value === undefined ? '' : formatNumber(value);
    }
  }
}

/** A metric value short enough for a table cell; the wire's "NaN"/"Infinity" strings pass through. */
export function formatNumber(value: number | string): string {
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  // Four significant digits, but never rounding away digits before the decimal point.
  const digits = Math.floor(Math.log10(Math.abs(value))) + 1;
  return Number(value.toPrecision(Math.min(15, Math.max(4, digits)))).toString();
}

const TYPE_PREFIX = { attribute: 'attributes', param: 'params', metric: 'metrics', tag: 'tags' } as const;

/**
 * The `order_by` clause MLflow's `runs/search` takes for a column, e.g.
 * ``metrics.`val loss` DESC``. Keys are backticked so any name (spaces, dots) works.
 */
export function orderByClause(column: RunColumn, ascending: boolean): string {
  const key = column.kind === 'attribute' ? column.key : `\`${column.key.replace(/`/g, '')}\``;
  return `${TYPE_PREFIX[column.kind]}.${key} ${ascending ? 'ASC' : 'DESC'}`;
}

/** A column's header text: the key, with its type so that a param and a metric of one name differ. */
export function columnLabel(column: RunColumn): string {
  return column.kind === 'attribute' ? column.key : `${column.key}`;
}

export function columnId(column: RunColumn): string {
  return `${column.kind}:${column.key}`;
}

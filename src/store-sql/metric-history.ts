import { sql, type Kysely } from 'kysely';
import type { Metric } from '../core/entities/metric.js';
import type { BulkIntervalQuery, MetricHistoryQuery, Page } from '../core/ports/tracking-store.js';
import type { Database } from './database-schema.js';
import { metricValue, storedMetricValue, toMetric } from './row-mappers.js';
import { runRow } from './run-queries.js';

type Db = Kysely<Database>;

const HISTORY_COLUMNS = ['key', 'value', 'is_nan', 'timestamp', 'step', 'model_id', 'dataset_name', 'dataset_digest'] as const;

export async function metricHistory(db: Db, query: MetricHistoryQuery): Promise<Page<Metric>> {
  await runRow(db, query.runId);
  let q = historyQuery(db, query.runId, query.key);
  if (query.limit !== undefined) q = q.limit(query.limit + 1).offset(query.offset);
  else if (query.offset > 0) q = q.limit(Number.MAX_SAFE_INTEGER).offset(query.offset);
  const rows = await q.execute();
  const hasMore = query.limit !== undefined && rows.length > query.limit;
  if (hasMore) rows.pop();
  return { items: rows.map(toMetric), hasMore };
}

/** Checks the run exists, then hands over the chunk reader (see the port). */
export async function openMetricHistory(db: Db, query: MetricHistoryQuery, chunkSize: number): Promise<AsyncIterable<Metric[]>> {
  await runRow(db, query.runId);
  return metricHistoryChunks(db, query, chunkSize);
}

/**
 * Reads a history in chunks: the first from `offset`, each next one after the last point
 * handed over (keyset on the primary key's order), so no chunk rescans what came before.
 * Only the four columns every point has are read per point; the rare points logged with a
 * model or dataset are flagged, and their extra columns fetched for that chunk alone
 * (reading three mostly-NULL columns for every point would cost a third of the time).
 */
async function* metricHistoryChunks(db: Db, query: MetricHistoryQuery, chunkSize: number): AsyncGenerator<Metric[]> {
  let remaining = query.limit ?? Number.POSITIVE_INFINITY;
  let after: PointKey | undefined =
    query.after === undefined ? undefined : { step: query.after.step, timestamp: query.after.timestamp, ...storedMetricValue(query.after.value) };
  while (remaining > 0) {
    const size = Math.min(chunkSize, remaining);
    let q = db
      .selectFrom('metrics')
      .select(['step', 'timestamp', 'value', 'is_nan'])
      .select(
        sql<number>`case when model_id is null and dataset_name is null and dataset_digest is null then 0 else 1 end`.as('extra'),
      )
      .where('run_uuid', '=', query.runId)
      .where('key', '=', query.key)
      .orderBy('step')
      .orderBy('timestamp')
      .orderBy('value')
      .orderBy('is_nan')
      .limit(size);
    if (after === undefined) {
      if (query.offset > 0) q = q.offset(query.offset);
    } else {
      q = q.where(afterPoint(after));
    }
    const rows = await q.execute();
    if (rows.length === 0) return;
    const extras = rows.some((r) => Number(r.extra) === 1) ? await extraColumns(db, query, rows[0]!, rows[rows.length - 1]!) : undefined;
    const points: Metric[] = rows.map((r) => {
      const extra = extras?.get(pointId(r));
      return {
        key: query.key,
        value: metricValue(r.value, r.is_nan),
        timestamp: r.timestamp,
        step: r.step,
        modelId: extra?.model_id ?? undefined,
        datasetName: extra?.dataset_name ?? undefined,
        datasetDigest: extra?.dataset_digest ?? undefined,
      };
    });
    after = rows[rows.length - 1]!;
    remaining -= rows.length;
    yield points;
    if (rows.length < size) return;
  }
}

interface PointKey {
  readonly step: number;
  readonly timestamp: number;
  readonly value: number;
  readonly is_nan: number;
}

function afterPoint(p: PointKey) {
  return sql<boolean>`(step, timestamp, value, is_nan) > (${p.step}, ${p.timestamp}, ${p.value}, ${p.is_nan})`;
}

function pointId(p: PointKey): string {
  return `${p.step}|${p.timestamp}|${p.value}|${p.is_nan}`;
}

/** model_id / dataset columns of the points in `[first, last]` that have any. */
async function extraColumns(db: Db, query: MetricHistoryQuery, first: PointKey, last: PointKey) {
  const rows = await db
    .selectFrom('metrics')
    .select(['step', 'timestamp', 'value', 'is_nan', 'model_id', 'dataset_name', 'dataset_digest'])
    .where('run_uuid', '=', query.runId)
    .where('key', '=', query.key)
    .where(sql<boolean>`(step, timestamp, value, is_nan) >= (${first.step}, ${first.timestamp}, ${first.value}, ${first.is_nan})`)
    .where(sql<boolean>`(step, timestamp, value, is_nan) <= (${last.step}, ${last.timestamp}, ${last.value}, ${last.is_nan})`)
    .where((eb) => eb.or([eb('model_id', 'is not', null), eb('dataset_name', 'is not', null), eb('dataset_digest', 'is not', null)]))
    .execute();
  return new Map(rows.map((r) => [pointId(r), r]));
}

function historyQuery(db: Db, runId: string, key: string) {
  return db
    .selectFrom('metrics')
    .select(HISTORY_COLUMNS)
    .where('run_uuid', '=', runId)
    .where('key', '=', key)
    .orderBy('step')
    .orderBy('timestamp')
    .orderBy('value')
    .orderBy('is_nan');
}

/**
 * Samples each run's history down to `maxResults` steps, evenly spaced over the steps
 * in range and always including the first and the last, then returns every point at
 * those steps (MLflow's `get-history-bulk-interval`).
 */
export async function metricHistoryBulkInterval(db: Db, query: BulkIntervalQuery): Promise<Metric[]> {
  const out: Metric[] = [];
  for (const runId of query.runIds) {
    let stepsQuery = db.selectFrom('metrics').select('step').distinct().where('run_uuid', '=', runId).where('key', '=', query.key);
    if (query.startStep !== undefined) stepsQuery = stepsQuery.where('step', '>=', query.startStep);
    if (query.endStep !== undefined) stepsQuery = stepsQuery.where('step', '<=', query.endStep);
    const steps = (await stepsQuery.orderBy('step').execute()).map((r) => r.step);
    const chosen = sampleEvenly(steps, query.maxResults);
    if (chosen.length === 0) continue;
    const rows = await db
      .selectFrom('metrics')
      .select(['key', 'value', 'is_nan', 'timestamp', 'step', 'run_uuid', 'model_id', 'dataset_name', 'dataset_digest'])
      .where('run_uuid', '=', runId)
      .where('key', '=', query.key)
      .where('step', 'in', chosen)
      .orderBy('step')
      .orderBy('timestamp')
      .execute();
    out.push(...rows.map(toMetric));
  }
  return out;
}

/** Up to `n` items of `sorted`, evenly spaced, first and last always kept. */
export function sampleEvenly<T>(sorted: readonly T[], n: number): T[] {
  if (sorted.length <= n) return [...sorted];
  if (n <= 1) return sorted.slice(0, n);
  const picked: T[] = [];
  const stride = (sorted.length - 1) / (n - 1);
  for (let i = 0; i < n; i++) picked.push(sorted[Math.round(i * stride)]!);
  return picked;
}

import type { Kysely } from 'kysely';
import type { Metric } from '../core/entities/metric.js';
import type { BulkIntervalQuery, MetricHistoryQuery, Page } from '../core/ports/tracking-store.js';
import type { Database } from './database-schema.js';
import { toMetric } from './row-mappers.js';
import { runRow } from './run-queries.js';

type Db = Kysely<Database>;

export async function metricHistory(db: Db, query: MetricHistoryQuery): Promise<Page<Metric>> {
  await runRow(db, query.runId);
  let q = db
    .selectFrom('metrics')
    .select(['key', 'value', 'is_nan', 'timestamp', 'step', 'model_id', 'dataset_name', 'dataset_digest'])
    .where('run_uuid', '=', query.runId)
    .where('key', '=', query.key)
    .orderBy('step')
    .orderBy('timestamp')
    .orderBy('value');
  if (query.limit !== undefined) q = q.limit(query.limit + 1).offset(query.offset);
  else if (query.offset > 0) q = q.limit(Number.MAX_SAFE_INTEGER).offset(query.offset);
  const rows = await q.execute();
  const hasMore = query.limit !== undefined && rows.length > query.limit;
  if (hasMore) rows.pop();
  return { items: rows.map(toMetric), hasMore };
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

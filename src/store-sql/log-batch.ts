import { sql, type Kysely } from 'kysely';
import type { Metric } from '../core/entities/metric.js';
import { RUN_NAME_TAG } from '../core/entities/run.js';
import type { Tag } from '../core/entities/tag.js';
import { SlipwayError } from '../core/errors/slipway-error.js';
import type { LogBatchInput } from '../core/ports/tracking-store.js';
import type { Database, LatestMetricsTable, MetricsTable } from './database-schema.js';
import { insertMetricRows } from './insert-metric-rows.js';
import { storedMetricValue } from './row-mappers.js';
import { activeRunRow } from './run-queries.js';
import type { SqlFlavor } from './sql-flavor.js';

type Db = Kysely<Database>;

/** Rows per multi-row upsert of latest values; 6 columns × 500 stays under every driver's parameter limit. */
const INSERT_CHUNK = 500;

/**
 * Writes a batch in one transaction. Rows are written in key order so that concurrent
 * batches on PostgreSQL take row locks in the same order and cannot deadlock.
 */
export async function logBatch(db: Db, flavor: SqlFlavor, input: LogBatchInput): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await activeRunRow(trx, input.runId);
    if (input.params.length > 0) await logParams(trx, input.runId, input.params);
    if (input.tags.length > 0) await logTags(trx, input.runId, input.tags);
    if (input.metrics.length > 0) await logMetrics(trx, flavor, input.runId, input.metrics);
  });
}

async function logParams(db: Db, runId: string, params: readonly Tag[]): Promise<void> {
  const sorted = [...params].sort(byKey);
  await db
    .insertInto('params')
    .values(sorted.map((p) => ({ run_uuid: runId, key: p.key, value: p.value })))
    .onConflict((oc) => oc.columns(['run_uuid', 'key']).doNothing())
    .execute();
  // Whatever was there before (or raced in) must equal what this batch says.
  const stored = await db
    .selectFrom('params')
    .select(['key', 'value'])
    .where('run_uuid', '=', runId)
    .where(
      'key',
      'in',
      sorted.map((p) => p.key),
    )
    .execute();
  const storedByKey = new Map(stored.map((r) => [r.key, r.value]));
  for (const p of sorted) {
    const old = storedByKey.get(p.key);
    if (old !== undefined && old !== p.value) {
      throw SlipwayError.invalidParameter(
        `Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${old}' ` +
          `for run ID='${runId}'. Attempted logging new value '${p.value}'.`,
      );
    }
  }
}

async function logTags(db: Db, runId: string, tags: readonly Tag[]): Promise<void> {
  const lastByKey = new Map<string, Tag>();
  for (const t of tags) lastByKey.set(t.key, t);
  const sorted = [...lastByKey.values()].sort(byKey);
  await db
    .insertInto('tags')
    .values(sorted.map((t) => ({ run_uuid: runId, key: t.key, value: t.value })))
    .onConflict((oc) => oc.columns(['run_uuid', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
    .execute();
  const runName = lastByKey.get(RUN_NAME_TAG);
  if (runName !== undefined) {
    await db.updateTable('runs').set({ name: runName.value }).where('run_uuid', '=', runId).execute();
  }
}

async function logMetrics(db: Db, flavor: SqlFlavor, runId: string, metrics: readonly Metric[]): Promise<void> {
  const rows: MetricsTable[] = metrics.map((m) => ({
    run_uuid: runId,
    key: m.key,
    step: m.step,
    timestamp: m.timestamp,
    ...storedMetricValue(m.value),
    model_id: m.modelId ?? null,
    dataset_name: m.datasetName ?? null,
    dataset_digest: m.datasetDigest ?? null,
  }));
  // Inserts take no locks on existing rows, so unlike the upserts below they need no order.
  await insertMetricRows(db, flavor, rows);
  await upsertLatest(db, latestPerKey(rows).sort((a, b) => compareStrings(a.key, b.key)));
  const withModel = rows.filter((r) => r.model_id !== null);
  if (withModel.length > 0) await logModelMetrics(db, withModel);
}

/** The largest `(step, timestamp, value)` point per key in the batch. */
function latestPerKey(rows: readonly MetricsTable[]): LatestMetricsTable[] {
  const latest = new Map<string, LatestMetricsTable>();
  for (const r of rows) {
    const cur = latest.get(r.key);
    if (cur === undefined || isLater(r, cur)) {
      latest.set(r.key, { run_uuid: r.run_uuid, key: r.key, step: r.step, timestamp: r.timestamp, value: r.value, is_nan: r.is_nan });
    }
  }
  return [...latest.values()];
}

function isLater(a: LatestMetricsTable, b: LatestMetricsTable): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.value >= b.value;
}

/** Upserts latest values, replacing a stored one only when the new point is later. */
async function upsertLatest(db: Db, rows: readonly LatestMetricsTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await db
      .insertInto('latest_metrics')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) =>
        oc
          .columns(['run_uuid', 'key'])
          .doUpdateSet((eb) => ({
            step: eb.ref('excluded.step'),
            timestamp: eb.ref('excluded.timestamp'),
            value: eb.ref('excluded.value'),
            is_nan: eb.ref('excluded.is_nan'),
          }))
          .where(
            sql<boolean>`excluded.step > latest_metrics.step
              OR (excluded.step = latest_metrics.step AND excluded.timestamp > latest_metrics.timestamp)
              OR (excluded.step = latest_metrics.step AND excluded.timestamp = latest_metrics.timestamp
                  AND excluded.value >= latest_metrics.value)`,
          ),
      )
      .execute();
  }
}

async function logModelMetrics(db: Db, rows: readonly MetricsTable[]): Promise<void> {
  const modelIds = [...new Set(rows.map((r) => r.model_id!))];
  const found = await db.selectFrom('logged_models').select('model_id').where('model_id', 'in', modelIds).execute();
  const missing = modelIds.filter((id) => !found.some((f) => f.model_id === id));
  if (missing.length > 0) {
    throw SlipwayError.invalidParameter(`Logged model with ID '${missing[0]}' not found (field 'model_id').`);
  }
  // One row per primary key: PostgreSQL refuses to update a row twice in one statement.
  const unique = new Map<string, MetricsTable>();
  for (const r of rows) unique.set(JSON.stringify([r.model_id, r.key, r.step, r.timestamp, r.dataset_name, r.dataset_digest]), r);
  await db
    .insertInto('logged_model_metrics')
    .values(
      [...unique.values()].map((r) => ({
        model_id: r.model_id!,
        key: r.key,
        step: r.step,
        timestamp: r.timestamp,
        value: r.value,
        is_nan: r.is_nan,
        run_uuid: r.run_uuid,
        dataset_name: r.dataset_name ?? '',
        dataset_digest: r.dataset_digest ?? '',
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['model_id', 'key', 'step', 'timestamp', 'run_uuid', 'dataset_name', 'dataset_digest'])
        .doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), is_nan: eb.ref('excluded.is_nan') })),
    )
    .execute();
}

function byKey(a: Tag, b: Tag): number {
  return compareStrings(a.key, b.key);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

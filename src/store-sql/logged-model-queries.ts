import { sql, type Kysely, type RawBuilder } from 'kysely';
import { LifecycleStage } from '../core/entities/lifecycle-stage.js';
import type { LoggedModel, LoggedModelStatus } from '../core/entities/logged-model.js';
import type { Tag } from '../core/entities/tag.js';
import { SlipwayError } from '../core/errors/slipway-error.js';
import type { CreateLoggedModelInput, Page, SearchLoggedModelsQuery } from '../core/ports/tracking-store.js';
import type { Comparison } from '../core/search/search-ast.js';
import type { Database, LoggedModelsTable } from './database-schema.js';
import { activeExperimentRow, childLocation, dedupeTags } from './experiment-queries.js';
import { allOf, numericCondition, stringCondition, type SqlCondition } from './filter-sql.js';
import { groupTags, parseNumericId, toMetric } from './row-mappers.js';
import type { SqlFlavor } from './sql-flavor.js';

type Db = Kysely<Database>;

export async function insertLoggedModel(db: Db, input: CreateLoggedModelInput, now: number): Promise<LoggedModel> {
  return db.transaction().execute(async (trx) => {
    const experiment = await activeExperimentRow(trx, input.experimentId);
    const row: LoggedModelsTable = {
      model_id: input.modelId,
      experiment_id: experiment.experiment_id,
      name: input.name,
      artifact_location: childLocation(experiment.artifact_location, `models/${input.modelId}/artifacts`),
      creation_timestamp_ms: now,
      last_updated_timestamp_ms: now,
      status: 'LOGGED_MODEL_PENDING',
      status_message: null,
      model_type: input.modelType ?? null,
      source_run_id: input.sourceRunId ?? null,
      lifecycle_stage: LifecycleStage.ACTIVE,
    };
    await trx.insertInto('logged_models').values(row).execute();
    await upsertKeyValues(trx, 'logged_model_tags', input.modelId, input.tags);
    await upsertKeyValues(trx, 'logged_model_params', input.modelId, input.params);
    const [model] = await hydrateLoggedModels(trx, [row]);
    return model!;
  });
}

/** The active logged model's row, or RESOURCE_DOES_NOT_EXIST (deleted models are gone to clients). */
export async function loggedModelRow(db: Db, modelId: string): Promise<LoggedModelsTable> {
  const row = await db
    .selectFrom('logged_models')
    .selectAll()
    .where('model_id', '=', modelId)
    .where('lifecycle_stage', '=', LifecycleStage.ACTIVE)
    .executeTakeFirst();
  if (row === undefined) throw SlipwayError.notFound(`Logged model with ID '${modelId}' not found.`);
  return row;
}

export async function fetchLoggedModel(db: Db, modelId: string): Promise<LoggedModel> {
  const [model] = await hydrateLoggedModels(db, [await loggedModelRow(db, modelId)]);
  return model!;
}

export async function setLoggedModelStatus(db: Db, modelId: string, status: LoggedModelStatus, now: number): Promise<LoggedModel> {
  return db.transaction().execute(async (trx) => {
    await loggedModelRow(trx, modelId);
    await trx.updateTable('logged_models').set({ status, last_updated_timestamp_ms: now }).where('model_id', '=', modelId).execute();
    return fetchLoggedModel(trx, modelId);
  });
}

export async function deleteLoggedModel(db: Db, modelId: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await loggedModelRow(trx, modelId);
    await trx
      .updateTable('logged_models')
      .set({ lifecycle_stage: LifecycleStage.DELETED, last_updated_timestamp_ms: now })
      .where('model_id', '=', modelId)
      .execute();
  });
}

export async function setLoggedModelKeyValues(
  db: Db,
  table: 'logged_model_tags' | 'logged_model_params',
  modelId: string,
  entries: readonly Tag[],
  now: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await loggedModelRow(trx, modelId);
    await upsertKeyValues(trx, table, modelId, entries);
    await trx.updateTable('logged_models').set({ last_updated_timestamp_ms: now }).where('model_id', '=', modelId).execute();
  });
}

export async function deleteLoggedModelTag(db: Db, modelId: string, key: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await loggedModelRow(trx, modelId);
    const result = await trx.deleteFrom('logged_model_tags').where('model_id', '=', modelId).where('key', '=', key).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw SlipwayError.notFound(`No tag with key '${key}' found for logged model '${modelId}'.`);
  });
}

async function upsertKeyValues(
  db: Db,
  table: 'logged_model_tags' | 'logged_model_params',
  modelId: string,
  entries: readonly Tag[],
): Promise<void> {
  const unique = dedupeTags(entries).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (unique.length === 0) return;
  await db
    .insertInto(table)
    .values(unique.map((t) => ({ model_id: modelId, key: t.key, value: t.value })))
    .onConflict((oc) => oc.columns(['model_id', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
    .execute();
}

export async function hydrateLoggedModels(db: Db, rows: readonly LoggedModelsTable[]): Promise<LoggedModel[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.model_id);
  const [tags, params, metrics] = await Promise.all([
    db.selectFrom('logged_model_tags').select(['model_id as owner', 'key', 'value']).where('model_id', 'in', ids).orderBy('key').execute(),
    db.selectFrom('logged_model_params').select(['model_id as owner', 'key', 'value']).where('model_id', 'in', ids).orderBy('key').execute(),
    db
      .selectFrom('logged_model_metrics')
      .selectAll()
      .where('model_id', 'in', ids)
      .orderBy('key')
      .orderBy('step')
      .orderBy('timestamp')
      .execute(),
  ]);
  const tagsBy = groupTags(tags);
  const paramsBy = groupTags(params);
  return rows.map((r) => ({
    modelId: r.model_id,
    experimentId: String(r.experiment_id),
    name: r.name,
    artifactLocation: r.artifact_location,
    creationTimestampMs: r.creation_timestamp_ms,
    lastUpdatedTimestampMs: r.last_updated_timestamp_ms,
    status: r.status as LoggedModelStatus,
    statusMessage: r.status_message ?? undefined,
    modelType: r.model_type ?? undefined,
    sourceRunId: r.source_run_id ?? undefined,
    lifecycleStage: r.lifecycle_stage as LifecycleStage,
    tags: tagsBy.get(r.model_id) ?? [],
    params: paramsBy.get(r.model_id) ?? [],
    metrics: metrics
      .filter((m) => m.model_id === r.model_id)
      .map((m) => ({ ...toMetric(m), modelId: m.model_id, runId: m.run_uuid })),
  }));
}

const STRING_ATTRIBUTES: Readonly<Record<string, string>> = {
  name: 'name',
  model_id: 'model_id',
  model_type: 'model_type',
  status: 'status',
  source_run_id: 'source_run_id',
};
const NUMERIC_ATTRIBUTES: Readonly<Record<string, string>> = {
  creation_timestamp: 'creation_timestamp_ms',
  creation_time: 'creation_timestamp_ms',
  last_updated_timestamp: 'last_updated_timestamp_ms',
};

/** Logged-models search in one statement. Metric clauses look at points logged against the requested datasets. */
export async function searchLoggedModels(db: Db, flavor: SqlFlavor, query: SearchLoggedModelsQuery): Promise<Page<LoggedModel>> {
  const experimentIds = query.experimentIds.map(parseNumericId).filter((id): id is number => id !== undefined);
  if (experimentIds.length === 0) return { items: [], hasMore: false };
  const datasetScope = datasetCondition(query.datasets);
  const conditions: SqlCondition[] = [sql`m.experiment_id IN (${sql.join(experimentIds)})`, sql`m.lifecycle_stage = 'active'`];
  for (const c of query.filter) conditions.push(modelCondition(flavor, c, datasetScope));

  const order: RawBuilder<unknown>[] = [];
  for (const term of query.orderBy) {
    const dir = term.ascending ? sql`ASC` : sql`DESC`;
    if (term.type === 'metric') {
      const scope =
        term.datasetName === undefined
          ? datasetScope
          : datasetCondition([{ datasetName: term.datasetName, datasetDigest: term.datasetDigest }]);
      const value = sql`(SELECT lm.value FROM logged_model_metrics lm WHERE lm.model_id = m.model_id AND lm.key = ${term.key}
        AND lm.is_nan = 0 AND ${scope} ORDER BY lm.step DESC, lm.timestamp DESC LIMIT 1)`;
      order.push(sql`CASE WHEN ${value} IS NULL THEN 1 ELSE 0 END`, sql`${value} ${dir}`);
    } else if (term.type === 'tag' || term.type === 'param') {
      const table = sql.table(term.type === 'tag' ? 'logged_model_tags' : 'logged_model_params');
      const value = sql`(SELECT t.value FROM ${table} t WHERE t.model_id = m.model_id AND t.key = ${term.key})`;
      order.push(sql`CASE WHEN ${value} IS NULL THEN 1 ELSE 0 END`, sql`${value} ${dir}`);
    } else {
      const col = sql.ref(`m.${attributeColumn(term.key)}`);
      order.push(sql`CASE WHEN ${col} IS NULL THEN 1 ELSE 0 END`, sql`${col} ${dir}`);
    }
  }
  if (query.orderBy.length === 0) order.push(sql`m.creation_timestamp_ms DESC`);
  order.push(sql`m.model_id ASC`);

  const result = await sql<LoggedModelsTable>`
    SELECT m.* FROM logged_models m WHERE ${allOf(conditions)}
    ORDER BY ${sql.join(order)} LIMIT ${query.limit + 1} OFFSET ${query.offset}`.execute(db);
  const rows = result.rows;
  const hasMore = rows.length > query.limit;
  if (hasMore) rows.pop();
  return { items: await hydrateLoggedModels(db, rows), hasMore };
}

function modelCondition(flavor: SqlFlavor, c: Comparison, datasetScope: SqlCondition): SqlCondition {
  switch (c.type) {
    case 'attribute': {
      const col = sql.ref(`m.${attributeColumn(c.key)}`);
      return c.key in NUMERIC_ATTRIBUTES ? numericCondition(col, c.comparator, c.value) : stringCondition(flavor, col, c.comparator, c.value);
    }
    case 'metric':
      return sql`m.model_id IN (SELECT lm.model_id FROM logged_model_metrics lm WHERE lm.key = ${c.key} AND lm.is_nan = 0
        AND ${datasetScope} AND ${numericCondition(sql`lm.value`, c.comparator, c.value)})`;
    case 'param':
    case 'tag': {
      const table = sql.table(c.type === 'tag' ? 'logged_model_tags' : 'logged_model_params');
      if (c.comparator === 'IS NULL' || c.comparator === 'IS NOT NULL') {
        const has = sql`m.model_id IN (SELECT model_id FROM ${table} WHERE key = ${c.key})`;
        return c.comparator === 'IS NULL' ? sql`NOT ${has}` : has;
      }
      return sql`m.model_id IN (SELECT model_id FROM ${table} WHERE key = ${c.key} AND ${stringCondition(flavor, sql`value`, c.comparator, c.value)})`;
    }
    default:
      throw SlipwayError.invalidParameter(`Invalid entity type '${c.type}' for logged model search`);
  }
}

/** `lm` rows logged against any of the datasets (name, and digest when given); TRUE when none are given. */
function datasetCondition(datasets: SearchLoggedModelsQuery['datasets']): SqlCondition {
  if (datasets.length === 0) return sql`1 = 1`;
  const any = datasets.map((d) =>
    d.datasetDigest === undefined
      ? sql`lm.dataset_name = ${d.datasetName}`
      : sql`(lm.dataset_name = ${d.datasetName} AND lm.dataset_digest = ${d.datasetDigest})`,
  );
  return sql`(${sql.join(any, sql` OR `)})`;
}

function attributeColumn(key: string): string {
  const column = STRING_ATTRIBUTES[key] ?? NUMERIC_ATTRIBUTES[key];
  if (column === undefined) throw SlipwayError.invalidParameter(`Invalid attribute key '${key}' specified for logged model search.`);
  return column;
}

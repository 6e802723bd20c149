import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { ModelVersion } from '../../core/entities/model-version.js';
import { PROMPT_TAG, type RegisteredModel } from '../../core/entities/registered-model.js';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { SearchRegistryQuery } from '../../core/ports/registry-store.js';
import type { Page } from '../../core/ports/tracking-store.js';
import type { Comparison } from '../../core/search/search-ast.js';
import type { Database, ModelVersionsTable } from '../database-schema.js';
import { allOf, numericCondition, stringCondition, type SqlCondition } from '../filter-sql.js';
import type { SqlFlavor } from '../sql-flavor.js';
import { hydrateModels, hydrateVersions, type ModelRow } from './registry-rows.js';

type Db = Kysely<Database>;

const MODEL_COLUMNS: Readonly<Record<string, string>> = {
  name: 'name',
  creation_timestamp: 'creation_time',
  last_updated_timestamp: 'last_updated_time',
};

/** Registered models search; default order `name ASC`. */
export async function searchRegisteredModels(db: Db, flavor: SqlFlavor, query: SearchRegistryQuery): Promise<Page<RegisteredModel>> {
  const conditions = query.filter.map((c) => modelCondition(flavor, c));
  const order: RawBuilder<unknown>[] = query.orderBy.map((t) => {
    const column = MODEL_COLUMNS[t.key];
    if (t.type !== 'attribute' || column === undefined) throw SlipwayError.invalidParameter(`Invalid order by key '${t.key}' specified.`);
    return sql`${sql.ref(`m.${column}`)} ${t.ascending ? sql`ASC` : sql`DESC`}`;
  });
  if (!query.orderBy.some((t) => t.key === 'name')) order.push(sql`m.name ASC`);
  const result = await sql<ModelRow>`
    SELECT m.* FROM registered_models m WHERE ${allOf(conditions)}
    ORDER BY ${sql.join(order)} LIMIT ${query.limit + 1} OFFSET ${query.offset}`.execute(db);
  const rows = result.rows;
  const hasMore = rows.length > query.limit;
  if (hasMore) rows.pop();
  return { items: await hydrateModels(db, rows), hasMore };
}

function modelCondition(flavor: SqlFlavor, c: Comparison): SqlCondition {
  if (c.type === 'attribute' && c.key === 'name') return stringCondition(flavor, sql`m.name`, c.comparator, c.value);
  if (c.type === 'tag') {
    // MLflow's client appends `tag.mlflow.prompt.is_prompt != 'true'` to every search; a
    // model without the tag must match it (and `= 'false'`), unlike any other tag.
    if (c.key === PROMPT_TAG && c.value.kind === 'string') {
      const isPrompt = sql`m.id IN (SELECT model_key FROM registered_model_tags WHERE key = ${PROMPT_TAG} AND value = 'true')`;
      if ((c.comparator === '!=' && c.value.value === 'true') || (c.comparator === '=' && c.value.value === 'false')) return sql`NOT ${isPrompt}`;
      if ((c.comparator === '=' && c.value.value === 'true') || (c.comparator === '!=' && c.value.value === 'false')) return isPrompt;
    }
    return sql`m.id IN (SELECT model_key FROM registered_model_tags WHERE key = ${c.key} AND ${stringCondition(flavor, sql`value`, c.comparator, c.value)})`;
  }
  throw SlipwayError.invalidParameter(`Invalid filter key '${c.key}' for registered models search.`);
}

const VERSION_COLUMNS: Readonly<Record<string, string>> = {
  name: 'm.name',
  run_id: 'v.run_id',
  source_path: 'v.source',
  version_number: 'v.version',
  creation_timestamp: 'v.creation_time',
  last_updated_timestamp: 'v.last_updated_time',
};

/** Model versions search (deleted versions never match); default order `last_updated DESC, name, version DESC`. */
export async function searchModelVersions(db: Db, flavor: SqlFlavor, query: SearchRegistryQuery): Promise<Page<ModelVersion>> {
  const conditions: SqlCondition[] = [sql`v.deleted = 0`, ...query.filter.map((c) => versionCondition(flavor, c))];
  const order: RawBuilder<unknown>[] = query.orderBy.map((t) => {
    const column = VERSION_COLUMNS[t.key];
    if (t.type !== 'attribute' || column === undefined || t.key === 'run_id' || t.key === 'source_path') {
      throw SlipwayError.invalidParameter(`Invalid order by key '${t.key}' specified.`);
    }
    return sql`${sql.ref(column)} ${t.ascending ? sql`ASC` : sql`DESC`}`;
  });
  if (query.orderBy.length === 0) order.push(sql`v.last_updated_time DESC`);
  order.push(sql`m.name ASC`, sql`v.version DESC`);
  const result = await sql<ModelVersionsTable & { model_name: string }>`
    SELECT v.*, m.name AS model_name FROM model_versions v JOIN registered_models m ON m.id = v.model_key
    WHERE ${allOf(conditions)}
    ORDER BY ${sql.join(order)} LIMIT ${query.limit + 1} OFFSET ${query.offset}`.execute(db);
  const rows = result.rows;
  const hasMore = rows.length > query.limit;
  if (hasMore) rows.pop();
  const names = new Map(rows.map((r) => [r.model_key, r.model_name]));
  return { items: await hydrateVersions(db, rows, names), hasMore };
}

function versionCondition(flavor: SqlFlavor, c: Comparison): SqlCondition {
  if (c.type === 'tag') {
    return sql`EXISTS (SELECT 1 FROM model_version_tags t WHERE t.model_key = v.model_key AND t.version = v.version
      AND t.key = ${c.key} AND ${stringCondition(flavor, sql`t.value`, c.comparator, c.value)})`;
  }
  const column = VERSION_COLUMNS[c.key];
  if (c.type !== 'attribute' || column === undefined) throw SlipwayError.invalidParameter(`Invalid filter key '${c.key}' for model versions search.`);
  return c.key === 'version_number'
    ? numericCondition(sql.ref(column), c.comparator, c.value)
    : stringCondition(flavor, sql.ref(column), c.comparator, c.value);
}

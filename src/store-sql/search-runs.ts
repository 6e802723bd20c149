import { sql, type Kysely, type RawBuilder } from 'kysely';
import { DATASET_CONTEXT_TAG } from '../core/entities/dataset.js';
import type { ViewType } from '../core/entities/lifecycle-stage.js';
import type { Run } from '../core/entities/run.js';
import { SlipwayError } from '../core/errors/slipway-error.js';
import type { Page, SearchRunsQuery } from '../core/ports/tracking-store.js';
import type { Comparison, OrderByTerm } from '../core/search/search-ast.js';
import type { Database } from './database-schema.js';
import { allOf, numericCondition, stringCondition, type SqlCondition } from './filter-sql.js';
import { hydrateRuns } from './run-hydration.js';
import { parseNumericId, type RunRow } from './row-mappers.js';
import type { SqlFlavor } from './sql-flavor.js';

type Db = Kysely<Database>;

const STRING_ATTRIBUTES: Readonly<Record<string, string>> = {
  run_id: 'run_uuid',
  run_name: 'name',
  status: 'status',
  user_id: 'user_id',
  artifact_uri: 'artifact_uri',
  lifecycle_stage: 'lifecycle_stage',
};
const NUMERIC_ATTRIBUTES: Readonly<Record<string, string>> = {
  start_time: 'start_time',
  end_time: 'end_time',
};

/**
 * Runs search, compiled to one SQL statement: each filter clause becomes a condition on
 * `runs` (attributes) or a semi-join on the latest-metric, param, tag or dataset tables;
 * each order key becomes a join. When the first order key is a metric that the filter
 * also constrains, the join is an inner join carrying those constraints, so the
 * `(key, value)` index can drive the scan in order.
 */
export async function searchRuns(db: Db, flavor: SqlFlavor, query: SearchRunsQuery): Promise<Page<Run>> {
  const experimentIds = query.experimentIds.map(parseNumericId).filter((id): id is number => id !== undefined);
  if (experimentIds.length === 0) return { items: [], hasMore: false };

  const joins: RawBuilder<unknown>[] = [];
  const conditions: SqlCondition[] = [sql`r.experiment_id IN (${sql.join(experimentIds)})`];
  const lifecycle = lifecycleCondition(query.viewType);
  if (lifecycle !== undefined) conditions.push(lifecycle);

  let remaining = query.filter;
  const orderParts: RawBuilder<unknown>[] = [];
  query.orderBy.forEach((term, i) => {
    const alias = sql.id(`o${i}`);
    if (term.type === 'metric') {
      const own = i === 0 ? remaining.filter((c) => c.type === 'metric' && c.key === term.key && !isNullCheck(c)) : [];
      if (own.length > 0) {
        remaining = remaining.filter((c) => !own.includes(c));
        const ownConditions = own.map((c) => numericCondition(sql`${alias}.value`, c.comparator, c.value));
        joins.push(
          sql`JOIN latest_metrics ${alias} ON ${alias}.run_uuid = r.run_uuid AND ${alias}.key = ${term.key} AND ${alias}.is_nan = 0 AND ${allOf(ownConditions)}`,
        );
        orderParts.push(sql`${alias}.value ${direction(term)}`);
      } else {
        joins.push(sql`LEFT JOIN latest_metrics ${alias} ON ${alias}.run_uuid = r.run_uuid AND ${alias}.key = ${term.key}`);
        // As MLflow: values, then NaN, then runs without the metric, in either direction (and
        // the same on SQLite, where NULL sorts first, and PostgreSQL, where it sorts last).
        orderParts.push(sql`CASE WHEN ${alias}.value IS NULL THEN 2 WHEN ${alias}.is_nan = 1 THEN 1 ELSE 0 END`);
        orderParts.push(sql`${alias}.value ${direction(term)}`);
      }
    } else if (term.type === 'param' || term.type === 'tag') {
      const table = sql.table(term.type === 'param' ? 'params' : 'tags');
      joins.push(sql`LEFT JOIN ${table} ${alias} ON ${alias}.run_uuid = r.run_uuid AND ${alias}.key = ${term.key}`);
      orderParts.push(sql`CASE WHEN ${alias}.value IS NULL THEN 1 ELSE 0 END`);
      orderParts.push(sql`${alias}.value ${direction(term)}`);
    } else if (term.type === 'attribute') {
      const column = sql.ref(`r.${attributeColumn(term.key)}`);
      orderParts.push(sql`CASE WHEN ${column} IS NULL THEN 1 ELSE 0 END`);
      orderParts.push(sql`${column} ${direction(term)}`);
    } else {
      throw SlipwayError.invalidParameter(`Invalid order_by entity type '${term.type}'`);
    }
  });
  for (const c of remaining) conditions.push(runCondition(flavor, c));
  orderParts.push(sql`r.start_time DESC`, sql`r.run_uuid ASC`);

  const limit = query.limit + 1;
  const result = await sql<RunRow>`
    SELECT r.* FROM runs r ${sql.join(joins, sql` `)}
    WHERE ${allOf(conditions)}
    ORDER BY ${sql.join(orderParts)}
    LIMIT ${limit} OFFSET ${query.offset}`.execute(db);
  const rows = result.rows;
  const hasMore = rows.length > query.limit;
  if (hasMore) rows.pop();
  return { items: await hydrateRuns(db, rows), hasMore };
}

function lifecycleCondition(viewType: ViewType): SqlCondition | undefined {
  if (viewType === 'ACTIVE_ONLY') return sql`r.lifecycle_stage = 'active'`;
  if (viewType === 'DELETED_ONLY') return sql`r.lifecycle_stage = 'deleted'`;
  return undefined;
}

function runCondition(flavor: SqlFlavor, c: Comparison): SqlCondition {
  switch (c.type) {
    case 'attribute': {
      const column = sql.ref(`r.${attributeColumn(c.key)}`);
      return c.key in NUMERIC_ATTRIBUTES
        ? numericCondition(column, c.comparator, c.value)
        : stringCondition(flavor, column, c.comparator, c.value);
    }
    case 'metric':
      if (isNullCheck(c)) return presence(sql`latest_metrics`, c);
      return sql`r.run_uuid IN (SELECT run_uuid FROM latest_metrics WHERE key = ${c.key} AND is_nan = 0 AND ${numericCondition(sql`value`, c.comparator, c.value)})`;
    case 'param':
    case 'tag': {
      const table = sql.table(c.type === 'param' ? 'params' : 'tags');
      if (isNullCheck(c)) return presence(table, c);
      return sql`r.run_uuid IN (SELECT run_uuid FROM ${table} WHERE key = ${c.key} AND ${stringCondition(flavor, sql`value`, c.comparator, c.value)})`;
    }
    case 'dataset':
      return datasetCondition(flavor, c);
  }
}

/** `IS NULL` / `IS NOT NULL` on a metric, param or tag: whether the run has that key. */
function presence(table: RawBuilder<unknown>, c: Comparison): SqlCondition {
  const has = sql`r.run_uuid IN (SELECT run_uuid FROM ${table} WHERE key = ${c.key})`;
  return c.comparator === 'IS NULL' ? sql`NOT ${has}` : has;
}

function datasetCondition(flavor: SqlFlavor, c: Comparison): SqlCondition {
  if (c.key === 'context') {
    return sql`r.run_uuid IN (
      SELECT i.destination_id FROM inputs i JOIN input_tags it ON it.input_uuid = i.input_uuid
      WHERE i.source_type = 'DATASET' AND i.destination_type = 'RUN' AND it.key = ${DATASET_CONTEXT_TAG}
        AND ${stringCondition(flavor, sql`it.value`, c.comparator, c.value)})`;
  }
  if (c.key !== 'name' && c.key !== 'digest') {
    throw SlipwayError.invalidParameter(`Invalid dataset key '${c.key}'. Valid keys are 'name', 'digest' and 'context'.`);
  }
  const column = sql.ref(`d.${c.key}`);
  return sql`r.run_uuid IN (
    SELECT i.destination_id FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id
    WHERE i.source_type = 'DATASET' AND i.destination_type = 'RUN'
      AND ${stringCondition(flavor, column, c.comparator, c.value)})`;
}

function attributeColumn(key: string): string {
  const column = STRING_ATTRIBUTES[key] ?? NUMERIC_ATTRIBUTES[key];
  if (column === undefined) throw SlipwayError.invalidParameter(`Invalid attribute key '${key}' specified.`);
  return column;
}

function isNullCheck(c: Comparison): boolean {
  return c.comparator === 'IS NULL' || c.comparator === 'IS NOT NULL';
}

function direction(term: OrderByTerm): RawBuilder<unknown> {
  return term.ascending ? sql`ASC` : sql`DESC`;
}

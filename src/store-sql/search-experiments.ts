import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Experiment } from '../core/entities/experiment.js';
import { SlipwayError } from '../core/errors/slipway-error.js';
import type { Page, SearchExperimentsQuery } from '../core/ports/tracking-store.js';
import type { Comparison } from '../core/search/search-ast.js';
import type { Database } from './database-schema.js';
import { hydrateExperiments } from './experiment-queries.js';
import { allOf, numericCondition, stringCondition, type SqlCondition } from './filter-sql.js';
import type { ExperimentRow } from './row-mappers.js';
import type { SqlFlavor } from './sql-flavor.js';

type Db = Kysely<Database>;

const ATTRIBUTES: Readonly<Record<string, 'string' | 'number'>> = {
  name: 'string',
  experiment_id: 'number',
  creation_time: 'number',
  last_update_time: 'number',
  lifecycle_stage: 'string',
};

/** Experiments search in one statement; `experiment_id` is always the last tie-break. */
export async function searchExperiments(db: Db, flavor: SqlFlavor, query: SearchExperimentsQuery): Promise<Page<Experiment>> {
  const conditions: SqlCondition[] = [];
  if (query.viewType === 'ACTIVE_ONLY') conditions.push(sql`e.lifecycle_stage = 'active'`);
  if (query.viewType === 'DELETED_ONLY') conditions.push(sql`e.lifecycle_stage = 'deleted'`);
  for (const c of query.filter) conditions.push(experimentCondition(flavor, c));

  const joins: RawBuilder<unknown>[] = [];
  const order: RawBuilder<unknown>[] = [];
  query.orderBy.forEach((term, i) => {
    const dir = term.ascending ? sql`ASC` : sql`DESC`;
    if (term.type === 'tag') {
      const alias = sql.id(`o${i}`);
      joins.push(sql`LEFT JOIN experiment_tags ${alias} ON ${alias}.experiment_id = e.experiment_id AND ${alias}.key = ${term.key}`);
      order.push(sql`CASE WHEN ${alias}.value IS NULL THEN 1 ELSE 0 END`, sql`${alias}.value ${dir}`);
    } else {
      order.push(sql`${column(term.key)} ${dir}`);
    }
  });
  if (query.orderBy.length === 0) order.push(sql`e.creation_time DESC`);
  if (!query.orderBy.some((t) => t.type === 'attribute' && t.key === 'experiment_id')) order.push(sql`e.experiment_id ASC`);

  const result = await sql<ExperimentRow>`
    SELECT e.* FROM experiments e ${sql.join(joins, sql` `)}
    WHERE ${allOf(conditions)}
    ORDER BY ${sql.join(order)}
    LIMIT ${query.limit + 1} OFFSET ${query.offset}`.execute(db);
  const rows = result.rows;
  const hasMore = rows.length > query.limit;
  if (hasMore) rows.pop();
  return { items: await hydrateExperiments(db, rows), hasMore };
}

function experimentCondition(flavor: SqlFlavor, c: Comparison): SqlCondition {
  if (c.type === 'tag') {
    if (c.comparator === 'IS NULL' || c.comparator === 'IS NOT NULL') {
      const has = sql`e.experiment_id IN (SELECT experiment_id FROM experiment_tags WHERE key = ${c.key})`;
      return c.comparator === 'IS NULL' ? sql`NOT ${has}` : has;
    }
    return sql`e.experiment_id IN (SELECT experiment_id FROM experiment_tags WHERE key = ${c.key} AND ${stringCondition(flavor, sql`value`, c.comparator, c.value)})`;
  }
  if (c.type !== 'attribute') throw SlipwayError.invalidParameter(`Invalid entity type '${c.type}' for experiment search`);
  return ATTRIBUTES[c.key] === 'number'
    ? numericCondition(column(c.key), c.comparator, c.value)
    : stringCondition(flavor, column(c.key), c.comparator, c.value);
}

function column(key: string): RawBuilder<unknown> {
  if (!(key in ATTRIBUTES)) throw SlipwayError.invalidParameter(`Invalid attribute key '${key}' specified.`);
  return sql.ref(`e.${key}`);
}

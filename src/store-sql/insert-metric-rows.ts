import { CompiledQuery, type Kysely } from 'kysely';
import type { Database, MetricsTable } from './database-schema.js';
import type { SqlFlavor } from './sql-flavor.js';

const COLUMNS = ['run_uuid', 'key', 'step', 'timestamp', 'value', 'is_nan', 'model_id', 'dataset_name', 'dataset_digest'] as const;

/** Rows per statement on SQLite: 9 × 500 parameters, well under its limit of 32,766. */
const SQLITE_CHUNK = 500;

/**
 * Inserts metric points, ignoring exact duplicates, with one statement whose text does
 * not depend on the values: the log-batch hot path. Built by hand rather than through
 * Kysely's query builder, whose per-value AST for 1,000 points costs more than the insert.
 * - SQLite: a multi-row `VALUES` list; its text depends only on the row count, so the
 *   prepared statement is reused (see `statement-cache.ts`).
 * - PostgreSQL: `INSERT … SELECT * FROM unnest($1::text[], …)`, nine array parameters
 *   whatever the row count.
 */
export async function insertMetricRows(db: Kysely<Database>, flavor: SqlFlavor, rows: readonly MetricsTable[]): Promise<void> {
  if (flavor === 'postgres') {
    await db.executeQuery(CompiledQuery.raw(POSTGRES_INSERT, COLUMNS.map((c) => rows.map((r) => r[c]))));
    return;
  }
  for (let i = 0; i < rows.length; i += SQLITE_CHUNK) {
    const chunk = rows.slice(i, i + SQLITE_CHUNK);
    const params: unknown[] = [];
    for (const r of chunk) params.push(r.run_uuid, r.key, r.step, r.timestamp, r.value, r.is_nan, r.model_id, r.dataset_name, r.dataset_digest);
    await db.executeQuery(CompiledQuery.raw(sqliteInsert(chunk.length), params));
  }
}

const POSTGRES_INSERT =
  `insert into metrics (${COLUMNS.join(', ')}) ` +
  'select * from unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::float8[], $6::integer[], $7::text[], $8::text[], $9::text[]) ' +
  'on conflict do nothing';

const sqliteTexts = new Map<number, string>();

function sqliteInsert(rowCount: number): string {
  let text = sqliteTexts.get(rowCount);
  if (text === undefined) {
    const row = `(${COLUMNS.map(() => '?').join(',')})`;
    text = `insert into metrics (${COLUMNS.join(', ')}) values ${Array.from({ length: rowCount }, () => row).join(',')} on conflict do nothing`;
    sqliteTexts.set(rowCount, text);
  }
  return text;
}

import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './database-schema.js';
import type { SqlDatabase } from './sql-database.js';

export interface PostgresDatabaseConfig {
  /** A libpq connection string (`postgresql://user:pass@host:5432/db`). */
  readonly connectionString: string;
  /** Schema to keep Slipway's tables in; created if missing. @default 'public' */
  readonly schema?: string | undefined;
  /** @default 10 */
  readonly poolSize?: number;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * int8 columns (timestamps, steps) come back as JS numbers rather than strings. Values
 * stay below 2^53 (millisecond timestamps, steps), so nothing is lost. The parser set is
 * per pool, not pg's process-wide default.
 */
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
  },
};

/** Opens a PostgreSQL pool, creating and selecting `schema` when one is given. */
export async function openPostgresDatabase(config: PostgresDatabaseConfig): Promise<SqlDatabase> {
  const schema = config.schema ?? 'public';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name '${schema}'`);
  }
  const pool = new pg.Pool({
    connectionString: config.connectionString,
    max: config.poolSize ?? 10,
    types: typeParsers,
    options: `-c search_path=${schema}`,
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  const url = new URL(config.connectionString);
  return {
    db,
    flavor: 'postgres',
    schema,
    description: `postgresql://${url.host}${url.pathname}${schema === 'public' ? '' : `?schema=${schema}`}`,
    async close() {
      await db.destroy();
    },
  };
}

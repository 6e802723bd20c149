import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';
import type { SqlFlavor } from './sql-flavor.js';

/** An open database connection (SQLite) or pool (PostgreSQL) with its flavor. */
export interface SqlDatabase {
  readonly db: Kysely<Database>;
  readonly flavor: SqlFlavor;
  /** Where the data lives, for log lines (no credentials). */
  readonly description: string;
  /** The schema holding the tables, where the database has schemas (PostgreSQL). */
  readonly schema?: string | undefined;
  close(): Promise<void>;
}

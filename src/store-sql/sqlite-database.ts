import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';
import type { Database } from './database-schema.js';
import type { SqlDatabase } from './sql-database.js';
import { withStatementCache } from './statement-cache.js';

export interface SqliteDatabaseConfig {
  /** File path, or `:memory:`. Parent directories are created. */
  readonly path: string;
  /** How long a writer waits for another process's lock before failing. @default 10000 */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens SQLite through one connection: writes are serialised by Kysely's single-connection
 * driver, so this process never contends with itself for the lock. WAL lets readers in
 * other processes proceed; `busy_timeout` covers writers in other processes;
 * `synchronous=FULL` makes every acknowledged commit durable across a crash.
 */
export function openSqliteDatabase(config: SqliteDatabaseConfig): SqlDatabase {
  if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
  const sqlite = new BetterSqlite3(config.path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`busy_timeout = ${config.busyTimeoutMs ?? 10_000}`);
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    flavor: 'sqlite',
    description: `sqlite:${config.path}`,
    async close() {
      // Kysely's destroy closes the better-sqlite3 handle, which checkpoints the WAL.
      await db.destroy();
    },
  };
}

/**
 * Transactions start with `BEGIN IMMEDIATE`, taking the write lock up front. A deferred
 * transaction that reads and then writes can fail at once with SQLITE_BUSY when another
 * process wrote in between (the busy timeout does not apply to that upgrade); an
 * immediate one waits its turn under `busy_timeout` instead.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #settings: SqliteDialectConfig;

  constructor(settings: SqliteDialectConfig) {
    super(settings);
    this.#settings = settings;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#settings);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Wraps a better-sqlite3 database so that `prepare` reuses compiled statements, most
 * recently used first, up to `capacity`. Kysely prepares every query it runs; the hot
 * ones (log-batch inserts, run lookups) have the same SQL text every time, and compiling
 * a 500-row INSERT anew on each call costs more than executing it.
 *
 * Safe because Kysely's SQLite driver runs one query at a time on the one connection (a
 * streamed query holds the connection until it ends), so a cached statement is never in
 * use twice at once.
 */
export function withStatementCache(database: SqliteDatabase, capacity = 256): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      if (hit !== undefined) {
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const statement = database.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > capacity) cache.delete(cache.keys().next().value!);
      return statement;
    },
  };
}

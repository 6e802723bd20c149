import { resolve } from 'node:path';
import type { TrackingStore } from '../core/ports/tracking-store.js';
import { openPostgresDatabase } from '../store-sql/postgres-database.js';
import type { SqlDatabase } from '../store-sql/sql-database.js';
import { openSqliteDatabase } from '../store-sql/sqlite-database.js';
import { SqlTrackingStore } from '../store-sql/sql-tracking-store.js';

/**
 * Chooses the tracking-store adapter by URI scheme:
 * - `sqlite:///relative.db`, `sqlite:////absolute.db`, `sqlite:///:memory:` → SQLite;
 * - `postgresql://…` (also `postgres://`, `postgresql+psycopg2://`) → PostgreSQL, with
 *   an optional `?schema=<name>` to keep the tables in their own schema.
 */
export async function openTrackingStore(
  uri: string,
  options: { defaultArtifactRoot: string; cwd?: string },
): Promise<{ store: TrackingStore; description: string }> {
  const database = await openSqlDatabase(uri, options.cwd ?? process.cwd());
  try {
    const store = await SqlTrackingStore.open(database, { defaultArtifactRoot: options.defaultArtifactRoot });
    return { store, description: database.description };
  } catch (e) {
    await database.close();
    throw e;
  }
}

export async function openSqlDatabase(uri: string, cwd: string): Promise<SqlDatabase> {
  if (uri.startsWith('sqlite:')) {
    const path = uri === 'sqlite://' ? ':memory:' : decodeURIComponent(uri.slice('sqlite:///'.length));
    return openSqliteDatabase({ path: path === ':memory:' || path === '' ? ':memory:' : resolve(cwd, path) });
  }
  const url = new URL(uri.replace(/^(postgresql\+[a-z0-9]+|postgres):/i, 'postgresql:'));
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return openPostgresDatabase({ connectionString: url.toString(), schema });
}

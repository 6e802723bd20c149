import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPostgresDatabase } from '../../src/store-sql/postgres-database.js';
import type { SqlDatabase } from '../../src/store-sql/sql-database.js';
import { openSqliteDatabase } from '../../src/store-sql/sqlite-database.js';

/** A database for one test file, and how to throw it away. */
export interface TestDatabase {
  readonly database: SqlDatabase;
  /** The URI a Slipway server would use for the same data. */
  readonly uri: string;
  dispose(): Promise<void>;
}

/** One backend the suites run against. `skip` says why it cannot run here. */
export interface TestBackend {
  readonly name: 'sqlite' | 'postgresql';
  readonly skip: string | undefined;
  create(): Promise<TestDatabase>;
}

const PG_URL = process.env.SLIPWAY_TEST_PG_URL;

/** Every backend, each suite runs once per entry (as Kysely's DIALECTS). */
export const BACKENDS: readonly TestBackend[] = [
  { name: 'sqlite', skip: undefined, create: createSqliteTestDatabase },
  {
    name: 'postgresql',
    skip: PG_URL ? undefined : 'SLIPWAY_TEST_PG_URL is not set',
    create: createPostgresTestDatabase,
  },
];

/** A fresh SQLite file in a temp directory (a file, so WAL and the single writer are exercised). */
export function createSqliteTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-test-'));
  const path = join(dir, 'test.db');
  const database = openSqliteDatabase({ path });
  return Promise.resolve({
    database,
    uri: `sqlite:///${path}`,
    async dispose() {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** A fresh schema in the test database, dropped afterwards. */
export async function createPostgresTestDatabase(): Promise<TestDatabase> {
  if (!PG_URL) throw new Error('SLIPWAY_TEST_PG_URL is not set');
  const schema = freshSchemaName('t');
  const database = await openPostgresDatabase({ connectionString: PG_URL, schema });
  return {
    database,
    uri: `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`,
    async dispose() {
      await database.close();
      await dropSchema(schema);
    },
  };
}

export function freshSchemaName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

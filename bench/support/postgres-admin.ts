import pg from 'pg';
import { PG_URL } from './bench-paths.js';

/** The server version of the PostgreSQL at BENCH_PG_URL, or undefined when it does not answer. */
export async function pgReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const res = await client.query<{ v: string }>('select current_setting($1) as v', ['server_version']);
    return res.rows[0]?.v;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs one statement (CREATE/DROP of a schema or database) at BENCH_PG_URL. */
export async function pgAdmin(sqlText: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sqlText);
  } finally {
    await client.end();
  }
}

/** BENCH_PG_URL with `?schema=<schema>`: a fresh schema for Slipway. */
export function schemaUrl(schema: string): string {
  const url = new URL(PG_URL);
  url.searchParams.set('schema', schema);
  return url.toString();
}

export function pgHost(): string {
  return new URL(PG_URL).host;
}

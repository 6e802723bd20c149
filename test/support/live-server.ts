import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess, type ServerProcess } from './server-process.js';
import type { TestBackend, TestDatabase } from './test-databases.js';

/** The built server (`slipway server`) on a fresh database of one backend, for HTTP clients (SDK, CLI). */
export interface LiveServer {
  readonly url: string;
  /** The same database, opened by the test (e.g. to add what no API writes yet). */
  readonly database: TestDatabase;
  readonly process: ServerProcess;
  stop(): Promise<void>;
}

/** `args` are more `slipway server` options (e.g. `--max-concurrent-steps 4`). */
export async function startLiveServer(backend: TestBackend, args: readonly string[] = []): Promise<LiveServer> {
  const database = await backend.create();
  const dir = mkdtempSync(join(tmpdir(), 'slipway-live-'));
  let server: ServerProcess;
  try {
    server = await startServerProcess(['--data-dir', dir, '--backend-store-uri', database.uri, '--artifacts-destination', join(dir, 'artifacts'), ...args]);
  } catch (e) {
    await database.dispose();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url: server.url,
    database,
    process: server,
    async stop() {
      server.child.kill('SIGTERM');
      await server.exited;
      await database.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A local port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

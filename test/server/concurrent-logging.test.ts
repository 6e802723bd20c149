import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson, startServerProcess, type ServerProcess } from '../support/server-process.js';

const CLIENTS = 32;
const BATCHES = 15;
const METRICS_PER_BATCH = 40;

/**
 * 32 clients logging at once against SQLite — through one server, and through two server
 * processes sharing one database file — produce no "database is locked" and lose no write.
 */
describe('32 concurrent clients on SQLite', () => {
  let dir: string;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-concurrency-'));
    const db = `sqlite:///${join(dir, 'shared.db')}`;
    servers.push(await startServerProcess(['--data-dir', dir, '--backend-store-uri', db]));
    servers.push(await startServerProcess(['--data-dir', dir, '--backend-store-uri', db]));
  });
  afterAll(async () => {
    for (const s of servers) {
      s.child.kill('SIGTERM');
      await s.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['one server process', 1],
    ['two server processes on one database file', 2],
  ])('loses nothing with %s', async (_label, processes) => {
    const exp = await postJson(servers[0]!.url, '/experiments/create', { name: `concurrency-${processes}` });
    const experimentId = (exp.json as { experiment_id: string }).experiment_id;
    const failures: string[] = [];
    const runIds = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        const base = servers[c % processes]!.url;
        const created = await postJson(base, '/runs/create', { experiment_id: experimentId, run_name: `client-${c}` });
        const runId = (created.json as { run: { info: { run_id: string } } }).run.info.run_id;
        for (let b = 0; b < BATCHES; b++) {
          const metrics = Array.from({ length: METRICS_PER_BATCH }, (_, i) => ({
            key: `m${i % 4}`,
            value: b * 1000 + i,
            timestamp: 1_700_000_000_000 + b,
            step: b * METRICS_PER_BATCH + i,
          }));
          const calls = [
            postJson(base, '/runs/log-batch', {
              run_id: runId,
              metrics,
              params: [{ key: `p${b}`, value: String(b) }],
              tags: [{ key: 'batch', value: String(b) }],
            }),
            postJson(base, '/runs/log-metric', { run_id: runId, key: 'single', value: b, timestamp: 1, step: b }),
          ];
          for (const res of await Promise.all(calls)) {
            if (res.status !== 200) failures.push(`${res.status} ${JSON.stringify(res.json)}`);
          }
        }
        return runId;
      }),
    );
    expect(failures).toEqual([]);
    for (const runId of runIds) {
      const history = await getJson(servers[0]!.url, '/metrics/get-history', { run_id: runId, metric_key: 'm0' });
      expect((history.json as { metrics: unknown[] }).metrics).toHaveLength((BATCHES * METRICS_PER_BATCH) / 4);
      const single = await getJson(servers[0]!.url, '/metrics/get-history', { run_id: runId, metric_key: 'single' });
      expect((single.json as { metrics: unknown[] }).metrics).toHaveLength(BATCHES);
      const run = await getJson(servers[0]!.url, '/runs/get', { run_id: runId });
      const data = (run.json as { run: { data: { params: unknown[]; tags: { key: string; value: string }[] } } }).run.data;
      expect(data.params).toHaveLength(BATCHES);
      expect(data.tags.find((t) => t.key === 'batch')?.value).toBe(String(BATCHES - 1));
    }
    for (const s of servers) expect(s.output()).not.toMatch(/database is locked|SQLITE_BUSY/);
  });
});

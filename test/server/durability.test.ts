import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/test-databases.js';
import { getJson, postJson, startServerProcess } from '../support/server-process.js';

/**
 * `kill -9` in the middle of a logging storm loses nothing that was acknowledged: every
 * request that got a 200 before the kill is there after a restart, on each backend.
 */
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: crash safety`, () => {
    const dirs: string[] = [];
    afterAll(() => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    it('keeps every acknowledged write across kill -9', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'slipway-crash-'));
      dirs.push(dir);
      const db = await backend.create();
      const args = ['--data-dir', dir, '--backend-store-uri', db.uri];
      try {
        const first = await startServerProcess(args);
        const exp = await postJson(first.url, '/experiments/create', { name: 'crash' });
        const experimentId = (exp.json as { experiment_id: string }).experiment_id;
        const run = await postJson(first.url, '/runs/create', { experiment_id: experimentId });
        const runId = (run.json as { run: { info: { run_id: string } } }).run.info.run_id;

        const artifact = Buffer.alloc(3 * 1024 * 1024, 7);
        const put = await fetch(`${first.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/blob.bin`, {
          method: 'PUT',
          body: artifact,
        });
        expect(put.status).toBe(200);

        const acknowledged: number[] = [];
        let stop = false;
        const writers = Array.from({ length: 4 }, async (_, w) => {
          for (let b = 0; !stop; b++) {
            const step = w * 1_000_000 + b;
            const res = await postJson(first.url, '/runs/log-batch', {
              run_id: runId,
              metrics: [{ key: 'acked', value: step, timestamp: 1, step }],
            }).catch(() => undefined);
            if (res?.status === 200) acknowledged.push(step);
          }
        });
        await new Promise((r) => setTimeout(r, 700));
        const ackedBeforeKill = [...acknowledged];
        first.child.kill('SIGKILL');
        stop = true;
        await first.exited;
        await Promise.all(writers);
        expect(ackedBeforeKill.length).toBeGreaterThan(10);

        const second = await startServerProcess(args);
        try {
          const history = await getJson(second.url, '/metrics/get-history', { run_id: runId, metric_key: 'acked' });
          const steps = new Set((history.json as { metrics: { step: number }[] }).metrics.map((m) => m.step));
          const lost = acknowledged.filter((s) => !steps.has(s));
          expect(lost).toEqual([]);
          const got = await fetch(`${second.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/blob.bin`);
          const body = Buffer.from(await got.arrayBuffer());
          expect(createHash('sha256').update(body).digest('hex')).toBe(createHash('sha256').update(artifact).digest('hex'));
        } finally {
          second.child.kill('SIGTERM');
          expect(await second.exited).toBe(0);
        }
      } finally {
        await db.dispose();
      }
    });
  });
}

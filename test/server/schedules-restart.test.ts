import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SlipwayClient, type ScheduleFire } from '../../src/sdk/index.js';
import { eventually } from '../support/eventually.js';
import { startServerProcess } from '../support/server-process.js';
import { BACKENDS } from '../support/test-databases.js';

const PIPELINE = `
name: every-second
on:
  schedule:
    - {cron: '* * * * * *', overlap: allow, catch-up: 1h}
steps:
  - id: tick
    run: 'true'
`;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`a server restart on ${backend.name}`, () => {
    it('loses no due time within the catch-up window: what fell due while it was down fires after the restart, once each', async () => {
      const database = await backend.create();
      const dir = mkdtempSync(join(tmpdir(), 'slipway-sched-restart-'));
      const args = ['--data-dir', dir, '--backend-store-uri', database.uri, '--artifacts-destination', join(dir, 'artifacts')];
      const env = { SLIPWAY_SCHEDULER_INTERVAL_MS: '200' };
      try {
        const first = await startServerProcess(args, env);
        let client = new SlipwayClient({ trackingUri: first.url });
        await client.pipelines.upsert({ source: PIPELINE, sourceFormat: 'yaml' });
        const [schedule] = (await client.schedules.list()).items;
        const fires = async (): Promise<ScheduleFire[]> => {
          const all: ScheduleFire[] = [];
          for await (const f of client.schedules.iterateFires(schedule!.schedule_id, { pageSize: 1000 })) all.push(f);
          return all;
        };
        await eventually(async () => (await fires()).length >= 2, 15_000, 'two fires before the restart');
        first.child.kill('SIGTERM');
        await first.exited;
        const stoppedAt = Date.now();
        await new Promise((r) => setTimeout(r, 3000));
        const second = await startServerProcess(args, env);
        try {
          client = new SlipwayClient({ trackingUri: second.url });
          await eventually(async () => (await fires()).some((f) => f.due_time >= Date.now() - 1500), 15_000, 'fires after the restart');
          const all = await fires();
          const dueTimes = all.map((f) => f.due_time).sort((a, b) => a - b);
          // No gap: every second from the first fire to the last has its record, those of the downtime included.
          for (let i = 1; i < dueTimes.length; i++) expect(dueTimes[i]! - dueTimes[i - 1]!).toBe(1000);
          const downtime = all.filter((f) => f.due_time > stoppedAt && f.due_time < stoppedAt + 2500);
          expect(downtime.length).toBeGreaterThanOrEqual(2);
          expect(downtime.every((f) => f.status === 'fired' && f.execution_id !== undefined)).toBe(true);
          const executions = [];
          for await (const e of client.pipelines.iterateExecutions({ pipeline: 'every-second', pageSize: 1000 })) executions.push(e);
          const details = executions.map((e) => e.trigger.detail);
          expect(new Set(details).size).toBe(details.length);
        } finally {
          second.child.kill('SIGTERM');
          await second.exited;
        }
      } finally {
        await database.dispose();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  });
}

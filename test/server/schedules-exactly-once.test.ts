import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlipwayClient } from '../../src/sdk/index.js';
import { eventually } from '../support/eventually.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { createPostgresTestDatabase, type TestDatabase } from '../support/test-databases.js';

const PG_URL = process.env.SLIPWAY_TEST_PG_URL;
const LEASE_TTL_MS = 2000;

/** A schedule that fires every second; each execution is one quick step. */
const PIPELINE = `
name: every-second
on:
  schedule:
    - {cron: '* * * * * *', overlap: allow}
steps:
  - id: tick
    run: 'true'
`;

/**
 * Two real `slipway server` processes on one PostgreSQL database: every due time gets
 * exactly one execution across both, and when the leader is killed with SIGKILL the other
 * takes over within the lease TTL. (SQLite is one process's database: not run there.)
 */
describe.skipIf(!PG_URL)('a schedule fires exactly once per due time with two servers on one PostgreSQL', () => {
  let database: TestDatabase;
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];

  const start = async (): Promise<ServerProcess> => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-sched-'));
    dirs.push(dir);
    const server = await startServerProcess(['--data-dir', dir, '--backend-store-uri', database.uri, '--artifacts-destination', join(dir, 'artifacts')], {
      SLIPWAY_SCHEDULER_INTERVAL_MS: '200',
      SLIPWAY_TEST_ONLY_SCHEDULER_LEASE_TTL_MS: String(LEASE_TTL_MS),
    });
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    database = await createPostgresTestDatabase();
  });
  afterAll(async () => {
    for (const s of servers) {
      s.child.kill('SIGTERM');
      await s.exited;
    }
    await database?.dispose();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('has one execution per due time across both servers, and survives kill -9 of the leader', async () => {
    const a = await start();
    const b = await start();
    const clientA = new SlipwayClient({ trackingUri: a.url });
    const clientB = new SlipwayClient({ trackingUri: b.url });
    await clientA.pipelines.upsert({ source: PIPELINE, sourceFormat: 'yaml' });
    const [schedule] = (await clientB.schedules.list({ pipeline: 'every-second' })).items;
    expect(schedule).toBeDefined();

    const fires = async () => {
      const all = [];
      for await (const f of clientB.schedules.iterateFires(schedule!.schedule_id, { pageSize: 1000 })) all.push(f);
      return all;
    };
    await eventually(async () => (await fires()).filter((f) => f.status === 'fired').length >= 5, 20_000, 'five fires');
    const holdersBefore = new Set((await fires()).map((f) => f.holder));
    expect(holdersBefore.size).toBe(1);
    const leaderHolder = [...holdersBefore][0]!;

    // Kill the leader (whichever it is) without a chance to release the lease.
    const leaderIsA = leaderHolder.includes(`:${a.child.pid}:`);
    const [leader, follower] = leaderIsA ? [a, b] : [b, a];
    const followerClient = new SlipwayClient({ trackingUri: follower.url });
    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    await leader.exited;
    const takeover = await eventually(
      async () => {
        const list = [];
        for await (const f of followerClient.schedules.iterateFires(schedule!.schedule_id, { pageSize: 1000 })) list.push(f);
        return list.find((f) => f.holder !== leaderHolder && f.recorded_time >= killedAt);
      },
      LEASE_TTL_MS + 10_000,
      'the other server to take over',
    );
    expect(takeover.recorded_time - killedAt).toBeLessThan(LEASE_TTL_MS + 1500);
    // Let it fire a few more seconds on its own.
    await eventually(
      async () => {
        const list = [];
        for await (const f of followerClient.schedules.iterateFires(schedule!.schedule_id, { pageSize: 1000 })) list.push(f);
        return list.filter((f) => f.holder !== leaderHolder && f.status === 'fired').length >= 3;
      },
      15_000,
      'three fires by the new leader',
    );

    const allFires = [];
    for await (const f of followerClient.schedules.iterateFires(schedule!.schedule_id, { pageSize: 1000 })) allFires.push(f);
    const executions = [];
    for await (const e of followerClient.pipelines.iterateExecutions({ pipeline: 'every-second', pageSize: 1000 })) executions.push(e);
    // Exactly one execution per due time, whichever server started it.
    const details = executions.map((e) => e.trigger.detail ?? '');
    expect(new Set(details).size).toBe(details.length);
    const dueTimes = details.map((d) => Date.parse(d.split(' @ ')[1] ?? ''));
    expect(new Set(dueTimes).size).toBe(executions.length);
    for (const t of dueTimes) expect(t % 1000).toBe(0);
    // Every fired record points at one of those executions, and every execution has its record.
    const fired = allFires.filter((f) => f.status === 'fired' || f.status === 'pending');
    const ids = new Set(executions.map((e) => e.execution_id));
    for (const f of fired.filter((x) => x.execution_id !== undefined)) expect(ids.has(f.execution_id!)).toBe(true);
    expect(executions.length).toBeGreaterThanOrEqual(8);
    // The due times the dead leader left unfired were caught up (catch-up window 1h): no gaps.
    const sorted = allFires.map((f) => f.due_time).sort((x, y) => x - y);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBe(1000);
  }, 90_000);
});

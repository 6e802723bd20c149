import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlipwayError } from '../../src/core/errors/slipway-error.js';
import type { ExecutionStatus, ExecutionTrigger, PipelineVersion } from '../../src/core/pipelines/execution-model.js';
import { compilePipeline } from '../../src/core/pipelines/compile-pipeline.js';
import type { ParamValue } from '../../src/core/pipelines/pipeline-model.js';
import { parse } from 'yaml';
import { Scheduler, type SchedulerPipelines } from '../../src/schedules/scheduler.js';
import { schedulerPipelinesOf } from '../../src/schedules/scheduler-pipelines.js';
import { SqlLeaseStore } from '../../src/store-sql/schedules/sql-lease-store.js';
import { SqlScheduleStore } from '../../src/store-sql/sql-schedule-store.js';
import { createEngineHarness, type EngineHarness } from '../support/engine-harness.js';
import { BACKENDS, type TestDatabase } from '../support/test-databases.js';

const at = (iso: string) => Date.parse(iso);

/** A pipeline engine stand-in that records what it is asked to start and whose executions end when told. */
class RecordingPipelines implements SchedulerPipelines {
  readonly started: { executionId: string; params: Readonly<Record<string, ParamValue>>; trigger: ExecutionTrigger }[] = [];
  readonly statuses = new Map<string, ExecutionStatus>();
  version: PipelineVersion;
  failStart: Error | undefined;

  constructor(yaml: string) {
    this.version = versionOf(yaml);
  }
  getPipeline(name: string): Promise<PipelineVersion> {
    if (name !== this.version.name) return Promise.reject(SlipwayError.notFound(`Pipeline '${name}' does not exist.`));
    return Promise.resolve(this.version);
  }
  listPipelineNames(): Promise<string[]> {
    return Promise.resolve([this.version.name]);
  }
  startExecution(_name: string, params: Readonly<Record<string, ParamValue>>, trigger: ExecutionTrigger): Promise<{ executionId: string }> {
    if (this.failStart !== undefined) return Promise.reject(this.failStart);
    const executionId = `e${this.started.length + 1}`;
    this.started.push({ executionId, params, trigger });
    this.statuses.set(executionId, 'running');
    return Promise.resolve({ executionId });
  }
  executionStatus(id: string): Promise<ExecutionStatus | undefined> {
    return Promise.resolve(this.statuses.get(id));
  }
  findExecution(_name: string, detail: string): Promise<string | undefined> {
    return Promise.resolve(this.started.find((s) => s.trigger.detail === detail)?.executionId);
  }
  finish(id: string): void {
    this.statuses.set(id, 'succeeded');
  }
}

function versionOf(yaml: string, version = 1): PipelineVersion {
  const definition = compilePipeline(parse(yaml));
  return { name: definition.name, version, hash: `h${version}`, definition, sourceFormat: 'yaml', createdTime: 0, createdBy: 'tester' };
}

const pipelineYaml = (schedule: string) => `
name: nightly
params:
  n: {type: int, default: 1}
on:
  schedule:
${schedule}
steps:
  - id: s
    run: echo hi
`;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`Scheduler on ${backend.name}`, () => {
    let db: TestDatabase;
    let store: SqlScheduleStore;
    let leases: SqlLeaseStore;
    let clock: number;
    const schedulers: Scheduler[] = [];

    beforeEach(async () => {
      db = await backend.create();
      store = await SqlScheduleStore.open(db.database);
      leases = await SqlLeaseStore.open(db.database);
      clock = 0;
    });
    afterEach(async () => {
      for (const s of schedulers.splice(0)) await s.stop();
      await db.dispose();
    });

    const scheduler = (pipelines: SchedulerPipelines, holder = 'h1', extra: { leaseTtlMs?: number; lateGraceMs?: number } = {}) => {
      const s = new Scheduler({ store, leases, pipelines }, { now: () => clock, holder, intervalMs: 0, ...extra });
      schedulers.push(s);
      return s;
    };
    const onlySchedule = async () => {
      const page = await store.listSchedules({ limit: 10, offset: 0 });
      expect(page.items).toHaveLength(1);
      return page.items[0]!;
    };

    it('fires a Europe/Berlin weekday schedule once at 08:00 local time, with its params, through the real engine', async () => {
      const harness: EngineHarness = await createEngineHarness(backend);
      try {
        clock = at('2026-03-27T06:59:00Z'); // Friday 07:59 in Berlin (CET)
        const yaml = pipelineYaml("    - {cron: '0 8 * * MON-FRI', timezone: Europe/Berlin, params: {n: 7}}");
        const { pipeline } = await harness.engine.upsertPipeline({ source: yaml, sourceFormat: 'yaml' }, 'tester');
        const s = scheduler(schedulerPipelinesOf(harness.engine));
        await s.syncPipeline(pipeline);
        const schedule = await onlySchedule();
        expect((await s.getSchedule(schedule.scheduleId)).nextFireTimes).toEqual([
          at('2026-03-27T07:00:00Z'),
          at('2026-03-30T06:00:00Z'), // Monday, after the switch to CEST
          at('2026-03-31T06:00:00Z'),
        ]);
        await s.tick();
        expect((await harness.engine.listExecutions({})).items).toHaveLength(0);
        clock = at('2026-03-27T07:00:02Z');
        await s.tick();
        await s.tick();
        const executions = (await harness.engine.listExecutions({})).items;
        expect(executions).toHaveLength(1);
        expect(executions[0]!.params).toEqual({ n: 7 });
        expect(executions[0]!.trigger).toEqual({ type: 'schedule', detail: `${schedule.scheduleId} 0 8 * * MON-FRI @ 2026-03-27T07:00:00.000Z` });
        const fires = await s.listFires(schedule.scheduleId, {});
        expect(fires.items).toMatchObject([{ dueTime: at('2026-03-27T07:00:00Z'), status: 'fired', executionId: executions[0]!.executionId, holder: 'h1' }]);
        expect((await harness.wait(executions[0]!.executionId)).status).toBe('succeeded');
      } finally {
        await harness.close();
      }
    });

    it('overlap skip records the fire as skipped while the previous execution is active', async () => {
      const pipelines = new RecordingPipelines(pipelineYaml("    - {cron: '0 * * * *', overlap: skip}"));
      const s = scheduler(pipelines);
      clock = at('2026-01-01T00:30:00Z');
      await s.syncPipeline(pipelines.version);
      clock = at('2026-01-01T01:00:01Z');
      await s.tick();
      clock = at('2026-01-01T02:00:01Z');
      await s.tick();
      expect(pipelines.started.map((e) => e.executionId)).toEqual(['e1']);
      const { scheduleId } = await onlySchedule();
      const fire = await store.getFire(scheduleId, at('2026-01-01T02:00:00Z'));
      expect(fire).toMatchObject({ status: 'skipped', reason: 'execution e1 was still active (overlap: skip)' });
      pipelines.finish('e1');
      clock = at('2026-01-01T03:00:01Z');
      await s.tick();
      expect(pipelines.started.map((e) => e.executionId)).toEqual(['e1', 'e2']);
    });

    it('overlap queue holds the fire and starts it when the previous execution ends; allow starts at once', async () => {
      const pipelines = new RecordingPipelines(pipelineYaml("    - {cron: '0 * * * *', overlap: queue}\n    - {cron: '30 * * * *', overlap: allow, params: {n: 2}}"));
      const s = scheduler(pipelines);
      clock = at('2026-01-01T00:45:00Z');
      await s.syncPipeline(pipelines.version);
      clock = at('2026-01-01T01:00:01Z');
      await s.tick(); // queue schedule fires e1
      clock = at('2026-01-01T01:30:01Z');
      await s.tick(); // allow schedule fires e2 (its own first)
      clock = at('2026-01-01T02:00:01Z');
      await s.tick(); // queue schedule: e1 still running → queued
      clock = at('2026-01-01T02:30:01Z');
      await s.tick(); // allow: e2 still running, starts e3 anyway
      expect(pipelines.started.map((e) => [e.executionId, e.params])).toEqual([
        ['e1', {}],
        ['e2', { n: 2 }],
        ['e3', { n: 2 }],
      ]);
      const queued = await store.listFiresByStatus('queued');
      expect(queued).toHaveLength(1);
      expect(queued[0]!.dueTime).toBe(at('2026-01-01T02:00:00Z'));
      pipelines.finish('e1');
      await s.tick();
      expect(pipelines.started.map((e) => e.executionId)).toEqual(['e1', 'e2', 'e3', 'e4']);
      expect(pipelines.started[3]!.trigger.detail).toContain('@ 2026-01-01T02:00:00.000Z');
      expect(await store.getFire(queued[0]!.scheduleId, queued[0]!.dueTime)).toMatchObject({ status: 'fired', executionId: 'e4' });
    });

    it('after downtime fires the due times within the catch-up window once each, oldest first, and records older ones as missed', async () => {
      const pipelines = new RecordingPipelines(pipelineYaml("    - {cron: '0 * * * *', overlap: allow, catch-up: 2h}"));
      clock = at('2026-01-01T00:30:00Z');
      await scheduler(pipelines, 'before').syncPipeline(pipelines.version);
      // The server was down from 00:30 to 05:10; a new process (new scheduler) starts.
      clock = at('2026-01-01T05:10:00Z');
      const after = scheduler(pipelines, 'after');
      await after.start();
      await after.tick();
      await after.tick();
      expect(pipelines.started.map((e) => e.trigger.detail?.split(' @ ')[1])).toEqual(['2026-01-01T04:00:00.000Z', '2026-01-01T05:00:00.000Z']);
      const { scheduleId } = await onlySchedule();
      const fires = (await after.listFires(scheduleId, {})).items.map((f) => [new Date(f.dueTime).toISOString().slice(11, 16), f.status]);
      expect(fires).toEqual([
        ['05:00', 'fired'],
        ['04:00', 'fired'],
        ['03:00', 'missed'],
        ['02:00', 'missed'],
        ['01:00', 'missed'],
      ]);
    });

    it('catch-up 0 fires none of the missed times', async () => {
      const pipelines = new RecordingPipelines(pipelineYaml("    - {cron: '0 * * * *', catch-up: 0}"));
      clock = at('2026-01-01T00:30:00Z');
      const s = scheduler(pipelines, 'h', { lateGraceMs: 30_000 });
      await s.syncPipeline(pipelines.version);
      clock = at('2026-01-01T03:10:00Z');
      await s.tick();
      expect(pipelines.started).toHaveLength(0);
      expect((await store.listFiresByStatus('missed')).length).toBe(3);
    });

    it('does not fire while paused, not even after resuming; fires again from then on', async () => {
      const pipelines = new RecordingPipelines(pipelineYaml("    - {cron: '0 * * * *', overlap: allow}"));
      const s = scheduler(pipelines);
      clock = at('2026-01-01T00:30:00Z');
      await s.syncPipeline(pipelines.version);
      const { scheduleId } = await onlySchedule();
      expect((await s.pauseSchedule(scheduleId)).nextFireTimes).toEqual([]);
      clock = at('2026-01-01T01:00:01Z');
      await s.tick();
      expect(pipelines.started).toHaveLength(0);
      clock = at('2026-01-01T01:20:00Z');
      const resumed = await s.resumeSchedule(scheduleId);
      expect(resumed.paused).toBe(false);
      expect(resumed.nextFireTimes[0]).toBe(at('2026-01-01T02:00:00Z'));
      await s.tick();
      expect(pipelines.started).toHaveLength(0);
      clock = at('2026-01-01T02:00:01Z');
      await s.tick();
      expect(pipelines.started).toHaveLength(1);
    });

    it('fires each due time once with two schedulers on one database: only the lease holder fires, the other takes over when the lease expires', async () => {
      const pipelines = new RecordingPipelines(pipelineYaml("    - {cron: '* * * * * *', overlap: allow}"));
      const a = scheduler(pipelines, 'a', { leaseTtlMs: 5000 });
      const b = scheduler(pipelines, 'b', { leaseTtlMs: 5000 });
      clock = at('2026-01-01T00:00:00Z');
      await a.syncPipeline(pipelines.version);
      await b.syncPipeline(pipelines.version);
      for (let i = 0; i < 3; i++) {
        clock += 1000;
        await Promise.all([a.tick(), b.tick()]);
      }
      expect([a.leader, b.leader]).toEqual([true, false]);
      // a stops ticking (a crash): b takes over once the lease has expired, and catches up.
      for (let i = 0; i < 6; i++) {
        clock += 1000;
        await b.tick();
      }
      expect(b.leader).toBe(true);
      const details = pipelines.started.map((e) => e.trigger.detail);
      expect(new Set(details).size).toBe(details.length);
      expect(details).toHaveLength(9);
      const { scheduleId } = await onlySchedule();
      const holders = (await store.listFires(scheduleId, { limit: 100, offset: 0 })).items.map((f) => f.holder);
      expect(holders.filter((h) => h === 'a')).toHaveLength(3);
      expect(holders.filter((h) => h === 'b')).toHaveLength(6);
    });

    it('finishes a fire left pending by a crash: links the execution it started, or starts it', async () => {
      const pipelines = new RecordingPipelines(pipelineYaml("    - {cron: '0 * * * *', overlap: allow}"));
      clock = at('2026-01-01T00:30:00Z');
      const s = scheduler(pipelines, 'h', { leaseTtlMs: 10_000 });
      await s.syncPipeline(pipelines.version);
      const schedule = await onlySchedule();
      // A crash after the fire was recorded and the execution started, before it was linked:
      const started = await pipelines.startExecution('nightly', {}, { type: 'schedule', detail: `${schedule.scheduleId} 0 * * * * @ 2026-01-01T01:00:00.000Z` });
      await store.claimFire({ scheduleId: schedule.scheduleId, dueTime: at('2026-01-01T01:00:00Z'), status: 'pending', holder: 'dead', recordedTime: clock, updatedTime: clock });
      // …and one after the fire was recorded, before the execution started:
      await store.claimFire({ scheduleId: schedule.scheduleId, dueTime: at('2026-01-01T02:00:00Z'), status: 'pending', holder: 'dead', recordedTime: clock, updatedTime: clock });
      clock = at('2026-01-01T02:00:05Z');
      await s.tick();
      expect(pipelines.started.map((e) => e.executionId)).toEqual([started.executionId, 'e2']);
      expect(await store.getFire(schedule.scheduleId, at('2026-01-01T01:00:00Z'))).toMatchObject({ status: 'fired', executionId: started.executionId });
      expect(await store.getFire(schedule.scheduleId, at('2026-01-01T02:00:00Z'))).toMatchObject({ status: 'fired', executionId: 'e2' });
    });

    it('records a fire the engine refuses as failed, with the reason', async () => {
      const pipelines = new RecordingPipelines(pipelineYaml("    - {cron: '0 * * * *'}"));
      const s = scheduler(pipelines);
      clock = at('2026-01-01T00:30:00Z');
      await s.syncPipeline(pipelines.version);
      pipelines.failStart = SlipwayError.invalidParameter("params.n: unknown param 'n'");
      clock = at('2026-01-01T01:00:01Z');
      await s.tick();
      expect(await store.listFiresByStatus('failed')).toMatchObject([{ reason: "params.n: unknown param 'n'" }]);
    });

    it('replaces a pipeline schedule when a new version changes it and removes it when it is gone; API schedules stay', async () => {
      const pipelines = new RecordingPipelines(pipelineYaml("    - {cron: '0 8 * * *'}"));
      const s = scheduler(pipelines);
      await s.syncPipeline(pipelines.version);
      const first = await onlySchedule();
      const api = await s.createSchedule({ pipelineName: 'nightly', cron: '0 12 * * FRI', timezone: 'Europe/Berlin', params: { n: '3' } }, 'alice');
      expect(api).toMatchObject({ source: 'api', params: { n: 3 }, overlap: 'skip', catchUpSeconds: 3600, createdBy: 'alice' });
      pipelines.version = versionOf(pipelineYaml("    - {cron: '0 9 * * *'}"), 2);
      await s.syncPipeline(pipelines.version);
      const ids = (await s.listSchedules({})).items.map((x) => [x.source, x.cron]);
      expect(ids.map((x) => x.join(' ')).sort()).toEqual(['api 0 12 * * FRI', 'pipeline 0 9 * * *']);
      expect(await store.getSchedule(first.scheduleId).catch((e: SlipwayError) => e.code)).toBe('RESOURCE_DOES_NOT_EXIST');
      pipelines.version = versionOf(pipelineYaml('    []'), 3);
      await s.syncPipeline(pipelines.version);
      expect((await s.listSchedules({})).items.map((x) => x.source)).toEqual(['api']);
      await expect(s.createSchedule({ pipelineName: 'nightly', cron: '61 * * * *' }, 'a')).rejects.toThrow(/'cron'/);
      await expect(s.createSchedule({ pipelineName: 'nightly', cron: '0 * * * *', timezone: 'Mars/Base' }, 'a')).rejects.toThrow(/'timezone'/);
      await expect(s.createSchedule({ pipelineName: 'nope', cron: '0 * * * *' }, 'a')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    });
  });
}

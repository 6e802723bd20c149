import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalArtifactStore } from '../../../src/artifacts/local-artifact-store.js';
import type { Execution } from '../../../src/core/pipelines/execution-model.js';
import type { PipelineStore } from '../../../src/core/ports/pipeline-store.js';
import { RegistryService } from '../../../src/core/registry/registry-service.js';
import { TrackingService } from '../../../src/core/tracking/tracking-service.js';
import { LocalExecutor } from '../../../src/executors/local-executor.js';
import { ActiveExecutions } from '../../../src/pipelines/engine/active-executions.js';
import { PipelineEngine } from '../../../src/pipelines/engine/pipeline-engine.js';
import { openPostgresDatabase } from '../../../src/store-sql/postgres-database.js';
import type { SqlDatabase } from '../../../src/store-sql/sql-database.js';
import { SqlPipelineStore } from '../../../src/store-sql/sql-pipeline-store.js';
import { SqlRegistryStore } from '../../../src/store-sql/sql-registry-store.js';
import { SqlTrackingStore } from '../../../src/store-sql/sql-tracking-store.js';
import { openSqliteDatabase } from '../../../src/store-sql/sqlite-database.js';
import { stepOf } from '../../support/engine-harness.js';
import { eventually } from '../../support/eventually.js';
import { processAlive } from '../../support/process-alive.js';
import { BACKENDS, type TestBackend, type TestDatabase } from '../../support/test-databases.js';
import { dedent } from '../support.js';

/**
 * The engine keeps each active execution in memory and writes its transitions through to
 * it (docs/benchmarks.md, "Pipelines"); what another server process sharing the database
 * writes — through its own store handle — must still be seen, by the execution's revision.
 */

/** A second handle on the same database, as another server process would open it. */
async function secondHandle(backend: TestBackend, db: TestDatabase): Promise<SqlDatabase> {
  if (backend.name === 'sqlite') return openSqliteDatabase({ path: db.uri.slice('sqlite://'.length) });
  return openPostgresDatabase({ connectionString: process.env.SLIPWAY_TEST_PG_URL ?? '', schema: db.database.schema });
}

/** A store that counts the executions read through it. */
function counting(store: PipelineStore): { store: PipelineStore; reads: () => number } {
  let reads = 0;
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (prop === 'getExecution') {
        return (id: string) => {
          reads++;
          return target.getExecution(id);
        };
      }
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
  return { store: wrapped, reads: () => reads };
}

interface Server {
  readonly engine: PipelineEngine;
  readonly reads: () => number;
}

async function server(database: SqlDatabase, root: string, start: boolean): Promise<Server> {
  const trackingStore = await SqlTrackingStore.open(database, { defaultArtifactRoot: 'mlflow-artifacts:/' });
  const registryStore = await SqlRegistryStore.open(database);
  const { store, reads } = counting(await SqlPipelineStore.open(database));
  const engine = new PipelineEngine(
    {
      store,
      executor: new LocalExecutor({ maxConcurrent: 8, killGraceMs: 1_000 }),
      tracking: new TrackingService(trackingStore),
      registry: new RegistryService({ registry: registryStore, tracking: trackingStore }),
      registryStore,
      artifacts: await LocalArtifactStore.open(join(root, 'artifacts')),
    },
    { dataDir: join(root, 'data'), pollIntervalMs: 50, random: () => 0 },
  );
  if (start) await engine.start('http://127.0.0.1:9');
  return { engine, reads };
}

async function waitFor(engine: PipelineEngine, executionId: string, until: (e: Execution) => boolean, what: string): Promise<Execution> {
  return eventually(async () => {
    const e = await engine.getExecution(executionId);
    return until(e) ? e : undefined;
  }, 20_000, what);
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`pipeline engine on ${backend.name}: executions in memory, revisions`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
      cleanups.length = 0;
    });

    async function setup(): Promise<{ db: TestDatabase; other: SqlDatabase; root: string }> {
      const db = await backend.create();
      const root = mkdtempSync(join(tmpdir(), 'slipway-shared-db-'));
      const other = await secondHandle(backend, db);
      cleanups.push(async () => {
        await db.dispose().catch(() => undefined);
        rmSync(root, { recursive: true, force: true });
      });
      cleanups.push(() => other.close());
      return { db, other, root };
    }

    it('sees an execution cancelled through another server process on the same database, and stops its running step', async () => {
      const { db, other, root } = await setup();
      const running = await server(db.database, root, true);
      cleanups.push(() => running.engine.stop());
      const api = await server(other, root, false);
      const pidFile = join(root, 'pid');
      const { pipeline } = await running.engine.upsertPipeline(
        {
          sourceFormat: 'yaml',
          source: dedent(`
            name: cancelled-elsewhere
            steps:
              - id: long
                run: |
                  sleep 100 &
                  echo $! > ${pidFile}
                  wait
              - id: later
                needs: long
                run: echo never
          `),
        },
        'tester',
      );
      const started = await running.engine.startExecution({ pipelineName: pipeline.name, params: {} }, 'tester');
      await waitFor(running.engine, started.executionId, (e) => stepOf(e, 'long').status === 'running', 'the long step to run');
      const pid = await eventually(() => {
        try {
          return Number(readFileSync(pidFile, 'utf8').trim()) || undefined;
        } catch {
          return undefined;
        }
      }, 5_000, 'the pid file');
      expect(processAlive(pid)).toBe(true);

      // The other server's engine runs nothing of this execution: it only records the cancel.
      expect((await api.engine.cancelExecution(started.executionId, 'bob')).status).toBe('cancelling');

      const e = await waitFor(running.engine, started.executionId, (x) => x.status !== 'running' && x.status !== 'cancelling', 'the execution to end');
      expect(e.status).toBe('cancelled');
      expect(e.reason).toBe('cancelled by bob');
      expect(stepOf(e, 'long')).toMatchObject({ status: 'cancelled', failureClass: 'cancelled' });
      expect(stepOf(e, 'long').attempts[0]).toMatchObject({ status: 'failed', failureClass: 'cancelled' });
      expect(stepOf(e, 'later').status).toBe('cancelled');
      await eventually(() => !processAlive(pid), 5_000, 'the step process to end');
    });

    it('advances an execution from memory: a 20-step chain reads it from the store a few times, not per step', async () => {
      const { db, root } = await setup();
      const s = await server(db.database, root, true);
      cleanups.push(() => s.engine.stop());
      const steps = Array.from({ length: 20 }, (_, i) => `  - id: s${i}\n${i === 0 ? '' : `    needs: s${i - 1}\n`}    run: echo "v=${i}" >> "$SLIPWAY_OUTPUT"\n`).join('\n');
      const { pipeline } = await s.engine.upsertPipeline({ sourceFormat: 'yaml', source: `name: chain\nsteps:\n${steps}\n` }, 'tester');
      // Polled through a store handle of its own, so that only the engine's reads are counted.
      const poll = await SqlPipelineStore.open(db.database);
      const before = s.reads();
      const started = await s.engine.startExecution({ pipelineName: pipeline.name, params: {} }, 'tester');
      const e = await eventually(async () => {
        const x = await poll.getExecution(started.executionId);
        return x.status === 'succeeded' || x.status === 'failed' ? x : undefined;
      }, 20_000, 'the chain to end');
      expect(e.status).toBe('succeeded');
      expect(e.steps.map((x) => x.outputs.v)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
      // Read once when the loop first sees it (three times per step before the engine kept it).
      expect(s.reads() - before).toBeLessThanOrEqual(2);
      expect(e.revision).toBeGreaterThanOrEqual(1 + 20 * 3 + 1);
    });

    it('reads a held execution again when someone else wrote it since, or its own write was not the next revision', async () => {
      const { db, other } = await setup();
      const store = await SqlPipelineStore.open(db.database);
      const elsewhere = await SqlPipelineStore.open(other);
      await store.upsertPipelineVersion({
        name: 'p',
        hash: 'h',
        definition: { name: 'p', params: {}, env: {}, steps: [] },
        sourceFormat: 'yaml',
        createdTime: 1,
        createdBy: 'x',
      });
      const step = { stepId: 'a', position: 0, status: 'pending' as const, outputs: {}, artifacts: {}, metrics: {}, artifactDigests: {}, attempts: [] };
      await store.createExecution({ executionId: 'e1', pipelineName: 'p', pipelineVersion: 1, pipelineHash: 'h', params: {}, trigger: { type: 'manual' }, status: 'running', actor: 'x', createdTime: 1, steps: [step] });
      const { store: reading, reads } = counting(store);
      const active = new ActiveExecutions(reading);

      const held = await active.get('e1');
      expect(held.revision).toBe(0);
      // Its own write, the next revision: applied in memory, no read.
      const t1 = { executionId: 'e1', steps: [{ ...step, status: 'running' as const, startedTime: 5 }], attempts: [{ stepId: 'a', attempt: 1, status: 'running' as const, startedTime: 5 }] };
      active.applied(t1, await store.applyTransition(t1));
      const patched = await active.get('e1', 1);
      expect(reads()).toBe(1);
      expect(patched).toEqual(await store.getExecution('e1'));

      // Written elsewhere: a listed revision newer than the copy's makes it read again.
      await elsewhere.applyTransition({ executionId: 'e1', expectStatus: ['running'], execution: { status: 'cancelling', reason: 'cancelled by bob' } });
      const [listed] = await store.listActiveExecutions();
      expect(listed).toEqual({ executionId: 'e1', revision: 2 });
      expect(await active.get('e1', 1)).toBe(patched); // an older listing: the copy is newer
      const reread = await active.get('e1', listed?.revision);
      expect(reads()).toBe(2);
      expect(reread).toMatchObject({ status: 'cancelling', reason: 'cancelled by bob', revision: 2 });

      // Written elsewhere between two of its own writes: its write is not the next revision.
      await elsewhere.applyTransition({ executionId: 'e1', execution: { reason: 'changed elsewhere' } });
      const t2 = { executionId: 'e1', attempts: [{ stepId: 'a', attempt: 1, status: 'running' as const, startedTime: 5, pid: 42 }] };
      active.applied(t2, await store.applyTransition(t2));
      const fresh = await active.get('e1');
      expect(reads()).toBe(3);
      expect(fresh).toMatchObject({ reason: 'changed elsewhere', revision: 4 });
      expect(fresh.steps[0]?.attempts[0]?.pid).toBe(42);

      // Ended: no longer held.
      const t3 = { executionId: 'e1', execution: { status: 'cancelled' as const, endedTime: 9 } };
      active.applied(t3, await store.applyTransition(t3));
      expect(active.size).toBe(0);
    });
  });
}

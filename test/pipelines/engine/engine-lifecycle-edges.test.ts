import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalArtifactStore } from '../../../src/artifacts/local-artifact-store.js';
import { RegistryService } from '../../../src/core/registry/registry-service.js';
import { TrackingService } from '../../../src/core/tracking/tracking-service.js';
import { LocalExecutor } from '../../../src/executors/local-executor.js';
import { PipelineEngine, type PipelineEngineDeps } from '../../../src/pipelines/engine/pipeline-engine.js';
import { SqlPipelineStore } from '../../../src/store-sql/sql-pipeline-store.js';
import { SqlRegistryStore } from '../../../src/store-sql/sql-registry-store.js';
import { SqlTrackingStore } from '../../../src/store-sql/sql-tracking-store.js';
import { createEngineHarness, stepOf, type EngineHarness } from '../../support/engine-harness.js';
import { eventually } from '../../support/eventually.js';
import { holdLine, scratchDir, type ScratchDir } from '../../support/pipeline-scratch.js';
import { BACKENDS, type TestBackend } from '../../support/test-databases.js';
import { dedent } from '../support.js';
import { processAlive } from '../../support/process-alive.js';

/**
 * Engine behaviours at the edges of its lifecycle (docs/pipelines.md, "Engine"): a graceful
 * stop requeues running steps without counting the interrupted attempt, a queued execution
 * is cancelled before anything of it runs, and a cache entry expires after `expire-after`.
 */

const alive = processAlive;

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []);

/**
 * One database, data directory and artifact store that several engines (one after the
 * other, as successive servers) are built on. Engines are not started: the test does.
 */
interface SharedState {
  readonly deps: Omit<PipelineEngineDeps, 'executor'>;
  readonly store: SqlPipelineStore;
  readonly tracking: TrackingService;
  readonly dataDir: string;
  readonly scratch: ScratchDir;
  /** A new engine (with its own executor) over the shared state; stopped by `dispose`. */
  engine(options?: { maxConcurrent?: number }): PipelineEngine;
  dispose(): Promise<void>;
}

async function sharedState(backend: TestBackend): Promise<SharedState> {
  const db = await backend.create();
  const scratch = scratchDir('slipway-lifecycle-');
  const dataDir = join(scratch.root, 'data');
  const trackingStore = await SqlTrackingStore.open(db.database, { defaultArtifactRoot: 'mlflow-artifacts:/' });
  const registryStore = await SqlRegistryStore.open(db.database);
  const store = await SqlPipelineStore.open(db.database);
  const tracking = new TrackingService(trackingStore);
  const deps = {
    store,
    tracking,
    registry: new RegistryService({ registry: registryStore, tracking: trackingStore }),
    registryStore,
    artifacts: await LocalArtifactStore.open(join(scratch.root, 'artifacts')),
  };
  const engines: PipelineEngine[] = [];
  return {
    deps,
    store,
    tracking,
    dataDir,
    scratch,
    engine(options = {}) {
      const engine = new PipelineEngine(
        { ...deps, executor: new LocalExecutor({ maxConcurrent: options.maxConcurrent ?? 8, killGraceMs: 1_000 }) },
        { dataDir, pollIntervalMs: 50, random: () => 0 },
      );
      engines.push(engine);
      return engine;
    },
    async dispose() {
      for (const engine of engines) await engine.stop();
      await db.dispose();
      scratch.remove();
    },
  };
}

async function waitDone(engine: PipelineEngine, executionId: string, timeoutMs = 20_000) {
  return eventually(
    async () => {
      const e = await engine.getExecution(executionId);
      return ['succeeded', 'failed', 'cancelled'].includes(e.status) ? e : undefined;
    },
    timeoutMs,
    `execution ${executionId} to end`,
    25,
  );
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`pipeline engine on ${backend.name}: lifecycle edges`, () => {
    const cleanup: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      for (const f of cleanup.reverse()) await f();
      cleanup.length = 0;
    });

    it('on stop(), kills running steps, records their attempts as interrupted and requeues them; the next engine runs them again without counting the interrupted try', async () => {
      const state = await sharedState(backend);
      cleanup.push(() => state.dispose());
      const marks = state.scratch.dir();
      const first = state.engine();
      await first.start('http://127.0.0.1:9');
      await first.upsertPipeline(
        {
          sourceFormat: 'yaml',
          source: dedent(`
            name: interrupted
            steps:
              - id: plain
                run: |
                  echo "plain $SLIPWAY_ATTEMPT" >> ${marks}/runs
                  if [ "$SLIPWAY_ATTEMPT" = 1 ]; then
                    sleep 100 &
                    echo $! > ${marks}/plain-child.pid
                    echo $$ > ${marks}/plain-leader.pid
                    wait
                  fi
                  echo "plain attempt $SLIPWAY_ATTEMPT"
              - id: counted
                run: |
                  echo "counted $SLIPWAY_ATTEMPT" >> ${marks}/runs
                  if [ "$SLIPWAY_ATTEMPT" = 1 ]; then
                    sleep 100 &
                    echo $! > ${marks}/counted-child.pid
                    wait
                  fi
                  [ "$SLIPWAY_ATTEMPT" != 2 ]
                retry: { max-attempts: 2, retry-on: [user], backoff: { initial-seconds: 0.1, factor: 1, max-seconds: 1, jitter: 0 } }
              - id: after
                needs: [plain, counted]
                run: echo "after" >> ${marks}/runs
          `),
        },
        'tester',
      );
      const { executionId } = await first.startExecution({ pipelineName: 'interrupted', params: {} }, 'tester');
      const pids = await eventually(
        () =>
          ['plain-child', 'plain-leader', 'counted-child'].every((f) => existsSync(join(marks, `${f}.pid`)))
            ? ['plain-child', 'plain-leader', 'counted-child'].map((f) => Number(readFileSync(join(marks, `${f}.pid`), 'utf8')))
            : undefined,
        15_000,
        'both steps to start',
      );
      await eventually(async () => (await first.getExecution(executionId)).steps.filter((s) => s.status === 'running').length === 2, 5_000, 'both steps running');

      await first.stop();

      // The process groups are gone (the background sleeps too).
      await eventually(() => pids.every((pid) => !alive(pid)), 5_000, 'the process groups to be killed');
      const stopped = await state.store.getExecution(executionId);
      expect(stopped.status).toBe('running');
      for (const id of ['plain', 'counted']) {
        const row = stopped.steps.find((s) => s.stepId === id)!;
        expect(row.status).toBe('pending');
        expect(row.attempts).toHaveLength(1);
        expect(row.attempts[0]).toMatchObject({ attempt: 1, status: 'failed', failureClass: 'infrastructure', interrupted: true });
        expect(row.attempts[0]?.message).toContain('interrupted by a server shutdown');
        expect((await state.tracking.getRun(row.attempts[0]!.runId!)).info.status).toBe('KILLED');
        // The log's last line says what was recorded.
        const log = readFileSync(join(state.dataDir, 'executions', executionId, 'logs', `${id}.1.log`), 'utf8');
        expect(log.trimEnd().split('\n').at(-1)).toBe(`[slipway] attempt 1 failed (infrastructure): ${row.attempts[0]?.message ?? ''}`);
      }
      expect(stopped.steps.find((s) => s.stepId === 'after')).toMatchObject({ status: 'pending', attempts: [] });
      // Nothing was started after stop().
      expect(lines(join(marks, 'runs')).sort()).toEqual(['counted 1', 'plain 1']);

      // A new engine (a restarted server) on the same database and data directory.
      const second = state.engine();
      await second.start('http://127.0.0.1:9');
      const done = await waitDone(second, executionId);
      expect(done.status).toBe('succeeded');
      // No retry policy: the interrupted attempt was not its one try.
      expect(stepOf(done, 'plain').status).toBe('succeeded');
      expect(stepOf(done, 'plain').attempts.map((a) => [a.attempt, a.status, a.failureClass])).toEqual([
        [1, 'failed', 'infrastructure'],
        [2, 'succeeded', undefined],
      ]);
      // max-attempts 2: attempt 2 (a user failure) is the first counted try, so attempt 3 still runs.
      expect(stepOf(done, 'counted').status).toBe('succeeded');
      expect(stepOf(done, 'counted').attempts.map((a) => [a.attempt, a.status, a.failureClass])).toEqual([
        [1, 'failed', 'infrastructure'],
        [2, 'failed', 'user'],
        [3, 'succeeded', undefined],
      ]);
      expect(stepOf(done, 'after').status).toBe('succeeded');
      expect(readFileSync(join(state.dataDir, 'executions', executionId, 'logs', 'plain.2.log'), 'utf8')).toBe('plain attempt 2\n');
      expect(lines(join(marks, 'runs')).filter((l) => l.startsWith('plain'))).toEqual(['plain 1', 'plain 2']);
    }, 60_000);

    it('cancels a queued execution (the engine not started yet) at once: none of its steps ever runs', async () => {
      const state = await sharedState(backend);
      cleanup.push(() => state.dispose());
      const ran = join(state.scratch.root, 'ran');
      const engine = state.engine();
      await engine.upsertPipeline(
        {
          sourceFormat: 'yaml',
          source: dedent(`
            name: queued
            steps:
              - id: one
                run: echo "one $SLIPWAY_EXECUTION_ID" >> ${ran}
              - id: two
                needs: one
                run: echo "two $SLIPWAY_EXECUTION_ID" >> ${ran}
          `),
        },
        'tester',
      );
      const queued = await engine.startExecution({ pipelineName: 'queued', params: {} }, 'tester');
      expect(queued.status).toBe('queued');

      const cancelled = await engine.cancelExecution(queued.executionId, 'alice');
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.reason).toBe('cancelled by alice');
      expect(cancelled.steps.map((s) => [s.stepId, s.status, s.attempts.length])).toEqual([
        ['one', 'cancelled', 0],
        ['two', 'cancelled', 0],
      ]);
      expect((await state.tracking.getRun(cancelled.runId ?? '')).info.status).toBe('KILLED');

      // Once the loop runs, it runs a later execution and leaves the cancelled one alone.
      await engine.start('http://127.0.0.1:9');
      const later = await engine.startExecution({ pipelineName: 'queued', params: {} }, 'tester');
      expect((await waitDone(engine, later.executionId)).status).toBe('succeeded');
      await engine.idle();
      const after = await engine.getExecution(queued.executionId);
      expect(after.status).toBe('cancelled');
      expect(after.startedTime).toBeUndefined();
      expect(after.steps.every((s) => s.status === 'cancelled' && s.attempts.length === 0)).toBe(true);
      expect(lines(ran)).toEqual([`one ${later.executionId}`, `two ${later.executionId}`]);
      expect(existsSync(join(state.dataDir, 'executions', queued.executionId, 'logs'))).toBe(false);
    }, 30_000);

    it('cancels an execution waiting for a step slot (maxConcurrent 1, the slot held by another): it ends cancelled, none of its steps ran', async () => {
      const state = await sharedState(backend);
      cleanup.push(() => state.dispose());
      const ran = join(state.scratch.root, 'ran');
      const engine = state.engine({ maxConcurrent: 1 });
      await engine.start('http://127.0.0.1:9');
      await engine.upsertPipeline(
        {
          sourceFormat: 'yaml',
          source: dedent(`
            name: slot
            params:
              hold: { type: string, default: / }
            steps:
              - id: one
                run: |
                  echo "one $SLIPWAY_EXECUTION_ID" >> ${ran}
                  ${holdLine()}
              - id: two
                needs: one
                run: echo "two $SLIPWAY_EXECUTION_ID" >> ${ran}
          `),
        },
        'tester',
      );
      const hold = state.scratch.hold();
      const holder = await engine.startExecution({ pipelineName: 'slot', params: { hold: hold.path } }, 'tester');
      // Wait for the process itself: the executor counts started processes, not steps recorded
      // `running` whose workspace is still being prepared.
      await eventually(() => lines(ran).includes(`one ${holder.executionId}`), 15_000, 'the holder to take the slot');

      const waiting = await engine.startExecution({ pipelineName: 'slot', params: {} }, 'tester');
      // The loop has looked at it (queued → running) but has no slot for its step.
      await eventually(async () => (await engine.getExecution(waiting.executionId)).status === 'running', 5_000, 'the loop to pick it up');
      expect(stepOf(await engine.getExecution(waiting.executionId), 'one')).toMatchObject({ status: 'pending', attempts: [] });

      await engine.cancelExecution(waiting.executionId, 'bob');
      const cancelled = await waitDone(engine, waiting.executionId, 5_000);
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.reason).toBe('cancelled by bob');
      expect(cancelled.steps.map((s) => [s.stepId, s.status, s.attempts.length])).toEqual([
        ['one', 'cancelled', 0],
        ['two', 'cancelled', 0],
      ]);
      expect((await state.tracking.getRun(cancelled.runId ?? '')).info.status).toBe('KILLED');

      // The slot frees up: the holder finishes, the cancelled execution still runs nothing.
      hold.release();
      expect((await waitDone(engine, holder.executionId)).status).toBe('succeeded');
      await engine.idle();
      expect((await engine.getExecution(waiting.executionId)).steps.every((s) => s.status === 'cancelled' && s.attempts.length === 0)).toBe(true);
      expect(lines(ran)).toEqual([`one ${holder.executionId}`, `two ${holder.executionId}`]);
    }, 30_000);
  });

  describe.skipIf(backend.skip !== undefined)(`pipeline engine on ${backend.name}: cache expire-after`, () => {
    let h: EngineHarness;
    afterEach(async () => {
      await h.close();
    });

    it('hits within expire-after of the stored result and misses after it (then caches the new result)', async () => {
      let now = Date.UTC(2030, 0, 1);
      h = await createEngineHarness(backend, { clock: () => now });
      const ran = join(h.root, 'ran');
      const yaml = dedent(`
        name: expiring
        steps:
          - id: compute
            cache: { expire-after: 1h }
            run: |
              echo x >> ${ran}
              echo "v=computed" >> "$SLIPWAY_OUTPUT"
            outputs: { v: { type: value } }
      `);
      const first = await h.wait((await h.run(yaml)).executionId);
      expect(first.status).toBe('succeeded');
      expect(lines(ran)).toHaveLength(1);

      // 59 min 59 s after the result was stored: a hit.
      now += 3_599_000;
      const within = await h.wait((await h.run(yaml)).executionId);
      expect(within.status).toBe('succeeded');
      expect(stepOf(within, 'compute')).toMatchObject({ cachedFrom: first.executionId, outputs: { v: 'computed' } });
      expect(stepOf(within, 'compute').attempts[0]?.message).toContain(`cache hit: reused the outputs, artifacts and metrics of execution ${first.executionId}`);
      expect(lines(ran)).toHaveLength(1);

      // Past the hour: a miss, the step runs again.
      now += 2_000;
      const expired = await h.wait((await h.run(yaml)).executionId);
      expect(expired.status).toBe('succeeded');
      expect(stepOf(expired, 'compute').cachedFrom).toBeUndefined();
      expect(stepOf(expired, 'compute').outputs).toEqual({ v: 'computed' });
      expect(lines(ran)).toHaveLength(2);

      // The new result starts a new window.
      now += 60_000;
      const again = await h.wait((await h.run(yaml)).executionId);
      expect(stepOf(again, 'compute').cachedFrom).toBe(expired.executionId);
      expect(lines(ran)).toHaveLength(2);
    }, 30_000);
  });
}

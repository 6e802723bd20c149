import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalArtifactStore } from '../../../src/artifacts/local-artifact-store.js';
import type { Execution } from '../../../src/core/pipelines/execution-model.js';
import { RegistryService } from '../../../src/core/registry/registry-service.js';
import { TrackingService } from '../../../src/core/tracking/tracking-service.js';
import { LocalExecutor } from '../../../src/executors/local-executor.js';
import { PipelineEngine } from '../../../src/pipelines/engine/pipeline-engine.js';
import { SqlPipelineStore } from '../../../src/store-sql/sql-pipeline-store.js';
import { SqlRegistryStore } from '../../../src/store-sql/sql-registry-store.js';
import { SqlTrackingStore } from '../../../src/store-sql/sql-tracking-store.js';
import { startServerProcess, type ServerProcess } from '../../support/server-process.js';
import { BACKENDS, type TestDatabase } from '../../support/test-databases.js';
import { dedent } from '../support.js';
import { processAlive } from '../../support/process-alive.js';

const alive = processAlive;

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: kill -9 of the server in the middle of an execution`, () => {
    const cleanup: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      for (const f of cleanup.reverse()) await f();
      cleanup.length = 0;
    });

    it('recovers on restart: running steps become infrastructure failures, are retried per policy or fail, orphans are killed, nothing stays running', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'slipway-crash-'));
      const database: TestDatabase = await backend.create();
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }), () => database.dispose());
      const args = ['--data-dir', dir, '--backend-store-uri', database.uri, '--artifacts-destination', join(dir, 'artifacts')];
      let server: ServerProcess = await startServerProcess(args);
      cleanup.push(() => {
        server.child.kill('SIGKILL');
      });

      // The execution is recorded by another process on the same database and data directory:
      // the server's loop finds it in the store, as it would after any restart.
      const trackingStore = await SqlTrackingStore.open(database.database, { defaultArtifactRoot: 'mlflow-artifacts:/' });
      const registryStore = await SqlRegistryStore.open(database.database);
      const store = await SqlPipelineStore.open(database.database);
      const recorder = new PipelineEngine(
        {
          store,
          executor: new LocalExecutor(),
          tracking: new TrackingService(trackingStore),
          registry: new RegistryService({ registry: registryStore, tracking: trackingStore }),
          registryStore,
          artifacts: await LocalArtifactStore.open(join(dir, 'artifacts')),
        },
        { dataDir: dir },
      );
      const marks = join(dir, 'marks');
      await recorder.upsertPipeline(
        {
          sourceFormat: 'yaml',
          source: dedent(`
            name: crash
            steps:
              - id: retried
                run: |
                  mkdir -p ${marks}
                  if [ "$SLIPWAY_ATTEMPT" = 1 ]; then
                    sleep 100 &
                    echo $! > ${marks}/grandchild.pid
                    echo $$ > ${marks}/leader.pid
                    wait
                  fi
                  echo "attempt $SLIPWAY_ATTEMPT done"
                retry: { max-attempts: 2, retry-on: [infrastructure], backoff: { initial-seconds: 0.1, factor: 1, max-seconds: 1, jitter: 0 } }
              - id: once
                run: sleep 100
              - id: after
                needs: retried
                run: echo after
          `),
        },
        'tester',
      );
      const started = await recorder.startExecution({ pipelineName: 'crash', params: {} }, 'tester');
      const executionId = started.executionId;

      const leader = await until('the step to start', () =>
        existsSync(join(marks, 'grandchild.pid')) && existsSync(join(marks, 'leader.pid'))
          ? Number(readFileSync(join(marks, 'leader.pid'), 'utf8'))
          : undefined,
      );
      const grandchild = Number(readFileSync(join(marks, 'grandchild.pid'), 'utf8'));
      await until('both steps running', async () => {
        const e = await recorder.getExecution(executionId);
        return e.steps.filter((s) => s.status === 'running').length === 2 ? e : undefined;
      });

      server.child.kill('SIGKILL');
      await server.exited;
      // The step's process group outlives the server that started it.
      expect(alive(leader)).toBe(true);
      expect(alive(grandchild)).toBe(true);
      const mid = await recorder.getExecution(executionId);
      expect(mid.status).toBe('running');

      server = await startServerProcess(args);
      const done = await until('the execution to end', async () => {
        const e = await recorder.getExecution(executionId);
        return e.status === 'running' || e.status === 'queued' ? undefined : e;
      });
      const step = (id: string): Execution['steps'][number] => done.steps.find((s) => s.stepId === id)!;

      expect(step('retried').status).toBe('succeeded');
      expect(step('retried').attempts.map((a) => [a.attempt, a.status, a.failureClass])).toEqual([
        [1, 'failed', 'infrastructure'],
        [2, 'succeeded', undefined],
      ]);
      expect(step('retried').attempts[0]?.message).toContain('the server stopped while this attempt was running');
      expect(step('after').status).toBe('succeeded');
      expect(step('once')).toMatchObject({ status: 'failed', failureClass: 'infrastructure' });
      expect(done.status).toBe('failed');
      expect(done.reason).toContain("step 'once' failed");
      expect(done.steps.every((s) => s.attempts.every((a) => a.status !== 'running'))).toBe(true);
      // The orphaned group was killed on recovery (and the 'once' step's sleep with it).
      await until('the orphans to die', () => (!alive(leader) && !alive(grandchild) ? true : undefined), 5_000);
      const log = readFileSync(join(dir, 'executions', executionId, 'logs', 'retried.2.log'), 'utf8');
      expect(log).toBe('attempt 2 done\n');
      server.child.kill('SIGTERM');
      await server.exited;
    }, 90_000);
  });
}

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalArtifactStore } from '../../../src/artifacts/local-artifact-store.js';
import type { Execution } from '../../../src/core/pipelines/execution-model.js';
import { RegistryService } from '../../../src/core/registry/registry-service.js';
import { TrackingService } from '../../../src/core/tracking/tracking-service.js';
import { LocalExecutor } from '../../../src/executors/local-executor.js';
import { ENGINE_LEASE } from '../../../src/pipelines/engine/engine-leadership.js';
import { PipelineEngine } from '../../../src/pipelines/engine/pipeline-engine.js';
import { openPostgresDatabase } from '../../../src/store-sql/postgres-database.js';
import { SqlLeaseStore } from '../../../src/store-sql/schedules/sql-lease-store.js';
import type { SqlDatabase } from '../../../src/store-sql/sql-database.js';
import { SqlPipelineStore } from '../../../src/store-sql/sql-pipeline-store.js';
import { SqlRegistryStore } from '../../../src/store-sql/sql-registry-store.js';
import { SqlTrackingStore } from '../../../src/store-sql/sql-tracking-store.js';
import { openSqliteDatabase } from '../../../src/store-sql/sqlite-database.js';
import { eventually } from '../../support/eventually.js';
import { BACKENDS, type TestBackend, type TestDatabase } from '../../support/test-databases.js';
import { dedent } from '../support.js';

/**
 * Several servers on one database: only the holder of the `pipeline-engine` lease advances
 * executions, so no step runs twice; another server takes over when the holder stops.
 */

async function secondHandle(backend: TestBackend, db: TestDatabase): Promise<SqlDatabase> {
  if (backend.name === 'sqlite') return openSqliteDatabase({ path: db.uri.slice('sqlite://'.length) });
  return openPostgresDatabase({ connectionString: process.env.SLIPWAY_TEST_PG_URL ?? '', schema: db.database.schema });
}

async function engineOn(database: SqlDatabase, root: string, holder: string): Promise<{ engine: PipelineEngine; leases: SqlLeaseStore }> {
  const trackingStore = await SqlTrackingStore.open(database, { defaultArtifactRoot: 'mlflow-artifacts:/' });
  const registryStore = await SqlRegistryStore.open(database);
  const leases = await SqlLeaseStore.open(database);
  const engine = new PipelineEngine(
    {
      store: await SqlPipelineStore.open(database),
      executor: new LocalExecutor({ maxConcurrent: 4, killGraceMs: 1_000 }),
      tracking: new TrackingService(trackingStore),
      registry: new RegistryService({ registry: registryStore, tracking: trackingStore }),
      registryStore,
      artifacts: await LocalArtifactStore.open(join(root, 'artifacts')),
      leases,
    },
    { dataDir: join(root, `data-${holder}`), pollIntervalMs: 50, holder, leaseTtlMs: 2_000 },
  );
  return { engine, leases };
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`pipeline engine on ${backend.name}: one leader per database`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
      cleanups.length = 0;
    });

    it('runs every step once with two engines on one database, and the other takes over when the leader stops', async () => {
      const db = await backend.create();
      const root = mkdtempSync(join(tmpdir(), 'slipway-leader-'));
      const other = await secondHandle(backend, db);
      cleanups.push(async () => {
        await db.dispose().catch(() => undefined);
        rmSync(root, { recursive: true, force: true });
      });
      cleanups.push(() => other.close());
      const first = await engineOn(db.database, root, 'first');
      const second = await engineOn(other, root, 'second');
      cleanups.push(() => second.engine.stop());
      cleanups.push(() => first.engine.stop());
      await first.engine.start('http://127.0.0.1:9');
      await second.engine.start('http://127.0.0.1:9');
      expect((await first.leases.getLease(ENGINE_LEASE))?.holder).toBe('first');

      const marker = join(root, 'ran.txt');
      const { pipeline } = await second.engine.upsertPipeline(
        {
          sourceFormat: 'yaml',
          source: dedent(`
            name: once
            steps:
              - id: a
                run: echo "a $SLIPWAY_EXECUTION_ID" >> ${marker}
              - id: b
                needs: a
                matrix: {n: [1, 2, 3]}
                run: echo "b\${{ matrix.n }} $SLIPWAY_EXECUTION_ID" >> ${marker}
              - id: c
                needs: b
                run: echo "c $SLIPWAY_EXECUTION_ID" >> ${marker}
          `),
        },
        'tester',
      );
      const done = (e: Execution): boolean => e.status === 'succeeded' || e.status === 'failed';
      // Started through the follower's API: the leader runs it.
      const one = await second.engine.startExecution({ pipelineName: pipeline.name, params: {} }, 'tester');
      const finished = await eventually(async () => {
        const e = await second.engine.getExecution(one.executionId);
        return done(e) ? e : undefined;
      }, 20_000, 'the first execution');
      expect(finished.status).toBe('succeeded');
      const lines = (): string[] => readFileSync(marker, 'utf8').trim().split('\n');
      expect(lines().sort()).toEqual(['a', 'b1', 'b2', 'b3', 'c'].map((s) => `${s} ${one.executionId}`));
      // Every attempt is the first: nobody launched a step the other had launched.
      expect(finished.steps.flatMap((s) => s.attempts.map((a) => a.attempt))).toEqual(finished.steps.flatMap((s) => s.attempts.map(() => 1)));

      // The leader stops (and gives the lease up): the other engine runs the next execution.
      await first.engine.stop();
      const two = await second.engine.startExecution({ pipelineName: pipeline.name, params: {} }, 'tester');
      const after = await eventually(async () => {
        const e = await second.engine.getExecution(two.executionId);
        return done(e) ? e : undefined;
      }, 20_000, 'the second execution, on the other engine');
      expect(after.status).toBe('succeeded');
      expect((await second.leases.getLease(ENGINE_LEASE))?.holder).toBe('second');
      expect(lines().filter((l) => l.endsWith(two.executionId))).toHaveLength(5);
    });
  });
}

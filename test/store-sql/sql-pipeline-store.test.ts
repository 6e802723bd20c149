import { Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import { allMigrations, MIGRATION_TABLE } from '../../src/store-sql/migrate-to-latest.js';
import { SqlPipelineStore } from '../../src/store-sql/sql-pipeline-store.js';
import { describePipelineStoreContract } from '../contract/pipeline-store.contract.js';
import { BACKENDS } from '../support/test-databases.js';

for (const backend of BACKENDS) {
  describePipelineStoreContract(`SqlPipelineStore on ${backend.name}`, {
    skip: backend.skip,
    async create() {
      const db = await backend.create();
      const store = await SqlPipelineStore.open(db.database);
      return { store, dispose: () => db.dispose() };
    },
  });

  describe.skipIf(backend.skip !== undefined)(`${backend.name}: migration 0005-attempt-resources`, () => {
    it('adds the resources column to a database that already has pipelines, keeping its attempts', async () => {
      const db = await backend.create();
      try {
        const { database } = db;
        const migrations = allMigrations(database.flavor);
        const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name <= '0004-pipelines'));
        const migrator = new Migrator({
          db: database.db,
          provider: { getMigrations: () => Promise.resolve(before) },
          migrationTableName: MIGRATION_TABLE,
          migrationLockTableName: `${MIGRATION_TABLE}_lock`,
          ...(database.schema === undefined ? {} : { migrationTableSchema: database.schema }),
        });
        expect((await migrator.migrateToLatest()).error).toBeUndefined();

        // Rows written by a server that only knew 0004.
        const definition = JSON.stringify({ name: 'old', params: {}, env: {}, steps: [{ kind: 'run', id: 'a', needs: [], env: {}, cache: { enabled: false }, run: 'echo', outputs: {}, metrics: [] }] });
        await database.db.insertInto('pipelines').values({ name: 'old', description: null, latest_version: 1, latest_hash: 'h', code_dir: null, created_time: 1, updated_time: 1 }).execute();
        await database.db.insertInto('pipeline_versions').values({ name: 'old', version: 1, hash: 'h', definition, source_format: 'json', source_text: null, created_time: 1, created_by: 'x' }).execute();
        await database.db
          .insertInto('pipeline_executions')
          .values({ execution_id: 'e1', pipeline_name: 'old', pipeline_version: 1, pipeline_hash: 'h', params: '{}', trigger_type: 'manual', trigger_detail: null, status: 'succeeded', actor: 'x', created_time: 1, started_time: 1, ended_time: 2, retry_of: null, experiment_id: null, run_id: null, reason: null, code_dir: null, code_digest: null })
          .execute();
        await database.db
          .insertInto('pipeline_steps')
          .values({ execution_id: 'e1', step_id: 'a', instance: '', position: 0, status: 'succeeded', started_time: 1, ended_time: 2, reason: null, failure_class: null, outputs: '{}', artifacts: '{}', metrics: '{}', artifact_digests: '{}', matrix_values: null, expanded: 0, run_id: null, cached_from: null, reused_from: null, next_attempt_time: null, cache_key: null })
          .execute();
        // Without the 0005 column (the typed table has it), as the old server wrote it.
        const { resources: _r, ...oldAttempt } = { execution_id: 'e1', step_id: 'a', instance: '', attempt: 1, status: 'succeeded', started_time: 1, ended_time: 2, exit_code: 0, failure_class: null, message: null, run_id: null, pid: null, boot_id: null, interrupted: 0, resources: null };
        await database.db.insertInto('pipeline_attempts').values(oldAttempt).execute();

        const store = await SqlPipelineStore.open(database);
        const read = await store.getExecution('e1');
        expect(read.steps[0]?.attempts).toEqual([{ attempt: 1, status: 'succeeded', startedTime: 1, endedTime: 2, exitCode: 0 }]);
        await store.applyTransition({ executionId: 'e1', attempts: [{ stepId: 'a', attempt: 2, status: 'running', startedTime: 3, resources: { memoryBytes: 2 * 1024 ** 3 } }] });
        expect((await store.getExecution('e1')).steps[0]?.attempts.map((a) => a.resources)).toEqual([undefined, { memoryBytes: 2 * 1024 ** 3 }]);
      } finally {
        await db.dispose();
      }
    });
  });

  describe.skipIf(backend.skip !== undefined)(`${backend.name}: migration 0006-execution-revision`, () => {
    it('adds the revision column to a database that already has executions: they start at 0 and count from there', async () => {
      const db = await backend.create();
      try {
        const { database } = db;
        const before = Object.fromEntries(Object.entries(allMigrations(database.flavor)).filter(([name]) => name <= '0005-attempt-resources'));
        const migrator = new Migrator({
          db: database.db,
          provider: { getMigrations: () => Promise.resolve(before) },
          migrationTableName: MIGRATION_TABLE,
          migrationLockTableName: `${MIGRATION_TABLE}_lock`,
          ...(database.schema === undefined ? {} : { migrationTableSchema: database.schema }),
        });
        expect((await migrator.migrateToLatest()).error).toBeUndefined();
        const definition = JSON.stringify({ name: 'old', params: {}, env: {}, steps: [] });
        await database.db.insertInto('pipelines').values({ name: 'old', description: null, latest_version: 1, latest_hash: 'h', code_dir: null, created_time: 1, updated_time: 1 }).execute();
        await database.db.insertInto('pipeline_versions').values({ name: 'old', version: 1, hash: 'h', definition, source_format: 'json', source_text: null, created_time: 1, created_by: 'x' }).execute();
        // Without the 0006 column, as a server that only knew 0005 wrote it.
        await database.db
          .insertInto('pipeline_executions')
          .values({ execution_id: 'e1', pipeline_name: 'old', pipeline_version: 1, pipeline_hash: 'h', params: '{}', trigger_type: 'manual', trigger_detail: null, status: 'running', actor: 'x', created_time: 1, started_time: 1, ended_time: null, retry_of: null, experiment_id: null, run_id: null, reason: null, code_dir: null, code_digest: null })
          .execute();

        const store = await SqlPipelineStore.open(database);
        expect(await store.listActiveExecutions()).toEqual([{ executionId: 'e1', revision: 0 }]);
        expect(await store.applyTransition({ executionId: 'e1', expectStatus: ['running'], execution: { reason: 'r' } })).toBe(1);
        expect((await store.getExecution('e1')).revision).toBe(1);
      } finally {
        await db.dispose();
      }
    });
  });
}

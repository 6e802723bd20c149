import type { Kysely, Migration } from 'kysely';
import { columnTypes, type SqlFlavor } from '../sql-flavor.js';

/**
 * Pipelines: content-hashed versions, executions with their steps (and matrix instances)
 * and attempts, and the step cache. Table names carry a `pipeline_` prefix so they cannot
 * be confused with MLflow's tables. JSON maps (params, outputs, metrics) are text.
 */
export function pipelinesMigration(flavor: SqlFlavor): Migration {
  const t = columnTypes(flavor);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('pipelines')
        .addColumn('name', t.text, (c) => c.primaryKey())
        .addColumn('description', t.text)
        .addColumn('latest_version', 'integer', (c) => c.notNull())
        .addColumn('latest_hash', t.text, (c) => c.notNull())
        .addColumn('code_dir', t.text)
        .addColumn('created_time', t.bigint, (c) => c.notNull())
        .addColumn('updated_time', t.bigint, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('pipeline_versions')
        .addColumn('name', t.text, (c) => c.notNull().references('pipelines.name').onDelete('cascade'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('hash', t.text, (c) => c.notNull())
        .addColumn('definition', t.text, (c) => c.notNull())
        .addColumn('source_format', t.text, (c) => c.notNull())
        .addColumn('source_text', t.text)
        .addColumn('created_time', t.bigint, (c) => c.notNull())
        .addColumn('created_by', t.text, (c) => c.notNull())
        .addPrimaryKeyConstraint('pipeline_versions_pk', ['name', 'version'])
        .addUniqueConstraint('pipeline_versions_hash', ['name', 'hash'])
        .execute();

      await db.schema
        .createTable('pipeline_executions')
        .addColumn('execution_id', t.text, (c) => c.primaryKey())
        .addColumn('pipeline_name', t.text, (c) => c.notNull())
        .addColumn('pipeline_version', 'integer', (c) => c.notNull())
        .addColumn('pipeline_hash', t.text, (c) => c.notNull())
        .addColumn('params', t.text, (c) => c.notNull())
        .addColumn('trigger_type', t.text, (c) => c.notNull())
        .addColumn('trigger_detail', t.text)
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('actor', t.text, (c) => c.notNull())
        .addColumn('created_time', t.bigint, (c) => c.notNull())
        .addColumn('started_time', t.bigint)
        .addColumn('ended_time', t.bigint)
        .addColumn('retry_of', t.text)
        .addColumn('experiment_id', t.text)
        .addColumn('run_id', t.text)
        .addColumn('reason', t.text)
        .addColumn('code_dir', t.text)
        .addColumn('code_digest', t.text)
        .addForeignKeyConstraint('pipeline_executions_version', ['pipeline_name', 'pipeline_version'], 'pipeline_versions', ['name', 'version'])
        .execute();
      await db.schema.createIndex('pipeline_executions_pipeline').on('pipeline_executions').columns(['pipeline_name', 'execution_id']).execute();
      await db.schema.createIndex('pipeline_executions_status').on('pipeline_executions').columns(['status', 'execution_id']).execute();

      await db.schema
        .createTable('pipeline_steps')
        .addColumn('execution_id', t.text, (c) => c.notNull().references('pipeline_executions.execution_id').onDelete('cascade'))
        .addColumn('step_id', t.text, (c) => c.notNull())
        .addColumn('instance', t.text, (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('started_time', t.bigint)
        .addColumn('ended_time', t.bigint)
        .addColumn('reason', t.text)
        .addColumn('failure_class', t.text)
        .addColumn('outputs', t.text, (c) => c.notNull())
        .addColumn('artifacts', t.text, (c) => c.notNull())
        .addColumn('metrics', t.text, (c) => c.notNull())
        .addColumn('artifact_digests', t.text, (c) => c.notNull())
        .addColumn('matrix_values', t.text)
        .addColumn('expanded', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('run_id', t.text)
        .addColumn('cached_from', t.text)
        .addColumn('reused_from', t.text)
        .addColumn('next_attempt_time', t.bigint)
        .addColumn('cache_key', t.text)
        .addPrimaryKeyConstraint('pipeline_steps_pk', ['execution_id', 'step_id', 'instance'])
        .execute();

      await db.schema
        .createTable('pipeline_attempts')
        .addColumn('execution_id', t.text, (c) => c.notNull())
        .addColumn('step_id', t.text, (c) => c.notNull())
        .addColumn('instance', t.text, (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('started_time', t.bigint, (c) => c.notNull())
        .addColumn('ended_time', t.bigint)
        .addColumn('exit_code', 'integer')
        .addColumn('failure_class', t.text)
        .addColumn('message', t.text)
        .addColumn('run_id', t.text)
        .addColumn('pid', 'integer')
        .addColumn('boot_id', t.text)
        .addColumn('interrupted', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('pipeline_attempts_pk', ['execution_id', 'step_id', 'instance', 'attempt'])
        .addForeignKeyConstraint(
          'pipeline_attempts_step',
          ['execution_id', 'step_id', 'instance'],
          'pipeline_steps',
          ['execution_id', 'step_id', 'instance'],
          (c) => c.onDelete('cascade'),
        )
        .execute();

      await db.schema
        .createTable('pipeline_cache')
        .addColumn('cache_key', t.text, (c) => c.notNull())
        .addColumn('execution_id', t.text, (c) => c.notNull())
        .addColumn('step_id', t.text, (c) => c.notNull())
        .addColumn('instance', t.text, (c) => c.notNull())
        .addColumn('created_time', t.bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('pipeline_cache_pk', ['cache_key', 'execution_id', 'step_id', 'instance'])
        .execute();
      await db.schema.createIndex('pipeline_cache_newest').on('pipeline_cache').columns(['cache_key', 'created_time']).execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['pipeline_cache', 'pipeline_attempts', 'pipeline_steps', 'pipeline_executions', 'pipeline_versions', 'pipelines']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}

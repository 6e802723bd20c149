import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes, type ColumnTypes, type SqlFlavor } from '../sql-flavor.js';

/** Tracking tables: experiments, runs, metrics, params, tags, datasets, logged models. */
export function trackingMigration(flavor: SqlFlavor): Migration {
  const t = columnTypes(flavor);
  const withoutRowid = flavor === 'sqlite' ? sql`without rowid` : sql``;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('experiments')
        .addColumn('experiment_id', t.bigint, (c) =>
          flavor === 'sqlite' ? c.primaryKey() : c.primaryKey().generatedByDefaultAsIdentity(),
        )
        .addColumn('name', t.text, (c) => c.notNull().unique())
        .addColumn('artifact_location', t.text, (c) => c.notNull())
        .addColumn('lifecycle_stage', t.text, (c) => c.notNull())
        .addColumn('creation_time', t.bigint, (c) => c.notNull())
        .addColumn('last_update_time', t.bigint, (c) => c.notNull())
        .execute();
      await keyValueTable(db, flavor, 'experiment_tags', 'experiment_id', t.bigint, 'experiments');

      await db.schema
        .createTable('runs')
        .addColumn('run_uuid', t.text, (c) => c.primaryKey())
        .addColumn('name', t.text, (c) => c.notNull())
        .addColumn('experiment_id', t.bigint, (c) => c.notNull().references('experiments.experiment_id'))
        .addColumn('user_id', t.text, (c) => c.notNull())
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('start_time', t.bigint, (c) => c.notNull())
        .addColumn('end_time', t.bigint)
        .addColumn('deleted_time', t.bigint)
        .addColumn('deleted_with_experiment', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('artifact_uri', t.text, (c) => c.notNull())
        .addColumn('lifecycle_stage', t.text, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('runs_experiment_start').on('runs').columns(['experiment_id', 'start_time']).execute();
      await db.schema.createIndex('runs_start_time').on('runs').columns(['start_time', 'run_uuid']).execute();

      await keyValueTable(db, flavor, 'tags', 'run_uuid', t.text, 'runs');
      await keyValueTable(db, flavor, 'params', 'run_uuid', t.text, 'runs');

      await db.schema
        .createTable('metrics')
        .addColumn('run_uuid', t.text, (c) => c.notNull())
        .addColumn('key', t.text, (c) => c.notNull())
        .addColumn('step', t.bigint, (c) => c.notNull())
        .addColumn('timestamp', t.bigint, (c) => c.notNull())
        .addColumn('value', t.double, (c) => c.notNull())
        .addColumn('is_nan', 'integer', (c) => c.notNull())
        .addColumn('model_id', t.text)
        .addColumn('dataset_name', t.text)
        .addColumn('dataset_digest', t.text)
        .addPrimaryKeyConstraint('metrics_pk', ['run_uuid', 'key', 'step', 'timestamp', 'value', 'is_nan'])
        .modifyEnd(withoutRowid)
        .execute();

      await db.schema
        .createTable('latest_metrics')
        .addColumn('run_uuid', t.text, (c) => c.notNull())
        .addColumn('key', t.text, (c) => c.notNull())
        .addColumn('step', t.bigint, (c) => c.notNull())
        .addColumn('timestamp', t.bigint, (c) => c.notNull())
        .addColumn('value', t.double, (c) => c.notNull())
        .addColumn('is_nan', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('latest_metrics_pk', ['run_uuid', 'key'])
        .execute();
      await db.schema.createIndex('latest_metrics_key_value').on('latest_metrics').columns(['key', 'value']).execute();

      await db.schema
        .createTable('datasets')
        .addColumn('dataset_uuid', t.text, (c) => c.primaryKey())
        .addColumn('experiment_id', t.bigint, (c) => c.notNull().references('experiments.experiment_id'))
        .addColumn('name', t.text, (c) => c.notNull())
        .addColumn('digest', t.text, (c) => c.notNull())
        .addColumn('source_type', t.text, (c) => c.notNull())
        .addColumn('source', t.text, (c) => c.notNull())
        .addColumn('schema', t.text)
        .addColumn('profile', t.text)
        .addUniqueConstraint('datasets_experiment_name_digest', ['experiment_id', 'name', 'digest'])
        .execute();

      await db.schema
        .createTable('inputs')
        .addColumn('input_uuid', t.text, (c) => c.primaryKey())
        .addColumn('source_type', t.text, (c) => c.notNull())
        .addColumn('source_id', t.text, (c) => c.notNull())
        .addColumn('destination_type', t.text, (c) => c.notNull())
        .addColumn('destination_id', t.text, (c) => c.notNull())
        .addUniqueConstraint('inputs_link', ['source_type', 'source_id', 'destination_type', 'destination_id'])
        .execute();
      await db.schema.createIndex('inputs_destination').on('inputs').columns(['destination_id']).execute();
      await keyValueTable(db, flavor, 'input_tags', 'input_uuid', t.text, 'inputs');

      await db.schema
        .createTable('run_models')
        .addColumn('run_uuid', t.text, (c) => c.notNull().references('runs.run_uuid'))
        .addColumn('model_id', t.text, (c) => c.notNull())
        .addColumn('direction', t.text, (c) => c.notNull())
        .addColumn('step', t.bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('run_models_pk', ['run_uuid', 'model_id', 'direction'])
        .execute();

      await db.schema
        .createTable('logged_models')
        .addColumn('model_id', t.text, (c) => c.primaryKey())
        .addColumn('experiment_id', t.bigint, (c) => c.notNull().references('experiments.experiment_id'))
        .addColumn('name', t.text, (c) => c.notNull())
        .addColumn('artifact_location', t.text, (c) => c.notNull())
        .addColumn('creation_timestamp_ms', t.bigint, (c) => c.notNull())
        .addColumn('last_updated_timestamp_ms', t.bigint, (c) => c.notNull())
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('status_message', t.text)
        .addColumn('model_type', t.text)
        .addColumn('source_run_id', t.text)
        .addColumn('lifecycle_stage', t.text, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('logged_models_experiment_created')
        .on('logged_models')
        .columns(['experiment_id', 'creation_timestamp_ms'])
        .execute();
      await keyValueTable(db, flavor, 'logged_model_tags', 'model_id', t.text, 'logged_models');
      await keyValueTable(db, flavor, 'logged_model_params', 'model_id', t.text, 'logged_models');

      await db.schema
        .createTable('logged_model_metrics')
        .addColumn('model_id', t.text, (c) => c.notNull().references('logged_models.model_id'))
        .addColumn('key', t.text, (c) => c.notNull())
        .addColumn('step', t.bigint, (c) => c.notNull())
        .addColumn('timestamp', t.bigint, (c) => c.notNull())
        .addColumn('value', t.double, (c) => c.notNull())
        .addColumn('is_nan', 'integer', (c) => c.notNull())
        .addColumn('run_uuid', t.text, (c) => c.notNull())
        .addColumn('dataset_name', t.text, (c) => c.notNull())
        .addColumn('dataset_digest', t.text, (c) => c.notNull())
        .addPrimaryKeyConstraint('logged_model_metrics_pk', [
          'model_id',
          'key',
          'step',
          'timestamp',
          'run_uuid',
          'dataset_name',
          'dataset_digest',
        ])
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'logged_model_metrics',
        'logged_model_params',
        'logged_model_tags',
        'logged_models',
        'run_models',
        'input_tags',
        'inputs',
        'datasets',
        'latest_metrics',
        'metrics',
        'params',
        'tags',
        'runs',
        'experiment_tags',
        'experiments',
      ]) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}

/**
 * A `(owner, key) → value` table with an index for filters: `(key, value)` on SQLite;
 * `(key)` on PostgreSQL, whose B-tree entries cannot hold the 8,000-character values
 * MLflow allows.
 */
async function keyValueTable(
  db: Kysely<unknown>,
  flavor: SqlFlavor,
  table: string,
  ownerColumn: string,
  ownerType: ColumnTypes['text'] | ColumnTypes['bigint'],
  ownerTable: string,
): Promise<void> {
  const t = columnTypes(flavor);
  await db.schema
    .createTable(table)
    .addColumn(ownerColumn, ownerType, (c) => c.notNull().references(`${ownerTable}.${ownerColumn}`))
    .addColumn('key', t.text, (c) => c.notNull())
    .addColumn('value', t.text, (c) => c.notNull())
    .addPrimaryKeyConstraint(`${table}_pk`, [ownerColumn, 'key'] as never)
    .execute();
  const columns = flavor === 'sqlite' ? ['key', 'value'] : ['key'];
  await db.schema.createIndex(`${table}_key_value`).on(table).columns(columns).execute();
}

import type { Kysely, Migration } from 'kysely';
import { columnTypes, type SqlFlavor } from '../sql-flavor.js';

/**
 * Schedules, one fire record per due time, and named leases (leader election).
 *
 * `schedule_fires` has `(schedule_id, due_time)` as its primary key: the scheduler inserts
 * the record before it starts the execution, so of two servers that both see a due time
 * only the one whose insert succeeds fires it. `leases` holds one row per named lease
 * (`scheduler` first), taken and renewed by a single conditional upsert.
 */
export function schedulesMigration(flavor: SqlFlavor): Migration {
  const t = columnTypes(flavor);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('schedules')
        .addColumn('schedule_id', t.text, (c) => c.primaryKey())
        .addColumn('pipeline_name', t.text, (c) => c.notNull())
        .addColumn('source', t.text, (c) => c.notNull())
        .addColumn('cron', t.text, (c) => c.notNull())
        .addColumn('timezone', t.text, (c) => c.notNull())
        .addColumn('params', t.text, (c) => c.notNull())
        .addColumn('overlap', t.text, (c) => c.notNull())
        .addColumn('catch_up_seconds', t.bigint, (c) => c.notNull())
        .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('cursor_time', t.bigint, (c) => c.notNull())
        .addColumn('created_time', t.bigint, (c) => c.notNull())
        .addColumn('updated_time', t.bigint, (c) => c.notNull())
        .addColumn('created_by', t.text, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('schedules_pipeline').on('schedules').columns(['pipeline_name', 'created_time']).execute();

      await db.schema
        .createTable('schedule_fires')
        .addColumn('schedule_id', t.text, (c) => c.notNull().references('schedules.schedule_id').onDelete('cascade'))
        .addColumn('due_time', t.bigint, (c) => c.notNull())
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('reason', t.text)
        .addColumn('execution_id', t.text)
        .addColumn('holder', t.text, (c) => c.notNull())
        .addColumn('recorded_time', t.bigint, (c) => c.notNull())
        .addColumn('updated_time', t.bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('schedule_fires_pk', ['schedule_id', 'due_time'])
        .execute();
      await db.schema.createIndex('schedule_fires_status').on('schedule_fires').columns(['status', 'due_time']).execute();

      await db.schema
        .createTable('leases')
        .addColumn('name', t.text, (c) => c.primaryKey())
        .addColumn('holder', t.text, (c) => c.notNull())
        .addColumn('expires_time', t.bigint, (c) => c.notNull())
        .addColumn('acquired_time', t.bigint, (c) => c.notNull())
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('leases').ifExists().execute();
      await db.schema.dropTable('schedule_fires').ifExists().execute();
      await db.schema.dropTable('schedules').ifExists().execute();
    },
  };
}

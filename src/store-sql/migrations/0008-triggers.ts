import type { Kysely, Migration } from 'kysely';
import { columnTypes, type SqlFlavor } from '../sql-flavor.js';

/**
 * Event triggers (`triggers`: definition, write-only secret, and the watcher's persisted
 * state with a revision for compare-and-set) and the events they heard (`trigger_events`).
 * `(trigger_name, dedup_key)` is unique: an event is claimed by inserting it before the
 * execution is started, so two servers on one database start one execution per event.
 */
export function triggersMigration(flavor: SqlFlavor): Migration {
  const t = columnTypes(flavor);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('triggers')
        .addColumn('name', t.text, (c) => c.primaryKey())
        .addColumn('pipeline_name', t.text, (c) => c.notNull())
        .addColumn('type', t.text, (c) => c.notNull())
        .addColumn('config', t.text, (c) => c.notNull())
        .addColumn('params', t.text, (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('source', t.text, (c) => c.notNull())
        .addColumn('secret', t.text)
        .addColumn('state', t.text)
        .addColumn('state_revision', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_time', t.bigint, (c) => c.notNull())
        .addColumn('updated_time', t.bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('triggers_type').on('triggers').columns(['type', 'name']).execute();
      await db.schema.createIndex('triggers_pipeline').on('triggers').columns(['pipeline_name', 'name']).execute();

      await db.schema
        .createTable('trigger_events')
        .addColumn('event_id', t.text, (c) => c.primaryKey())
        .addColumn('trigger_name', t.text, (c) => c.notNull().references('triggers.name').onDelete('cascade'))
        .addColumn('dedup_key', t.text)
        .addColumn('event_time', t.bigint, (c) => c.notNull())
        .addColumn('summary', t.text, (c) => c.notNull())
        .addColumn('outcome', t.text, (c) => c.notNull())
        .addColumn('reason', t.text)
        .addColumn('execution_id', t.text)
        .addUniqueConstraint('trigger_events_dedup', ['trigger_name', 'dedup_key'])
        .execute();
      await db.schema.createIndex('trigger_events_history').on('trigger_events').columns(['trigger_name', 'event_time']).execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('trigger_events').execute();
      await db.schema.dropTable('triggers').execute();
    },
  };
}

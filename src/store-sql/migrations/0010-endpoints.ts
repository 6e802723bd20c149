import type { Kysely, Migration } from 'kysely';
import { columnTypes, type SqlFlavor } from '../sql-flavor.js';

/**
 * Serving endpoints (`endpoints`: the whole endpoint as a JSON document, with the columns
 * that are queried or compared — name, id, status, revision, times — beside it) and their
 * history (`endpoint_events`, keyed by the endpoint's id so it outlives a delete, ordered by
 * `seq`). A write is compare-and-set on `revision`.
 */
export function endpointsMigration(flavor: SqlFlavor): Migration {
  const t = columnTypes(flavor);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('endpoints')
        .addColumn('name', t.text, (c) => c.primaryKey())
        .addColumn('endpoint_id', t.text, (c) => c.notNull().unique())
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('creation_time', t.bigint, (c) => c.notNull())
        .addColumn('last_update_time', t.bigint, (c) => c.notNull())
        /** JSON of the `Endpoint` (variants, rollout, tags, …) without the columns above. */
        .addColumn('document', t.text, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('endpoints_status').on('endpoints').columns(['status', 'name']).execute();

      await db.schema
        .createTable('endpoint_events')
        .addColumn('seq', t.bigint, (c) => (flavor === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedAlwaysAsIdentity()))
        .addColumn('event_id', t.text, (c) => c.notNull().unique())
        .addColumn('endpoint_id', t.text, (c) => c.notNull())
        .addColumn('endpoint_name', t.text, (c) => c.notNull())
        .addColumn('event_time', t.bigint, (c) => c.notNull())
        .addColumn('kind', t.text, (c) => c.notNull())
        .addColumn('message', t.text, (c) => c.notNull())
        .addColumn('actor', t.text, (c) => c.notNull())
        .addColumn('rollout_id', t.text)
        .addColumn('variant', t.text)
        /** JSON map. */
        .addColumn('details', t.text, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('endpoint_events_history').on('endpoint_events').columns(['endpoint_id', 'seq']).execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('endpoint_events').execute();
      await db.schema.dropTable('endpoints').execute();
    },
  };
}

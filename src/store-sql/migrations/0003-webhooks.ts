import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes, type SqlFlavor } from '../sql-flavor.js';

/**
 * Registry webhooks: the webhooks (MLflow's `webhooks` columns; events as a JSON list of
 * `entity.action` names), one row per delivery with its attempts, and the cursors of the
 * change-log consumers (the webhook dispatcher first).
 *
 * On PostgreSQL it also makes change-log ids follow commit order. Identity values are
 * handed out at insert time, so two registry transactions could commit ids 8 and 7 in
 * that order, and a consumer that had read up to 8 would never see 7. A statement-level
 * trigger takes a transaction-scoped advisory lock before each insert into
 * `registry_changes` (before any id is drawn), so writers append to the log one
 * transaction at a time, and an id is visible only after every smaller one is. Registry
 * writes append last, after their other changes, so the lock is held only through the
 * commit. SQLite has one writer at a time and needs nothing.
 */
export function webhooksMigration(flavor: SqlFlavor): Migration {
  const t = columnTypes(flavor);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('webhooks')
        .addColumn('webhook_id', t.text, (c) => c.primaryKey())
        .addColumn('name', t.text, (c) => c.notNull())
        .addColumn('description', t.text)
        .addColumn('url', t.text, (c) => c.notNull())
        .addColumn('events', t.text, (c) => c.notNull())
        .addColumn('secret', t.text)
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('creation_timestamp', t.bigint, (c) => c.notNull())
        .addColumn('last_updated_timestamp', t.bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhooks_created').on('webhooks').columns(['creation_timestamp', 'webhook_id']).execute();

      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('delivery_id', t.text, (c) => c.primaryKey())
        .addColumn('webhook_id', t.text, (c) => c.notNull().references('webhooks.webhook_id').onDelete('cascade'))
        .addColumn('event', t.text, (c) => c.notNull())
        .addColumn('change_id', t.bigint, (c) => c.notNull())
        .addColumn('payload', t.text, (c) => c.notNull())
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_status_code', 'integer')
        .addColumn('last_error', t.text)
        .addColumn('next_attempt_time', t.bigint)
        .addColumn('lease_token', t.text)
        .addColumn('creation_time', t.bigint, (c) => c.notNull())
        .addColumn('last_attempt_time', t.bigint)
        .addColumn('completed_time', t.bigint)
        .addUniqueConstraint('webhook_deliveries_change', ['webhook_id', 'change_id'])
        .execute();
      await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_time']).execute();
      await db.schema
        .createIndex('webhook_deliveries_log')
        .on('webhook_deliveries')
        .columns(['webhook_id', 'creation_time', 'change_id'])
        .execute();

      await db.schema
        .createTable('change_log_cursors')
        .addColumn('consumer', t.text, (c) => c.primaryKey())
        .addColumn('last_change_id', t.bigint, (c) => c.notNull())
        .addColumn('updated_time', t.bigint, (c) => c.notNull())
        .execute();

      if (flavor === 'postgres') {
        // The lock key: 'SLPW' in the high half, the table's oid in the low half.
        await sql`create or replace function slipway_changes_in_commit_order() returns trigger language plpgsql as $$
          begin perform pg_advisory_xact_lock((x'534c5057'::bigint << 32) | tg_relid::bigint); return null; end $$`.execute(db);
        await sql`create trigger registry_changes_commit_order before insert on registry_changes
          for each statement execute function slipway_changes_in_commit_order()`.execute(db);
      }
    },

    async down(db: Kysely<unknown>): Promise<void> {
      if (flavor === 'postgres') {
        await sql`drop trigger if exists registry_changes_commit_order on registry_changes`.execute(db);
        await sql`drop function if exists slipway_changes_in_commit_order()`.execute(db);
      }
      for (const table of ['change_log_cursors', 'webhook_deliveries', 'webhooks']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}

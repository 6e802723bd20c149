import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes, type SqlFlavor } from '../sql-flavor.js';

/**
 * Model registry: registered models, versions, tags, aliases, the append-only change log
 * (audit trail and event outbox, guarded by triggers that refuse UPDATE and DELETE), and
 * lineage links other parts of Slipway record.
 */
export function registryMigration(flavor: SqlFlavor): Migration {
  const t = columnTypes(flavor);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('registered_models')
        .addColumn('id', t.bigint, (c) => (flavor === 'sqlite' ? c.primaryKey() : c.primaryKey().generatedByDefaultAsIdentity()))
        .addColumn('name', t.text, (c) => c.notNull().unique())
        .addColumn('creation_time', t.bigint, (c) => c.notNull())
        .addColumn('last_updated_time', t.bigint, (c) => c.notNull())
        .addColumn('description', t.text)
        .addColumn('user_id', t.text)
        .addColumn('approval_policy', t.text, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('registered_model_tags')
        .addColumn('model_key', t.bigint, (c) => c.notNull().references('registered_models.id').onDelete('cascade'))
        .addColumn('key', t.text, (c) => c.notNull())
        .addColumn('value', t.text, (c) => c.notNull())
        .addPrimaryKeyConstraint('registered_model_tags_pk', ['model_key', 'key'])
        .execute();

      await db.schema
        .createTable('model_versions')
        .addColumn('model_key', t.bigint, (c) => c.notNull().references('registered_models.id').onDelete('cascade'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('creation_time', t.bigint, (c) => c.notNull())
        .addColumn('last_updated_time', t.bigint, (c) => c.notNull())
        .addColumn('user_id', t.text)
        .addColumn('current_stage', t.text, (c) => c.notNull())
        .addColumn('description', t.text)
        .addColumn('source', t.text, (c) => c.notNull())
        .addColumn('storage_location', t.text, (c) => c.notNull())
        .addColumn('run_id', t.text)
        .addColumn('run_link', t.text)
        .addColumn('model_id', t.text)
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('status_message', t.text)
        .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('approval_status', t.text, (c) => c.notNull())
        .addColumn('approval_actor', t.text)
        .addColumn('approval_time', t.bigint)
        .addColumn('approval_comment', t.text)
        .addPrimaryKeyConstraint('model_versions_pk', ['model_key', 'version'])
        .execute();
      await db.schema.createIndex('model_versions_run').on('model_versions').column('run_id').execute();
      await db.schema.createIndex('model_versions_model_id').on('model_versions').column('model_id').execute();

      await db.schema
        .createTable('model_version_tags')
        .addColumn('model_key', t.bigint, (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('key', t.text, (c) => c.notNull())
        .addColumn('value', t.text, (c) => c.notNull())
        .addPrimaryKeyConstraint('model_version_tags_pk', ['model_key', 'version', 'key'])
        .addForeignKeyConstraint('model_version_tags_version', ['model_key', 'version'], 'model_versions', ['model_key', 'version'], (fk) =>
          fk.onDelete('cascade'),
        )
        .execute();

      await db.schema
        .createTable('registered_model_aliases')
        .addColumn('model_key', t.bigint, (c) => c.notNull())
        .addColumn('alias', t.text, (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('registered_model_aliases_pk', ['model_key', 'alias'])
        .addForeignKeyConstraint('registered_model_aliases_version', ['model_key', 'version'], 'model_versions', ['model_key', 'version'], (fk) =>
          fk.onDelete('cascade'),
        )
        .execute();

      await db.schema
        .createTable('registry_changes')
        .addColumn('id', t.bigint, (c) => (flavor === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedAlwaysAsIdentity()))
        .addColumn('timestamp', t.bigint, (c) => c.notNull())
        .addColumn('actor', t.text, (c) => c.notNull())
        .addColumn('type', t.text, (c) => c.notNull())
        .addColumn('model_key', t.bigint, (c) => c.notNull())
        .addColumn('model_name', t.text, (c) => c.notNull())
        .addColumn('version', 'integer')
        .addColumn('field', t.text)
        .addColumn('from_value', t.text)
        .addColumn('to_value', t.text)
        .addColumn('comment', t.text)
        .execute();
      await db.schema.createIndex('registry_changes_model').on('registry_changes').columns(['model_key', 'id']).execute();
      await db.schema.createIndex('registry_changes_name').on('registry_changes').columns(['model_name', 'id']).execute();
      await appendOnly(db, flavor, 'registry_changes');

      await db.schema
        .createTable('lineage_links')
        .addColumn('from_node', t.text, (c) => c.notNull())
        .addColumn('to_node', t.text, (c) => c.notNull())
        .addColumn('relation', t.text, (c) => c.notNull())
        .addColumn('created_time', t.bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('lineage_links_pk', ['from_node', 'to_node', 'relation'])
        .execute();
      await db.schema.createIndex('lineage_links_to').on('lineage_links').column('to_node').execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      if (flavor === 'postgres') await sql`drop function if exists slipway_append_only() cascade`.execute(db);
      for (const table of [
        'lineage_links',
        'registry_changes',
        'registered_model_aliases',
        'model_version_tags',
        'model_versions',
        'registered_model_tags',
        'registered_models',
      ]) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}

/** Triggers that make `table` append-only: any UPDATE or DELETE fails. */
async function appendOnly(db: Kysely<unknown>, flavor: SqlFlavor, table: string): Promise<void> {
  if (flavor === 'sqlite') {
    for (const op of ['update', 'delete']) {
      await sql`create trigger ${sql.id(`${table}_no_${op}`)} before ${sql.raw(op)} on ${sql.table(table)}
        begin select raise(abort, ${sql.lit(`${table} is append-only`)}); end`.execute(db);
    }
    return;
  }
  await sql`create or replace function slipway_append_only() returns trigger language plpgsql as $$
    begin raise exception '% is append-only', tg_table_name; end $$`.execute(db);
  await sql`create trigger ${sql.id(`${table}_append_only`)} before update or delete on ${sql.table(table)}
    for each row execute function slipway_append_only()`.execute(db);
}

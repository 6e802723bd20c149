import type { Kysely, Migration } from 'kysely';
import { columnTypes, type SqlFlavor } from '../sql-flavor.js';

/**
 * The resource hints of each pipeline step attempt (`resources:` of a `run:` step): a JSON
 * text column on `pipeline_attempts`, null for attempts without hints and for every attempt
 * recorded before this migration. Additive, so databases that already have `0004-pipelines`
 * keep their rows as they are.
 */
export function attemptResourcesMigration(flavor: SqlFlavor): Migration {
  const t = columnTypes(flavor);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('pipeline_attempts').addColumn('resources', t.text).execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('pipeline_attempts').dropColumn('resources').execute();
    },
  };
}

import type { Kysely, Migration } from 'kysely';
import type { SqlFlavor } from '../sql-flavor.js';

/**
 * A revision counter on each pipeline execution: `applyTransition` increments it in the
 * transaction it writes, so an engine that keeps an execution in memory can tell, from
 * one small read, whether anyone else (another server process sharing the database) has
 * changed it since. Executions recorded before this migration start at 0. Additive.
 */
export function executionRevisionMigration(flavor: SqlFlavor): Migration {
  void flavor;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('pipeline_executions')
        .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('pipeline_executions').dropColumn('revision').execute();
    },
  };
}

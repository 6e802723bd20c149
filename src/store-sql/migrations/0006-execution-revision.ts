import type { Kysely, Migration } from 'kysely';
import type { SqlFlavor } from '../sql-flavor.js';

/** a revision counter on pipeline executions (placeholder: filled in by the work that needs it). */
export function executionRevisionMigration(flavor: SqlFlavor): Migration {
  void flavor;
  return {
    up(db: Kysely<unknown>): Promise<void> {
      void db;
      return Promise.resolve();
    },
  };
}

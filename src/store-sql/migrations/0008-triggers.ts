import type { Kysely, Migration } from 'kysely';
import type { SqlFlavor } from '../sql-flavor.js';

/** event triggers and their event history (placeholder: filled in by the work that needs it). */
export function triggersMigration(flavor: SqlFlavor): Migration {
  void flavor;
  return {
    up(db: Kysely<unknown>): Promise<void> {
      void db;
      return Promise.resolve();
    },
  };
}

import type { Kysely, Migration } from 'kysely';
import type { SqlFlavor } from '../sql-flavor.js';

/** schedules, their fire records and leases (placeholder: filled in by the work that needs it). */
export function schedulesMigration(flavor: SqlFlavor): Migration {
  void flavor;
  return {
    up(db: Kysely<unknown>): Promise<void> {
      void db;
      return Promise.resolve();
    },
  };
}

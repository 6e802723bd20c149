import type { Kysely, Migration } from 'kysely';
import type { SqlFlavor } from '../sql-flavor.js';

/** approval requests of slipway/approval steps (placeholder: filled in by the work that needs it). */
export function approvalsMigration(flavor: SqlFlavor): Migration {
  void flavor;
  return {
    up(db: Kysely<unknown>): Promise<void> {
      void db;
      return Promise.resolve();
    },
  };
}

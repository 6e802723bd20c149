import { Migrator, type Migration, type MigrationResult } from 'kysely';
import { trackingMigration } from './migrations/0001-tracking.js';
import { registryMigration } from './migrations/0002-registry.js';
import { webhooksMigration } from './migrations/0003-webhooks.js';
import { pipelinesMigration } from './migrations/0004-pipelines.js';
import { attemptResourcesMigration } from './migrations/0005-attempt-resources.js';
import { executionRevisionMigration } from './migrations/0006-execution-revision.js';
import { schedulesMigration } from './migrations/0007-schedules.js';
import { triggersMigration } from './migrations/0008-triggers.js';
import { approvalsMigration } from './migrations/0009-approvals.js';
import { endpointsMigration } from './migrations/0010-endpoints.js';
import type { SqlDatabase } from './sql-database.js';
import type { SqlFlavor } from './sql-flavor.js';

/** Table where applied migrations are recorded (name and time). */
export const MIGRATION_TABLE = 'slipway_migrations';

/** Every migration, keyed by a name that sorts in the order they must run. */
export function allMigrations(flavor: SqlFlavor): Record<string, Migration> {
  return {
    '0001-tracking': trackingMigration(flavor),
    '0002-registry': registryMigration(flavor),
    '0003-webhooks': webhooksMigration(flavor),
    '0004-pipelines': pipelinesMigration(flavor),
    '0005-attempt-resources': attemptResourcesMigration(flavor),
    '0006-execution-revision': executionRevisionMigration(flavor),
    '0007-schedules': schedulesMigration(flavor),
    '0008-triggers': triggersMigration(flavor),
    '0009-approvals': approvalsMigration(flavor),
    '0010-endpoints': endpointsMigration(flavor),
  };
}

/**
 * PostgreSQL error codes of a catalog that changed under Kysely's table check: the
 * migrator looks for its tables by listing the tables of every schema, and a schema or
 * table dropped by another client between the listing and the read fails that query
 * (seen when several test runs share a database). Nothing was migrated then; trying again
 * is safe.
 */
const CATALOG_RACE_CODES = new Set(['3F000', '42P01']);
const MIGRATION_TRIES = 3;

/**
 * Applies every pending migration, each in its own transaction, and records it.
 * Throws with the failing migration's name when one fails; earlier ones stay applied.
 */
export async function migrateToLatest(database: SqlDatabase): Promise<MigrationResult[]> {
  for (let attempt = 1; ; attempt++) {
    const migrator = new Migrator({
      db: database.db,
      provider: { getMigrations: () => Promise.resolve(allMigrations(database.flavor)) },
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: `${MIGRATION_TABLE}_lock`,
      ...(database.schema === undefined ? {} : { migrationTableSchema: database.schema }),
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error === undefined) return results ?? [];
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    if (failed === undefined && attempt < MIGRATION_TRIES && isCatalogRace(error)) continue;
    throw new Error(`database migration ${failed ?? 'unknown'} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`, {
      cause: error,
    });
  }
}

function isCatalogRace(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CATALOG_RACE_CODES.has(code);
}

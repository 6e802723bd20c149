import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { allMigrations, migrateToLatest, MIGRATION_TABLE } from '../../src/store-sql/migrate-to-latest.js';
import { SqlTrackingStore } from '../../src/store-sql/sql-tracking-store.js';
import { describeTrackingStoreContract } from '../contract/tracking-store.contract.js';
import { BACKENDS } from '../support/test-databases.js';

for (const backend of BACKENDS) {
  describeTrackingStoreContract(`SqlTrackingStore on ${backend.name}`, {
    skip: backend.skip,
    async create() {
      const db = await backend.create();
      const store = await SqlTrackingStore.open(db.database, { defaultArtifactRoot: 'mlflow-artifacts:/' });
      return { store, dispose: () => db.dispose() };
    },
  });

  describe.skipIf(backend.skip !== undefined)(`${backend.name}: migrations`, () => {
    it('records each applied migration once and is a no-op the second time', async () => {
      const db = await backend.create();
      try {
        const first = await migrateToLatest(db.database);
        expect(first.map((r) => [r.migrationName, r.status])).toEqual([
          ['0001-tracking', 'Success'],
          ['0002-registry', 'Success'],
          ['0003-webhooks', 'Success'],
          ['0004-pipelines', 'Success'],
          ['0005-attempt-resources', 'Success'],
          ['0006-execution-revision', 'Success'],
          ['0007-schedules', 'Success'],
          ['0008-triggers', 'Success'],
          ['0009-approvals', 'Success'],
          ['0010-endpoints', 'Success'],
        ]);
        expect(await migrateToLatest(db.database)).toEqual([]);
        const rows = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(db.database.db);
        expect(rows.rows.map((r) => r.name).sort()).toEqual(Object.keys(allMigrations(db.database.flavor)));
      } finally {
        await db.dispose();
      }
    });
  });
}

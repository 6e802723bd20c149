import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SqlRegistryStore } from '../../src/store-sql/sql-registry-store.js';
import { SqlTrackingStore } from '../../src/store-sql/sql-tracking-store.js';
import { describeRegistryStoreContract } from '../contract/registry-store.contract.js';
import { BACKENDS } from '../support/test-databases.js';

for (const backend of BACKENDS) {
  describeRegistryStoreContract(`SqlRegistryStore on ${backend.name}`, {
    skip: backend.skip,
    async create() {
      const db = await backend.create();
      const tracking = await SqlTrackingStore.open(db.database, { defaultArtifactRoot: 'mlflow-artifacts:/' });
      const registry = await SqlRegistryStore.open(db.database);
      return { registry, tracking, dispose: () => db.dispose() };
    },
  });

  describe.skipIf(backend.skip !== undefined)(`${backend.name}: the change log is append-only`, () => {
    it('refuses UPDATE and DELETE on registry_changes', async () => {
      const db = await backend.create();
      try {
        const registry = await SqlRegistryStore.open(db.database);
        await registry.createRegisteredModel({ name: 'audited', tags: [] }, 'alice');
        await expect(sql`update registry_changes set actor = 'mallory'`.execute(db.database.db)).rejects.toThrow(/append-only/);
        await expect(sql`delete from registry_changes`.execute(db.database.db)).rejects.toThrow(/append-only/);
        expect((await registry.listChanges({ limit: 10 })).map((e) => e.actor)).toEqual(['alice']);
      } finally {
        await db.dispose();
      }
    });
  });
}

import { describe, expect, it } from 'vitest';
import { appendChanges } from '../../src/store-sql/registry/registry-changes.js';
import { SqlRegistryStore } from '../../src/store-sql/sql-registry-store.js';
import { SqlWebhookStore } from '../../src/store-sql/sql-webhook-store.js';
import { describeWebhookStoreContract } from '../contract/webhook-store.contract.js';
import { BACKENDS } from '../support/test-databases.js';

for (const backend of BACKENDS) {
  describeWebhookStoreContract(`SqlWebhookStore on ${backend.name}`, {
    skip: backend.skip,
    async create() {
      const db = await backend.create();
      const registry = await SqlRegistryStore.open(db.database);
      const webhooks = await SqlWebhookStore.open(db.database);
      return { webhooks, registry, dispose: () => db.dispose() };
    },
  });

  describe.skipIf(backend.skip !== undefined)(`${backend.name}: the change log is read in commit order`, () => {
    it('holds a registry write back while an earlier append is uncommitted, so a cursor never skips an entry', async () => {
      const db = await backend.create();
      try {
        const registry = await SqlRegistryStore.open(db.database);
        await registry.createRegisteredModel({ name: 'm', tags: [] }, 'alice');
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        let appended!: () => void;
        const inserted = new Promise<void>((resolve) => (appended = resolve));
        // A transaction appends an entry (drawing its id) and does not commit yet.
        const slow = db.database.db.transaction().execute(async (trx) => {
          await appendChanges(trx, 'slow', Date.now(), [{ type: 'registered_model.updated', modelKey: 1, modelName: 'm' }]);
          appended();
          await held;
        });
        await inserted;
        let fastDone = false;
        const fast = registry.setRegisteredModelTag('m', { key: 'k', value: 'v' }, 'fast').then(() => (fastDone = true));
        await new Promise((r) => setTimeout(r, 200));
        const doneWhileHeld = fastDone;
        release();
        await Promise.all([slow, fast]);
        // The later write waited: whatever a consumer read meanwhile ended before the uncommitted entry.
        expect(doneWhileHeld).toBe(false);
        const entries = await registry.listChanges({ limit: 10 });
        expect(entries.map((e) => e.actor)).toEqual(['alice', 'slow', 'fast']);
      } finally {
        await db.dispose();
      }
    });
  });
}

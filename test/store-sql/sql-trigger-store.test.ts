import { SqlTriggerStore } from '../../src/store-sql/sql-trigger-store.js';
import { describeTriggerStoreContract } from '../contract/trigger-store.contract.js';
import { BACKENDS } from '../support/test-databases.js';

for (const backend of BACKENDS) {
  describeTriggerStoreContract(`SqlTriggerStore on ${backend.name}`, {
    skip: backend.skip,
    async create() {
      const db = await backend.create();
      const triggers = await SqlTriggerStore.open(db.database);
      return { triggers, dispose: () => db.dispose() };
    },
  });
}

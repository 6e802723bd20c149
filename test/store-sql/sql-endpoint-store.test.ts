import { openSqlDatabase } from '../../src/server/open-stores.js';
import { SqlEndpointStore } from '../../src/store-sql/sql-endpoint-store.js';
import { describeEndpointStoreContract } from '../contract/endpoint-store.contract.js';
import { BACKENDS } from '../support/test-databases.js';

for (const backend of BACKENDS) {
  describeEndpointStoreContract(`SqlEndpointStore on ${backend.name}`, {
    skip: backend.skip,
    concurrentHandles: backend.name !== 'sqlite',
    async create() {
      const db = await backend.create();
      const store = await SqlEndpointStore.open(db.database);
      // Another connection (pool) to the same database, as a second server process has.
      const second = await openSqlDatabase(db.uri, process.cwd());
      const other = await SqlEndpointStore.open(second);
      return {
        store,
        other,
        async dispose() {
          await second.close();
          await db.dispose();
        },
      };
    },
  });
}

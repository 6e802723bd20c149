import { SqlLeaseStore } from '../../src/store-sql/schedules/sql-lease-store.js';
import { SqlScheduleStore } from '../../src/store-sql/sql-schedule-store.js';
import { describeScheduleStoreContract } from '../contract/schedule-store.contract.js';
import { BACKENDS } from '../support/test-databases.js';

for (const backend of BACKENDS) {
  describeScheduleStoreContract(`SqlScheduleStore on ${backend.name}`, {
    skip: backend.skip,
    async create() {
      const db = await backend.create();
      const schedules = await SqlScheduleStore.open(db.database);
      const leases = await SqlLeaseStore.open(db.database);
      return { schedules, leases, dispose: () => db.dispose() };
    },
  });
}

import { SqlApprovalStore } from '../../src/store-sql/sql-approval-store.js';
import { describeApprovalStoreContract } from '../contract/approval-store.contract.js';
import { BACKENDS } from '../support/test-databases.js';

for (const backend of BACKENDS) {
  describeApprovalStoreContract(`SqlApprovalStore on ${backend.name}`, {
    skip: backend.skip,
    async create() {
      const db = await backend.create();
      const approvals = await SqlApprovalStore.open(db.database);
      return { approvals, dispose: () => db.dispose() };
    },
  });
}

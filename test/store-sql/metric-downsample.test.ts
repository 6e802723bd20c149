import { SqlTrackingStore } from '../../src/store-sql/sql-tracking-store.js';
import { describeMetricDownsampleContract } from '../contract/metric-downsample.contract.js';
import { BACKENDS } from '../support/test-databases.js';

for (const backend of BACKENDS) {
  describeMetricDownsampleContract(`SqlTrackingStore on ${backend.name}`, {
    skip: backend.skip,
    async create() {
      const db = await backend.create();
      const store = await SqlTrackingStore.open(db.database, { defaultArtifactRoot: 'mlflow-artifacts:/' });
      return { store, dispose: () => db.dispose() };
    },
  });
}

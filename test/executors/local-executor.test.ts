import { LocalExecutor } from '../../src/executors/local-executor.js';
import { describeExecutorContract } from '../contract/executor.contract.js';

describeExecutorContract('LocalExecutor', {
  create: ({ maxConcurrent }) => new LocalExecutor({ maxConcurrent, killGraceMs: 500 }),
});

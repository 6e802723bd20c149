import { runApproval } from './approval.js';
import { runBatchTransform } from './batch-transform.js';
import type { BuiltinRunner } from './builtin-context.js';
import { runDeploy } from './deploy.js';
import { runEvaluate } from './evaluate.js';
import { runNotify } from './notify.js';
import { runPromote } from './promote.js';
import { runRegisterModel } from './register-model.js';
import { runSmokeTest } from './smoke-test.js';

/** The in-process implementations of the built-in steps, by `uses:` name. */
export const BUILTIN_RUNNERS: ReadonlyMap<string, BuiltinRunner> = new Map([
  ['slipway/evaluate', runEvaluate],
  ['slipway/register-model', runRegisterModel],
  ['slipway/promote', runPromote],
  ['slipway/notify', runNotify],
  ['slipway/approval', runApproval],
  ['slipway/batch-transform', runBatchTransform],
  ['slipway/deploy', runDeploy],
  ['slipway/smoke-test', runSmokeTest],
]);

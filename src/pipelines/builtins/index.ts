import { runApproval } from './approval.js';
import type { BuiltinRunner } from './builtin-context.js';
import { runEvaluate } from './evaluate.js';
import { runNotify } from './notify.js';
import { runPromote } from './promote.js';
import { runRegisterModel } from './register-model.js';

/** The in-process implementations of the built-in steps, by `uses:` name. */
export const BUILTIN_RUNNERS: ReadonlyMap<string, BuiltinRunner> = new Map([
  ['slipway/evaluate', runEvaluate],
  ['slipway/register-model', runRegisterModel],
  ['slipway/promote', runPromote],
  ['slipway/notify', runNotify],
  ['slipway/approval', runApproval],
]);

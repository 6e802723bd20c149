import type { ExecutionRecord, StepRecord, Transition } from '../../core/ports/pipeline-store.js';
import type { EngineContext } from './engine-context.js';
import { finishExecution } from './finish-execution.js';
import { attemptKey, hasRunning } from './running-attempts.js';
import { instanceRows, isTerminal } from './step-rows.js';

/**
 * One scheduler pass over a `cancelling` execution: cancels the steps not running in this
 * process (and their stale attempts), then ends the execution once nothing runs.
 */
export async function advanceCancelling(ctx: EngineContext, record: ExecutionRecord): Promise<void> {
  const now = ctx.now();
  const steps: StepRecord[] = [];
  const attempts: NonNullable<Transition['attempts']>[number][] = [];
  for (const row of record.steps) {
    if (isTerminal(row.status)) continue;
    const running = row.attempts.find((a) => a.status === 'running');
    if (running !== undefined && ctx.running.has(attemptKey(record.executionId, row.stepId, row.instance))) continue;
    if (running !== undefined) {
      attempts.push({ ...running, stepId: row.stepId, instance: row.instance, status: 'failed', endedTime: now, failureClass: 'cancelled', message: 'cancelled' });
    }
    if (row.expanded === true && instanceRows(record, row.stepId).some((i) => !isTerminal(i.status) && ctx.running.has(attemptKey(record.executionId, i.stepId, i.instance)))) {
      continue;
    }
    steps.push({ ...row, status: 'cancelled', endedTime: now, reason: row.reason ?? 'the execution was cancelled' });
  }
  if (steps.length > 0 || attempts.length > 0) await ctx.deps.store.applyTransition({ executionId: record.executionId, steps, attempts });
  const after = await ctx.deps.store.getExecution(record.executionId);
  if (after.steps.every((s) => isTerminal(s.status)) && !hasRunning(ctx.running, record.executionId)) {
    await finishExecution(ctx, after, await ctx.definitions.of(after));
  }
}

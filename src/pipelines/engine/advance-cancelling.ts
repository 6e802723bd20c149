import type { ExecutionRecord, StepRecord, Transition } from '../../core/ports/pipeline-store.js';
import { commitTransition } from './commit-transition.js';
import type { EngineContext } from './engine-context.js';
import { finishExecution } from './finish-execution.js';
import { attemptKey, hasRunning } from './running-attempts.js';
import { instanceRows, isTerminal } from './step-rows.js';

/**
 * One scheduler pass over a `cancelling` execution: tells its attempts running in this
 * process to stop (it may have been cancelled through another server process sharing the
 * database), cancels the steps not running here (and their stale attempts), then ends the
 * execution once nothing runs.
 */
export async function advanceCancelling(ctx: EngineContext, record: ExecutionRecord): Promise<void> {
  for (const running of ctx.running.values()) {
    if (running.executionId !== record.executionId || running.control.cancelled) continue;
    running.control.cancelled = true;
    running.control.handle?.cancel();
  }
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
  if (steps.length > 0 || attempts.length > 0) await commitTransition(ctx, { executionId: record.executionId, steps, attempts });
  const after = await ctx.active.get(record.executionId);
  if (after.steps.every((s) => isTerminal(s.status)) && !hasRunning(ctx.running, record.executionId)) {
    await finishExecution(ctx, after, await ctx.definitions.of(after));
  }
}

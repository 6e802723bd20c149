/**
 * Crash recovery, at start: attempts left `running` by a process that died become
 * infrastructure failures (their orphaned process groups killed), retried per policy —
 * except a `slipway/approval` step that was waiting for a decision: its attempt is
 * recorded as interrupted and the step goes back to `pending`, so its next attempt
 * re-attaches to the same (still pending, or meanwhile decided) approval request.
 * @module
 */

import { SYSTEM_ACTOR } from '../../core/approvals/approval-request.js';
import type { AttemptRecord, ExecutionRecord, StepRecord, Transition } from '../../core/ports/pipeline-store.js';
import { currentBootId, killProcessGroup, processGroupAlive } from '../../executors/process-groups.js';
import { afterFailure } from './after-failure.js';
import { describeError } from './describe-error.js';
import type { EngineContext } from './engine-context.js';
import { stepById } from './step-context.js';

/** The built-in whose attempts wait (for days, perhaps) and resume after a restart. */
const RESUMABLE_BUILTIN = 'slipway/approval';

/** Attempts left `running` by a process that died: infrastructure failures, retried per policy. */
export async function recoverExecutions(ctx: EngineContext): Promise<void> {
  const bootId = currentBootId();
  for (const id of await ctx.deps.store.listActiveExecutionIds()) {
    const record = await ctx.deps.store.getExecution(id);
    const definition = await ctx.definitions.of(record);
    const now = ctx.now();
    const steps: StepRecord[] = [];
    const attempts: NonNullable<Transition['attempts']>[number][] = [];
    for (const row of record.steps) {
      const attempt = row.attempts.find((a) => a.status === 'running');
      if (attempt === undefined) continue;
      const step = stepById(definition, row.stepId);
      if (step.kind === 'uses' && step.uses === RESUMABLE_BUILTIN) {
        if (record.status === 'running') {
          // Waiting is not work that a crash spoils: wait again, not counted as a try.
          const message = 'the server stopped while this step waited for approval; it waits again after the restart';
          attempts.push({ ...attempt, status: 'failed', endedTime: now, failureClass: 'infrastructure', message, interrupted: true, stepId: row.stepId, instance: row.instance });
          steps.push({ ...row, status: 'pending' });
          continue;
        }
        await closeRequest(ctx, record, row);
      }
      if (attempt.pid !== undefined && attempt.bootId === bootId && processGroupAlive(attempt.pid)) {
        // The step's process group outlived the server that started it: end it.
        killProcessGroup(attempt.pid, 'SIGKILL');
        ctx.warn(`pipeline engine: killed the orphaned process group ${attempt.pid} of ${id}/${row.stepId}`);
      }
      const message = 'the server stopped while this attempt was running (found when it restarted)';
      const failed: AttemptRecord = { ...attempt, status: 'failed', endedTime: now, failureClass: 'infrastructure', message };
      attempts.push({ ...failed, stepId: row.stepId, instance: row.instance });
      steps.push(
        afterFailure(record, step, { ...row, attempts: row.attempts.map((a) => (a.attempt === attempt.attempt ? failed : a)) }, 'infrastructure', message, now, ctx.options.random),
      );
      await ctx.runs.endRun(attempt.runId, 'FAILED').catch(() => undefined);
    }
    if (steps.length > 0) await ctx.deps.store.applyTransition({ executionId: id, steps, attempts });
  }
}

/** An execution cancelled while its approval step waited: the request closes with it. */
async function closeRequest(ctx: EngineContext, record: ExecutionRecord, row: StepRecord): Promise<void> {
  const approvals = ctx.deps.approvals;
  if (approvals === undefined) return;
  try {
    const page = await approvals.list({ executionId: record.executionId, status: 'pending', maxResults: 1000 });
    const request = page.items.find((r) => r.stepId === row.stepId && r.instance === row.instance);
    if (request === undefined) return;
    await approvals.record(request.id, { status: 'cancelled', actor: SYSTEM_ACTOR, comment: 'the execution was cancelled', time: ctx.now() });
  } catch (e) {
    ctx.warn(`pipeline engine: cannot close the approval request of ${record.executionId}/${row.stepId}: ${describeError(e)}`);
  }
}

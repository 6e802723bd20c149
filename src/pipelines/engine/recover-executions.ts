/**
 * Crash recovery, at start: attempts left `running` by a process that died become
 * infrastructure failures (their orphaned process groups killed), retried per policy.
 * @module
 */

import type { AttemptRecord, StepRecord, Transition } from '../../core/ports/pipeline-store.js';
import { currentBootId, killProcessGroup, processGroupAlive } from '../../executors/process-groups.js';
import { afterFailure } from './after-failure.js';
import type { EngineContext } from './engine-context.js';
import { stepById } from './step-context.js';

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
      if (attempt.pid !== undefined && attempt.bootId === bootId && processGroupAlive(attempt.pid)) {
        // The step's process group outlived the server that started it: end it.
        killProcessGroup(attempt.pid, 'SIGKILL');
        ctx.warn(`pipeline engine: killed the orphaned process group ${attempt.pid} of ${id}/${row.stepId}`);
      }
      const message = 'the server stopped while this attempt was running (found when it restarted)';
      const failed: AttemptRecord = { ...attempt, status: 'failed', endedTime: now, failureClass: 'infrastructure', message };
      attempts.push({ ...failed, stepId: row.stepId, instance: row.instance });
      const step = stepById(definition, row.stepId);
      steps.push(
        afterFailure(record, step, { ...row, attempts: row.attempts.map((a) => (a.attempt === attempt.attempt ? failed : a)) }, 'infrastructure', message, now, ctx.options.random),
      );
      await ctx.runs.endRun(attempt.runId, 'FAILED').catch(() => undefined);
    }
    if (steps.length > 0) await ctx.deps.store.applyTransition({ executionId: id, steps, attempts });
  }
}

import type { StepDefinition } from '../../core/pipelines/pipeline-model.js';
import type { AttemptRecord, StepRecord } from '../../core/ports/pipeline-store.js';
import { afterFailure } from './after-failure.js';
import { commitTransition } from './commit-transition.js';
import { describeError } from './describe-error.js';
import type { EngineContext } from './engine-context.js';
import type { AttemptControl, AttemptResult } from './run-step-attempt.js';

/** The message of an attempt ended by a graceful shutdown (recorded, and the last line of its log). */
export const INTERRUPTED_MESSAGE = 'interrupted by a server shutdown; the step runs again when the server restarts';

/**
 * Records the end of an attempt (one transition) and ends its MLflow run (in the background, see `PendingRunEnds`): succeeded (with a
 * cache entry), cancelled, a rejecting gate, a failure to retry or not (see
 * {@link afterFailure}), or — ended by a graceful shutdown — back to `pending`, not counted.
 */
export async function finishAttempt(
  ctx: EngineContext,
  executionId: string,
  step: StepDefinition,
  started: StepRecord,
  attempt: AttemptRecord,
  result: AttemptResult,
  key: string | undefined,
  control: AttemptControl,
): Promise<void> {
  const record = await ctx.active.get(executionId);
  const row = record.steps.find((s) => s.stepId === started.stepId && s.instance === started.instance);
  if (row === undefined) return;
  const now = ctx.now();
  const ids = { stepId: row.stepId, instance: row.instance };
  if (attempt.runId !== undefined && Object.keys(result.metrics).length > 0) {
    await ctx.runs.logMetrics(attempt.runId, result.metrics).catch((e: unknown) => ctx.warn(`pipeline engine: cannot log metrics: ${describeError(e)}`));
  }
  const exitCode = result.exitCode === undefined ? {} : { exitCode: result.exitCode };

  if (ctx.stopping && control.cancelled && !result.ok && record.status === 'running') {
    // Ended by a graceful shutdown: runs again after the restart, not counted as a try.
    const message = INTERRUPTED_MESSAGE;
    await commitTransition(ctx, {
      executionId,
      steps: [{ ...row, status: 'pending', metrics: result.metrics }],
      attempts: [{ ...attempt, ...ids, ...exitCode, status: 'failed', endedTime: now, failureClass: 'infrastructure', message, interrupted: true }],
    });
    ctx.runEnds.add(executionId, ctx.runs.endRun(attempt.runId, 'KILLED'));
    return;
  }

  if (result.ok) {
    await commitTransition(ctx, {
      executionId,
      steps: [
        {
          ...row,
          status: 'succeeded',
          endedTime: now,
          outputs: result.outputs,
          artifacts: result.artifacts,
          artifactDigests: result.artifactDigests,
          metrics: result.metrics,
          reason: undefined,
          failureClass: undefined,
        },
      ],
      attempts: [{ ...attempt, ...ids, ...exitCode, status: 'succeeded', endedTime: now }],
      cacheEntries: key !== undefined && step.cache.enabled ? [{ cacheKey: key, executionId, stepId: row.stepId, instance: row.instance, createdTime: now }] : [],
    });
    ctx.runEnds.add(executionId, ctx.runs.endRun(attempt.runId, 'FINISHED'));
    return;
  }

  const failedAttempt: AttemptRecord = { ...attempt, ...exitCode, status: 'failed', endedTime: now, failureClass: result.failureClass, message: result.message };
  const attempts = row.attempts.map((a) => (a.attempt === attempt.attempt ? failedAttempt : a));
  let next: StepRecord;
  if (result.failureClass === 'cancelled' || record.status === 'cancelling') {
    next = { ...row, status: 'cancelled', endedTime: now, failureClass: 'cancelled', reason: result.message, metrics: result.metrics };
  } else if (result.failureClass === 'gate') {
    const outputs = result.outputs ?? {};
    next = { ...row, status: 'failed', endedTime: now, failureClass: 'gate', reason: result.message, outputs };
  } else {
    next = { ...afterFailure(record, step, { ...row, attempts }, result.failureClass, result.message, now, ctx.options.random), metrics: result.metrics };
  }
  await commitTransition(ctx, { executionId, steps: [next], attempts: [{ ...failedAttempt, ...ids }] });
  ctx.runEnds.add(executionId, ctx.runs.endRun(attempt.runId, result.failureClass === 'cancelled' ? 'KILLED' : 'FAILED'));
}

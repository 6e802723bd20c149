/**
 * Launching a step's (or instance's) next attempt: prepare it, take its result from the
 * cache if it can, else record it `running` and run it in the background; when it ends,
 * its result is recorded under the lock and the loop is woken.
 * @module
 */

import { BUILTIN_STEPS } from '../../core/pipelines/builtin-steps.js';
import { ExpressionError } from '../../core/pipelines/expressions/expression-error.js';
import type { PipelineDefinition, StepDefinition } from '../../core/pipelines/pipeline-model.js';
import type { AttemptRecord, ExecutionRecord, StepRecord } from '../../core/ports/pipeline-store.js';
import { currentBootId } from '../../executors/process-groups.js';
import { AttemptLog, attemptLogPath } from './attempt-log.js';
import { attemptEnvironment } from './attempt-environment.js';
import { DeclaredCodeError } from './declared-code.js';
import { describeError } from './describe-error.js';
import { commitTransition } from './commit-transition.js';
import type { EngineContext } from './engine-context.js';
import { finishAttempt, INTERRUPTED_MESSAGE } from './finish-attempt.js';
import { prepareAttempt, PrepareError, type Prepared } from './prepare-attempt.js';
import { reuseCachedResult } from './reuse-cached-result.js';
import { runBuiltinStep } from './run-builtin-step.js';
import { runStepAttempt, type AttemptControl, type AttemptResult } from './run-step-attempt.js';
import { attemptKey, hasCapacity } from './running-attempts.js';
import { instanceDir } from './step-positions.js';

/** Starts the next attempt of a step (or instance), or takes its result from the cache. Returns whether it changed anything. */
export async function launchAttempt(ctx: EngineContext, record: ExecutionRecord, definition: PipelineDefinition, step: StepDefinition, row: StepRecord): Promise<boolean> {
  if (ctx.stopping || !hasCapacity(ctx, record.executionId, step)) return false;
  const now = ctx.now();
  const attemptNo = (row.attempts.at(-1)?.attempt ?? 0) + 1;
  let prepared: Prepared;
  try {
    prepared = await prepareAttempt(ctx, record, definition, step, row, attemptNo);
  } catch (e) {
    if (e instanceof DeclaredCodeError) {
      await failBeforeRunning(ctx, record, row, attemptNo, e.message);
      return true;
    }
    if (!(e instanceof ExpressionError || e instanceof PrepareError)) throw e;
    await commitTransition(ctx, {
      executionId: record.executionId,
      steps: [{ ...row, status: 'failed', failureClass: 'user', reason: e.message, startedTime: row.startedTime ?? now, endedTime: now }],
    });
    return true;
  }

  if (prepared.cacheKey !== undefined && step.cache.enabled) {
    if (await reuseCachedResult(ctx, record, step, row, attemptNo, prepared.cacheKey)) return true;
  }

  // `run:` steps, and built-ins that log artifacts, get an MLflow run of their own.
  const wantsRun = step.kind === 'run' || BUILTIN_STEPS.get(step.uses)?.runsInMlflowRun === true;
  const stepRun =
    wantsRun && record.experimentId !== undefined
      ? await ctx.runs.createStepRun(record.experimentId, record.runId, {
          executionId: record.executionId,
          stepId: step.id,
          instance: row.instance,
          attempt: attemptNo,
          actor: record.actor,
        })
      : undefined;
  const resources = step.kind === 'run' ? step.resources : undefined;
  const attempt: AttemptRecord = {
    attempt: attemptNo,
    status: 'running',
    startedTime: now,
    ...(stepRun === undefined ? {} : { runId: stepRun.runId }),
    // Recorded for every attempt that is handed to the executor (which may or may not use them).
    ...(resources === undefined ? {} : { resources }),
  };
  await commitTransition(ctx, {
    executionId: record.executionId,
    expectStatus: ['running'],
    steps: [
      {
        ...row,
        status: 'running',
        startedTime: row.startedTime ?? now,
        nextAttemptTime: undefined,
        ...(stepRun === undefined ? {} : { runId: stepRun.runId }),
        ...(prepared.cacheKey === undefined ? {} : { cacheKey: prepared.cacheKey }),
      },
    ],
    attempts: [{ ...attempt, stepId: row.stepId, instance: row.instance }],
  });

  const key = attemptKey(record.executionId, row.stepId, row.instance);
  const log = new AttemptLog(attemptLogPath(ctx.options.dataDir, record.executionId, row.stepId, instanceDir(row), attemptNo), ctx.mask);
  let ended = false;
  const control: AttemptControl = {
    cancelled: false,
    // Queued on the lock before the result is (so written first). A process that has ended
    // meanwhile needs no pid on record: recovery looks only at running attempts, and the
    // result, next on the lock, ends this one — so a short step costs one commit less.
    onStarted: (pid) =>
      ctx.lock.run(async () => {
        if (ended) return;
        await commitTransition(ctx, {
          executionId: record.executionId,
          attempts: [{ ...attempt, pid, bootId: currentBootId(), stepId: row.stepId, instance: row.instance }],
        });
      }),
  };
  const work = async (): Promise<AttemptResult> => {
    if (step.kind === 'run') {
      if (stepRun === undefined) return { ok: false, failureClass: 'infrastructure', message: 'the execution has no MLflow run', metrics: {} };
      return runStepAttempt(
        { executor: ctx.deps.executor, artifacts: ctx.deps.artifacts },
        { ...prepared.run!, env: attemptEnvironment(ctx, record, step, row, attemptNo, prepared, stepRun.runId), artifactRoot: stepRun.artifactUri },
        log,
        control,
      );
    }
    return runBuiltinStep(ctx, record, definition, step, row, prepared, log, { number: attemptNo, run: stepRun });
  };
  const done = (async () => {
    let result: AttemptResult;
    try {
      result = await work();
    } catch (e) {
      result = { ok: false, failureClass: 'infrastructure', message: describeError(e), metrics: {} };
    }
    ended = true;
    if (!result.ok) {
      // Ended by a graceful shutdown: logged as finishAttempt records it (infrastructure, interrupted).
      const interrupted = ctx.stopping && control.cancelled;
      const [failureClass, message] = interrupted ? ['infrastructure', INTERRUPTED_MESSAGE] : [result.failureClass, result.message];
      log.line(`[slipway] attempt ${attemptNo} failed (${failureClass}): ${message}`);
    }
    log.close();
    try {
      await ctx.lock.run(() => finishAttempt(ctx, record.executionId, step, row, attempt, result, prepared.cacheKey, control));
    } catch (e) {
      ctx.warn(`pipeline engine: cannot record the end of ${record.executionId}/${step.id}: ${describeError(e)}`);
    }
    ctx.running.delete(key);
    ctx.nudge();
  })();
  ctx.running.set(key, { executionId: record.executionId, kind: step.kind, control, done });
  return true;
}

/**
 * Records a failed attempt of a step that could not be run because its declared code is
 * not in the snapshot (class `user`). Not retried: the snapshot does not change within an
 * execution, so another attempt would fail the same way.
 */
async function failBeforeRunning(ctx: EngineContext, record: ExecutionRecord, row: StepRecord, attemptNo: number, message: string): Promise<void> {
  const now = ctx.now();
  const log = new AttemptLog(attemptLogPath(ctx.options.dataDir, record.executionId, row.stepId, instanceDir(row), attemptNo), ctx.mask);
  log.line(`[slipway] attempt ${attemptNo} failed (user): ${message}`);
  log.close();
  await commitTransition(ctx, {
    executionId: record.executionId,
    expectStatus: ['running'],
    steps: [{ ...row, status: 'failed', failureClass: 'user', reason: message, startedTime: row.startedTime ?? now, endedTime: now, nextAttemptTime: undefined }],
    attempts: [{ attempt: attemptNo, status: 'failed', startedTime: now, endedTime: now, failureClass: 'user', message, stepId: row.stepId, instance: row.instance }],
  });
}

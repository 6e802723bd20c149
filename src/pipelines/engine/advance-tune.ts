/**
 * The scheduler's pass over a `slipway/tune` step. Its trials are durable dynamic instances
 * of the step, like a matrix's: rows `trial-1`, `trial-2`, … right after the step's row,
 * each holding its parameters (`matrixValues`) and run as the template's `run:` step (see
 * `tune-step.ts`). Each pass reads the search from the definition and the stored rows
 * alone — the seed is recorded on the step's row (output `seed`) when it starts — so a
 * restarted server replays the same search: it suggests and records new trials while
 * `trialsToStart` allows (one transition), launches the due ones, and when no more will
 * start and all have finished, ends the step with the best trial's values.
 * @module
 */

import { randomInt } from 'node:crypto';
import type { PipelineDefinition, UsesStepDefinition } from '../../core/pipelines/pipeline-model.js';
import type { ExecutionRecord, StepRecord } from '../../core/ports/pipeline-store.js';
import { bestTrialIndex } from '../../core/tuning/best-trial.js';
import { createSampler } from '../../core/tuning/create-sampler.js';
import { shouldStop, trialsSinceImprovement, trialsToStart } from '../../core/tuning/early-stop.js';
import { MAX_SEED } from '../../core/tuning/read-tune-spec.js';
import type { Params, TuneSpec } from '../../core/tuning/tune-spec.js';
import { commitTransition } from './commit-transition.js';
import type { EngineContext } from './engine-context.js';
import { launchAttempt } from './launch-attempt.js';
import { hasCapacity } from './running-attempts.js';
import { instanceRows, isTerminal } from './step-rows.js';
import { searchSpec } from './tune-search-spec.js';
import { trialInstance, trialNumber, trialStepDefinition } from './tune-step.js';
import { createTuneRun, finishTuneRun, labelTrialRun } from './tune-runs.js';
import { readTrialRows, type TrialRows } from './tune-trials.js';

/**
 * Starts a tune step whose needs are done and whose condition holds: reads the search,
 * picks the seed when none is given, creates the step's run and marks the row `running`
 * (`expanded`, so cancelling waits for its trials as for a matrix). Trials start next pass.
 */
export async function startTuneStep(ctx: EngineContext, record: ExecutionRecord, definition: PipelineDefinition, step: UsesStepDefinition, row: StepRecord): Promise<boolean> {
  const now = ctx.now();
  const read = searchSpec(record, definition, step);
  if ('problem' in read) {
    await commitTransition(ctx, { executionId: record.executionId, steps: [{ ...row, status: 'failed', failureClass: 'user', reason: read.problem, startedTime: now, endedTime: now }] });
    return true;
  }
  const seed = read.spec.seed ?? randomInt(0, MAX_SEED + 1);
  const runId = await createTuneRun(ctx, record, step.id, read.spec, seed);
  await commitTransition(ctx, {
    executionId: record.executionId,
    expectStatus: ['running'],
    steps: [{ ...row, status: 'running', expanded: true, startedTime: now, outputs: { seed: String(seed) }, ...(runId === undefined ? {} : { runId }) }],
  });
  return true;
}

/** A started tune step: records new trials, launches due ones, or ends the step. Returns whether it changed anything. */
export async function advanceTune(ctx: EngineContext, record: ExecutionRecord, definition: PipelineDefinition, step: UsesStepDefinition, parent: StepRecord): Promise<boolean> {
  const read = searchSpec(record, definition, step);
  if ('problem' in read) {
    // Only reachable with a definition changed under a running step; end it rather than loop.
    if (instanceRows(record, step.id).some((r) => !isTerminal(r.status))) return false;
    await commitTransition(ctx, { executionId: record.executionId, steps: [{ ...parent, status: 'failed', failureClass: 'user', reason: read.problem, endedTime: ctx.now() }] });
    return true;
  }
  const spec = read.spec;
  const seed = Number(parent.outputs.seed ?? spec.seed ?? 0);
  const trials = await readTrialRows(ctx, record, step.id, spec);
  let changed = false;
  if (trials.updated.length > 0) {
    await commitTransition(ctx, { executionId: record.executionId, steps: trials.updated });
    changed = true;
  }

  const suggested = suggestTrials(spec, seed, trials);
  if (suggested.params.length > 0) {
    const first = instanceRows(record, step.id).length + 1;
    const rows = suggested.params.map((params, k): StepRecord => ({
      stepId: step.id,
      instance: trialInstance(first + k),
      position: parent.position + first + k,
      status: 'pending',
      outputs: {},
      artifacts: {},
      metrics: {},
      artifactDigests: {},
      matrixValues: params,
      attempts: [],
    }));
    await commitTransition(ctx, { executionId: record.executionId, steps: rows });
    changed = true;
  } else if (trials.unfinished.length === 0) {
    await finishTune(ctx, record, spec, parent, trials, suggested.exhausted);
    return true;
  }

  if (changed) record = await ctx.active.get(record.executionId);
  for (const instance of instanceRows(record, step.id)) {
    const due = instance.status === 'pending' || (instance.status === 'waiting' && (instance.nextAttemptTime ?? 0) <= ctx.now());
    if (!due) continue;
    const trialStep = trialStepDefinition(step, instance);
    if (!(await launchAttempt(ctx, record, definition, trialStep, instance))) {
      if (!hasCapacity(ctx, record.executionId, trialStep)) break;
      continue;
    }
    changed = true;
    const launched = (await ctx.active.get(record.executionId)).steps.find((s) => s.stepId === step.id && s.instance === instance.instance);
    if (launched?.status === 'running' && launched.runId !== undefined && launched.runId !== instance.runId) {
      await labelTrialRun(ctx, parent.runId, launched.runId, step.id, trialNumber(instance), (instance.matrixValues ?? {}) as Params);
    }
  }
  return changed;
}

/** The trials to start now: as many as `trialsToStart` allows and the sampler has (`exhausted` when it ran out). */
function suggestTrials(spec: TuneSpec, seed: number, trials: TrialRows): { params: Params[]; exhausted: boolean } {
  const count = trialsToStart(trials.history, trials.pending, spec);
  const sampler = createSampler(spec, seed);
  const pending = [...trials.pending];
  const params: Params[] = [];
  for (let k = 0; k < count; k++) {
    const next = sampler.suggest(trials.history, pending);
    if (next === undefined) return { params, exhausted: true };
    params.push(next);
    pending.push(next);
  }
  return { params, exhausted: false };
}

/** Ends the step: the best trial's outputs, artifacts and metrics and the fixed outputs, or failed when no trial counts. */
async function finishTune(ctx: EngineContext, record: ExecutionRecord, spec: TuneSpec, parent: StepRecord, trials: TrialRows, exhausted: boolean): Promise<void> {
  const now = ctx.now();
  const { history, finished } = trials;
  const index = bestTrialIndex(history, spec.objective.direction);
  const best = index === undefined ? undefined : history[index];
  const bestRow = index === undefined ? undefined : finished[index];
  await finishTuneRun(ctx, parent.runId, spec, history, best);
  const ran = `${history.length} trial${history.length === 1 ? '' : 's'}`;
  if (best === undefined || bestRow === undefined) {
    const succeeded = history.filter((t) => t.status === 'succeeded').length;
    const firstFailed = finished.find((r) => r.status !== 'succeeded');
    const reason =
      succeeded === 0
        ? `no trial succeeded (${ran} ran${firstFailed === undefined ? '' : `; '${firstFailed.instance ?? ''}' ${firstFailed.status}: ${firstFailed.reason ?? ''}`})`
        : `no trial reported the objective metric '${spec.objective.metric}' (${succeeded} of ${ran} succeeded; read by a 'metrics' regex or logged to the trial's MLflow run)`;
    await commitTransition(ctx, { executionId: record.executionId, steps: [{ ...parent, status: 'failed', failureClass: 'user', reason, endedTime: now }] });
    return;
  }
  const objective = best.objective ?? Number.NaN;
  const outputs: Record<string, string> = {
    ...bestRow.outputs,
    'best-trial': String(best.number ?? index! + 1),
    'best-objective': String(objective),
    'best-run-id': bestRow.runId ?? '',
    'best-params': JSON.stringify(best.params),
    trials: String(history.length),
    'search-run-id': parent.runId ?? '',
    seed: parent.outputs.seed ?? String(spec.seed ?? ''),
  };
  const stopped = shouldStop(history, spec);
  const reason = stopped
    ? `early stop: the best '${spec.objective.metric}' did not improve by more than ${spec.earlyStop?.minDelta ?? 0} in ${trialsSinceImprovement(history, spec)} trials; ran ${ran} of ${spec.maxTrials}`
    : exhausted && history.length < spec.maxTrials
      ? `the search space was exhausted after ${ran}`
      : undefined;
  await commitTransition(ctx, {
    executionId: record.executionId,
    steps: [
      {
        ...parent,
        status: 'succeeded',
        endedTime: now,
        outputs,
        // The step stands for its best trial (as `slipway/evaluate` and `slipway/register-model` read it); its own run is `search-run-id`.
        ...(bestRow.runId === undefined ? {} : { runId: bestRow.runId }),
        // Done with its instances: downstream, it reads as one step (not a matrix of values).
        expanded: undefined,
        artifacts: bestRow.artifacts,
        artifactDigests: bestRow.artifactDigests,
        metrics: { ...bestRow.metrics, [spec.objective.metric]: objective },
        reason,
        failureClass: undefined,
      },
    ],
  });
}

/**
 * The MLflow side of a tune step: the step's own run (a child of the execution's run,
 * with the search's settings as params), each trial's run made its child and given the
 * trial's parameters as params (tags `slipway.tune.step`, `slipway.tune.trial`), and, at
 * the end, the best trial's parameters and objective and the summary table
 * (`tuning/trials.csv`, `tuning/trials.md`) logged on the step's run.
 * @module
 */

import { artifactStorePath, joinArtifactPath } from '../../core/artifact-paths/artifact-uri.js';
import type { ExecutionRecord } from '../../core/ports/pipeline-store.js';
import { trialSummaryCsv, trialSummaryMarkdown } from '../../core/tuning/trial-summary.js';
import type { Params, Trial, TuneSpec } from '../../core/tuning/tune-spec.js';
import { describeError } from './describe-error.js';
import type { EngineContext } from './engine-context.js';
import { PARENT_RUN_TAG } from './tracking-runs.js';

/** The summary artifacts, relative to the tune step's run. */
export const TRIALS_CSV = 'tuning/trials.csv';
export const TRIALS_MARKDOWN = 'tuning/trials.md';

const param = (key: string, value: unknown) => ({ key, value: (typeof value === 'string' ? value : JSON.stringify(value)).slice(0, 6000) });

/** Creates the tune step's run; undefined when the execution has no MLflow run (its trials fail the same way). */
export async function createTuneRun(ctx: EngineContext, record: ExecutionRecord, stepId: string, spec: TuneSpec, seed: number): Promise<string | undefined> {
  if (record.experimentId === undefined) return undefined;
  const run = await ctx.runs.createStepRun(record.experimentId, record.runId, { executionId: record.executionId, stepId, attempt: 1, actor: record.actor });
  const params = [
    param('tune.strategy', spec.strategy),
    param('tune.max_trials', spec.maxTrials),
    param('tune.max_parallel', spec.maxParallel),
    param('tune.objective', `${spec.objective.direction} ${spec.objective.metric}`),
    param('tune.seed', seed),
    param('tune.parameters', spec.parameters),
  ];
  await ctx.deps.tracking.logBatch(run.runId, [], params, [{ key: 'slipway.tune.step', value: stepId }]);
  return run.runId;
}

/** Makes a trial's run a child of the tune step's run and logs the trial's parameters (a failure is a warning, not the trial's). */
export async function labelTrialRun(ctx: EngineContext, tuneRunId: string | undefined, trialRunId: string, stepId: string, number: number, params: Params): Promise<void> {
  const tags = [
    { key: 'slipway.tune.step', value: stepId },
    { key: 'slipway.tune.trial', value: String(number) },
    ...(tuneRunId === undefined ? [] : [{ key: PARENT_RUN_TAG, value: tuneRunId }]),
  ];
  try {
    await ctx.deps.tracking.logBatch(trialRunId, [], Object.entries(params).map(([k, v]) => param(k, v)), tags);
  } catch (e) {
    ctx.warn(`pipeline engine: cannot log the parameters of trial ${number} of '${stepId}' to run ${trialRunId}: ${describeError(e)}`);
  }
}

/**
 * Logs the summary table (and, with a best trial, its parameters and objective) on the tune
 * step's run and ends it. Written before the step's row is, so a restart in between writes
 * the same files again.
 */
export async function finishTuneRun(ctx: EngineContext, tuneRunId: string | undefined, spec: TuneSpec, history: readonly Trial[], best: Trial | undefined): Promise<void> {
  if (tuneRunId === undefined) return;
  try {
    const run = await ctx.deps.tracking.getRun(tuneRunId);
    const root = artifactStorePath(run.info.artifactUri);
    // In trial order for people; `history` is in the order the trials finished.
    const table = [...history].sort((a, b) => (a.number ?? 0) - (b.number ?? 0));
    await ctx.deps.artifacts.put(joinArtifactPath(root, TRIALS_CSV), Buffer.from(trialSummaryCsv(table, spec.parameters, spec.objective)));
    await ctx.deps.artifacts.put(joinArtifactPath(root, TRIALS_MARKDOWN), Buffer.from(trialSummaryMarkdown(table, spec.parameters, spec.objective)));
    if (best !== undefined) {
      const have = new Set(run.data.params.map((p) => p.key));
      const params = Object.entries(best.params).filter(([k]) => !have.has(k)).map(([k, v]) => param(k, v));
      const metrics = best.objective === undefined ? [] : [{ key: spec.objective.metric, value: best.objective, timestamp: ctx.now(), step: 0 }];
      await ctx.deps.tracking.logBatch(tuneRunId, metrics, params, [{ key: 'slipway.tune.best_trial', value: String(best.number ?? '') }]);
    }
  } catch (e) {
    ctx.warn(`pipeline engine: cannot log the trial summary of run ${tuneRunId}: ${describeError(e)}`);
  }
  await ctx.runs.endRun(tuneRunId, best === undefined ? 'FAILED' : 'FINISHED').catch(() => undefined);
}

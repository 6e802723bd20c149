/**
 * A tune step's trials from its instance rows: the finished ones as the sampler's history
 * (in the order they finished, so a replay after a restart sees the same history), the
 * others as pending parameter sets (in the order they started), and each finished trial's
 * objective — a metric the template's regexes read, or else the latest value the trial
 * logged to its MLflow run (written back to the row once found, so it is read once).
 * @module
 */

import type { ExecutionRecord, StepRecord } from '../../core/ports/pipeline-store.js';
import type { Params, Trial, TuneSpec } from '../../core/tuning/tune-spec.js';
import { describeError } from './describe-error.js';
import type { EngineContext } from './engine-context.js';
import { trialNumber } from './tune-step.js';
import { instanceRows, isTerminal } from './step-rows.js';

export interface TrialRows {
  /** The finished trials, in the order they finished (`history[i]` is `finished[i]`). */
  readonly history: readonly Trial[];
  readonly finished: readonly StepRecord[];
  /** The trials not finished yet (pending, waiting for a retry, running), in order. */
  readonly unfinished: readonly StepRecord[];
  readonly pending: readonly Params[];
  /** Finished rows whose objective was just read from their MLflow run (to write back). */
  readonly updated: readonly StepRecord[];
}

export async function readTrialRows(ctx: EngineContext, record: ExecutionRecord, stepId: string, spec: TuneSpec): Promise<TrialRows> {
  const instances = instanceRows(record, stepId);
  const finished = instances.filter((r) => isTerminal(r.status)).sort((a, b) => (a.endedTime ?? 0) - (b.endedTime ?? 0) || a.position - b.position);
  const unfinished = instances.filter((r) => !isTerminal(r.status));
  const metric = spec.objective.metric;
  const updated: StepRecord[] = [];
  const rows: StepRecord[] = [];
  for (const row of finished) {
    if (row.status === 'succeeded' && row.metrics[metric] === undefined && row.runId !== undefined) {
      const value = await loggedMetric(ctx, row.runId, metric);
      if (value !== undefined) {
        const next = { ...row, metrics: { ...row.metrics, [metric]: value } };
        updated.push(next);
        rows.push(next);
        continue;
      }
    }
    rows.push(row);
  }
  const history = rows.map((row): Trial => {
    const objective = row.metrics[metric];
    return {
      params: (row.matrixValues ?? {}) as Params,
      status: row.status === 'succeeded' ? 'succeeded' : 'failed',
      number: trialNumber(row),
      ...(objective === undefined ? {} : { objective }),
      ...(row.runId === undefined ? {} : { runId: row.runId }),
    };
  });
  return { history, finished: rows, unfinished, pending: unfinished.map((r) => (r.matrixValues ?? {}) as Params), updated };
}

/** The latest value of `metric` in the run; undefined when it was never logged or the run cannot be read. */
async function loggedMetric(ctx: EngineContext, runId: string, metric: string): Promise<number | undefined> {
  try {
    const run = await ctx.deps.tracking.getRun(runId);
    return run.data.metrics.find((m) => m.key === metric)?.value;
  } catch (e) {
    ctx.warn(`pipeline engine: cannot read the metrics of run ${runId}: ${describeError(e)}`);
    return undefined;
  }
}

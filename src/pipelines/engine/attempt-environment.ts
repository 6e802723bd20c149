import type { StepDefinition } from '../../core/pipelines/pipeline-model.js';
import type { ExecutionRecord, StepRecord } from '../../core/ports/pipeline-store.js';
import type { EngineContext } from './engine-context.js';
import type { Prepared } from './prepare-attempt.js';
import { baseEnvironment } from './step-environment.js';

/**
 * The environment of a `run:` step's attempt: the server's passed-through variables and
 * secrets, the user's `env:`, the inputs, then the step contract's variables.
 */
export function attemptEnvironment(
  ctx: EngineContext,
  record: ExecutionRecord,
  step: StepDefinition,
  row: StepRecord,
  attemptNo: number,
  prepared: Prepared,
  runId: string,
): Record<string, string> {
  const run = prepared.run;
  return {
    ...baseEnvironment(ctx.options.serverEnv ?? process.env, ctx.options.secrets ?? {}),
    ...prepared.userEnv,
    ...prepared.inputEnv,
    SLIPWAY_EXECUTION_ID: record.executionId,
    SLIPWAY_PIPELINE: record.pipelineName,
    SLIPWAY_STEP_ID: step.id,
    ...(row.instance === undefined ? {} : { SLIPWAY_STEP_INSTANCE: row.instance, SLIPWAY_MATRIX: JSON.stringify(row.matrixValues ?? {}) }),
    SLIPWAY_ATTEMPT: String(attemptNo),
    SLIPWAY_OUTPUT: run?.outputFile ?? '',
    SLIPWAY_OUTPUTS_DIR: run?.outputsDir ?? '',
    SLIPWAY_WORKSPACE: run?.attemptDir ?? '',
    SLIPWAY_CODE_DIR: run?.snapshotDir ?? '',
    MLFLOW_TRACKING_URI: ctx.trackingUri,
    MLFLOW_EXPERIMENT_ID: record.experimentId ?? '',
    MLFLOW_RUN_ID: runId,
  };
}

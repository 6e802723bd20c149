/**
 * Creating an execution: the code snapshot, the MLflow parent run and one row per step
 * (or the rows reused from an earlier execution), stored `queued` for the loop to start.
 * @module
 */

import type { Execution, PipelineVersion } from '../../core/pipelines/execution-model.js';
import { stepOrder } from '../../core/pipelines/pipeline-graph.js';
import type { ExecutionRecord, StepRecord } from '../../core/ports/pipeline-store.js';
import { snapshotCode } from './code-snapshot.js';
import type { EngineContext } from './engine-context.js';
import { newExecutionId } from './ids.js';
import { POSITION_STRIDE } from './step-positions.js';

export interface NewExecutionSpec {
  readonly version: PipelineVersion;
  readonly params: Record<string, string | number | boolean>;
  readonly codeDir: string | undefined;
  readonly trigger: Execution['trigger'];
  readonly actor: string;
  readonly retryOf?: string;
  /** The rows a step takes from an earlier execution instead of running; undefined: it runs. */
  readonly reuse: (stepId: string) => StepRecord[] | undefined;
}

export async function createExecution(ctx: EngineContext, spec: NewExecutionSpec): Promise<ExecutionRecord> {
  const now = ctx.now();
  const snapshot = await snapshotCode(spec.codeDir, ctx.options.dataDir, ctx.options.snapshotLimitBytes);
  const executionId = newExecutionId(now);
  const definition = spec.version.definition;
  const experimentId = await ctx.runs.experimentFor(definition.name);
  const runId = await ctx.runs.createParentRun(experimentId, {
    executionId,
    pipelineName: definition.name,
    pipelineVersion: spec.version.version,
    actor: spec.actor,
    params: spec.params,
  });
  const steps: StepRecord[] = [];
  stepOrder(definition).forEach((stepId, i) => {
    const reused = spec.reuse(stepId);
    if (reused !== undefined) {
      for (const row of reused) steps.push({ ...row, position: i * POSITION_STRIDE + (row.position % POSITION_STRIDE) });
      return;
    }
    steps.push({
      stepId,
      position: i * POSITION_STRIDE,
      status: 'pending',
      outputs: {},
      artifacts: {},
      metrics: {},
      artifactDigests: {},
      attempts: [],
    });
  });
  const record: ExecutionRecord = {
    executionId,
    pipelineName: definition.name,
    pipelineVersion: spec.version.version,
    pipelineHash: spec.version.hash,
    params: spec.params,
    trigger: spec.trigger,
    status: 'queued',
    actor: spec.actor,
    createdTime: now,
    ...(spec.retryOf === undefined ? {} : { retryOf: spec.retryOf }),
    experimentId,
    runId,
    ...(spec.codeDir === undefined ? {} : { codeDir: spec.codeDir }),
    codeDigest: snapshot.digest,
    steps,
  };
  await ctx.deps.store.createExecution(record);
  return record;
}

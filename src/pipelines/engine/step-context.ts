/**
 * The expression context of one step (or matrix instance): params, the upstream steps'
 * results, outputs, artifacts (as local paths) and metrics, the matrix values, and the
 * status view of its `needs` for `if:`.
 * @module
 */

import { BUILTIN_STEPS } from '../../core/pipelines/builtin-steps.js';
import { statusOf, type ExpressionContext, type StepResult, type StepState } from '../../core/pipelines/expressions/evaluate-expression.js';
import { upstreamOf } from '../../core/pipelines/pipeline-graph.js';
import type { JsonValue, PipelineDefinition, StepDefinition } from '../../core/pipelines/pipeline-model.js';
import type { ExecutionRecord, StepRecord } from '../../core/ports/pipeline-store.js';
import { instanceRows, resultOf, stepRow } from './step-rows.js';
import { trialScope } from './tune-step.js';

/** The local path of an upstream artifact (`index`: the matrix instance). */
export type ArtifactPathOf = (stepId: string, name: string, index: number | undefined) => string;

export function stepById(definition: PipelineDefinition, stepId: string): StepDefinition {
  const step = definition.steps.find((s) => s.id === stepId);
  if (step === undefined) throw new Error(`no step '${stepId}'`);
  return step;
}

/** The results of a step's direct needs, for the status functions. */
export function needsResults(execution: ExecutionRecord, step: StepDefinition): StepResult[] {
  return step.needs.map((need) => {
    const row = stepRow(execution, need);
    return (row === undefined ? undefined : resultOf(row.status)) ?? 'skipped';
  });
}

export function buildContext(
  execution: ExecutionRecord,
  definition: PipelineDefinition,
  step: StepDefinition,
  options: { matrix?: Readonly<Record<string, JsonValue>> | undefined; artifactPath: ArtifactPathOf; cancelled?: boolean },
): ExpressionContext {
  const steps: Record<string, StepState> = {};
  for (const id of upstreamOf(definition, step.id)) {
    const row = stepRow(execution, id);
    const result = row === undefined ? undefined : resultOf(row.status);
    if (row === undefined || result === undefined) continue;
    const upstream = definition.steps.find((s) => s.id === id);
    if (upstream === undefined) continue;
    steps[id] = stateOf(execution, upstream, row, result, options.artifactPath);
  }
  return {
    params: execution.params,
    pipeline: { name: execution.pipelineName },
    execution: { id: execution.executionId },
    steps,
    ...(options.matrix === undefined ? {} : { matrix: options.matrix }),
    ...trialScope(step),
    status: statusOf(needsResults(execution, step), options.cancelled ?? false),
  };
}

function stateOf(execution: ExecutionRecord, step: StepDefinition, row: StepRecord, result: StepResult, artifactPath: ArtifactPathOf): StepState {
  if (step.matrix === undefined) {
    return {
      result,
      outputs: typedOutputs(step, row.outputs),
      artifacts: Object.fromEntries(Object.keys(row.artifacts).map((name) => [name, artifactPath(step.id, name, undefined)])),
      metrics: row.metrics,
    };
  }
  const instances = instanceRows(execution, step.id);
  const outputs: Record<string, JsonValue[]> = {};
  const artifacts: Record<string, JsonValue[]> = {};
  const metrics: Record<string, JsonValue[]> = {};
  const keys = (pick: (r: StepRecord) => Readonly<Record<string, unknown>>): string[] => [...new Set(instances.flatMap((r) => Object.keys(pick(r))))];
  for (const key of keys((r) => r.outputs)) outputs[key] = instances.map((r) => typedOutputs(step, r.outputs)[key] ?? null);
  for (const key of keys((r) => r.artifacts)) {
    artifacts[key] = instances.map((r, i) => (Object.hasOwn(r.artifacts, key) ? artifactPath(step.id, key, i) : null));
  }
  for (const key of keys((r) => r.metrics)) metrics[key] = instances.map((r) => r.metrics[key] ?? null);
  return { result, outputs, artifacts, metrics };
}

/** A built-in step's outputs keep their declared types (`passed` is a boolean, `status` a number). */
function typedOutputs(step: StepDefinition, outputs: Readonly<Record<string, string>>): Record<string, JsonValue> {
  if (step.kind !== 'uses') return { ...outputs };
  const spec = BUILTIN_STEPS.get(step.uses);
  const typed: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(outputs)) {
    const kind = spec?.outputs[key]?.type;
    if (kind === 'boolean') typed[key] = value === 'true';
    else if (kind === 'number' && value !== '' && Number.isFinite(Number(value))) typed[key] = Number(value);
    else typed[key] = value;
  }
  return typed;
}

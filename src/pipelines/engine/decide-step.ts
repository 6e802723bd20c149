import { ExpressionError } from '../../core/pipelines/expressions/expression-error.js';
import { evaluateCondition } from '../../core/pipelines/expressions/evaluate-expression.js';
import type { PipelineDefinition, StepDefinition } from '../../core/pipelines/pipeline-model.js';
import type { ExecutionRecord } from '../../core/ports/pipeline-store.js';
import { placeholderPath } from './placeholder-path.js';
import { buildContext } from './step-context.js';
import { isGateStop, stepRow } from './step-rows.js';

/** Why a step whose needs are done does not run. */
export interface StepFailure {
  readonly status: 'failed' | 'skipped' | 'gated';
  readonly reason: string;
  readonly failureClass?: 'user' | undefined;
}

/**
 * Whether a step whose needs are done runs (its `if:`): undefined if it does, otherwise why
 * not — gated, skipped after a failed, cancelled or skipped need, or a false condition.
 */
export function decideStep(record: ExecutionRecord, definition: PipelineDefinition, step: StepDefinition): StepFailure | undefined {
  const index = definition.steps.indexOf(step);
  const context = buildContext(record, definition, step, { artifactPath: placeholderPath });
  let runs: boolean;
  try {
    runs = evaluateCondition(step.if, context, `steps[${index}].if`);
  } catch (e) {
    if (e instanceof ExpressionError) return { status: 'failed', reason: e.message, failureClass: 'user' };
    throw e;
  }
  if (runs) return undefined;
  const needs = step.needs.map((need) => ({ need, row: stepRow(record, need) }));
  const gate = needs.find((n) => n.row !== undefined && isGateStop(n.row));
  if (gate?.row !== undefined) {
    const reason = gate.row.status === 'gated' ? (gate.row.reason ?? `stopped at a gate before '${gate.need}'`) : `stopped at gate '${gate.need}': ${gate.row.reason ?? 'rejected'}`;
    return { status: 'gated', reason };
  }
  const failed = needs.find((n) => n.row?.status === 'failed' || n.row?.status === 'cancelled');
  if (failed !== undefined) return { status: 'skipped', reason: `needs '${failed.need}', which ${failed.row?.status === 'failed' ? 'failed' : 'was cancelled'}` };
  const skipped = needs.find((n) => n.row?.status === 'skipped');
  if (step.if === undefined && skipped !== undefined) return { status: 'skipped', reason: `needs '${skipped.need}', which was skipped` };
  return { status: 'skipped', reason: `its condition is false: ${step.if ?? 'success()'}` };
}

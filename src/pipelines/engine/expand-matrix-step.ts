import { expandMatrix } from '../../core/pipelines/expand-matrix.js';
import { ExpressionError } from '../../core/pipelines/expressions/expression-error.js';
import { evaluateTemplate } from '../../core/pipelines/expressions/evaluate-expression.js';
import type { JsonValue, PipelineDefinition, StepDefinition } from '../../core/pipelines/pipeline-model.js';
import type { ExecutionRecord, StepRecord } from '../../core/ports/pipeline-store.js';
import { commitTransition } from './commit-transition.js';
import type { EngineContext } from './engine-context.js';
import { placeholderPath } from './placeholder-path.js';
import { buildContext } from './step-context.js';
import { POSITION_STRIDE } from './step-positions.js';
import { instanceKey } from './step-rows.js';

/**
 * Expands a matrix step: evaluates its axes, writes one pending instance row per
 * combination and marks the step's own row `running` (or `succeeded` with no
 * combinations, `failed` for a bad axis or too many). Returns whether it wrote anything.
 */
export async function expandMatrixStep(ctx: EngineContext, record: ExecutionRecord, definition: PipelineDefinition, step: StepDefinition, row: StepRecord): Promise<boolean> {
  const matrix = step.matrix;
  if (matrix === undefined) return false;
  const index = definition.steps.indexOf(step);
  const now = ctx.now();
  const context = buildContext(record, definition, step, { artifactPath: placeholderPath });
  const axes: Record<string, readonly JsonValue[]> = {};
  try {
    for (const [axis, values] of Object.entries(matrix.axes)) {
      if (typeof values !== 'string') {
        axes[axis] = values;
        continue;
      }
      const where = `steps[${index}].matrix.${axis}`;
      const value = evaluateTemplate(values, context, where);
      if (!Array.isArray(value)) {
        throw new ExpressionError(`${where}: the matrix axis must be a list, not ${JSON.stringify(value).slice(0, 80)}`, 0);
      }
      axes[axis] = value as readonly JsonValue[];
    }
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    await commitTransition(ctx, { executionId: record.executionId, steps: [{ ...row, status: 'failed', failureClass: 'user', reason: e.message, endedTime: now }] });
    return true;
  }
  const combinations = expandMatrix(matrix, axes);
  if (combinations.length >= POSITION_STRIDE) {
    await commitTransition(ctx, {
      executionId: record.executionId,
      steps: [{ ...row, status: 'failed', failureClass: 'user', reason: `the matrix of step '${step.id}' has ${combinations.length} combinations (at most ${POSITION_STRIDE - 1})`, endedTime: now }],
    });
    return true;
  }
  const seen = new Map<string, number>();
  const instances = combinations.map((values, k): StepRecord => {
    let key = instanceKey(values) || `#${k + 1}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n > 1) key = `${key}#${n}`;
    return {
      stepId: step.id,
      instance: key,
      position: row.position + k + 1,
      status: 'pending',
      outputs: {},
      artifacts: {},
      metrics: {},
      artifactDigests: {},
      matrixValues: values,
      attempts: [],
    };
  });
  const parent: StepRecord =
    instances.length === 0
      ? { ...row, status: 'succeeded', expanded: true, startedTime: now, endedTime: now, reason: 'the matrix has no combinations' }
      : { ...row, status: 'running', expanded: true, startedTime: now };
  await commitTransition(ctx, { executionId: record.executionId, steps: [parent, ...instances] });
  return true;
}

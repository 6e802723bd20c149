import type { ExecutionStatus } from '../../core/pipelines/execution-model.js';
import type { PipelineDefinition } from '../../core/pipelines/pipeline-model.js';
import type { ExecutionRecord, StepRecord } from '../../core/ports/pipeline-store.js';
import { commitTransition } from './commit-transition.js';
import type { EngineContext } from './engine-context.js';
import { stepRow } from './step-rows.js';

/**
 * Ends an execution whose steps are all done: `cancelled` if it was being cancelled,
 * `failed` if a step failed (a rejecting gate is not a failure), else `succeeded`; and
 * ends its MLflow parent run accordingly.
 */
export async function finishExecution(ctx: EngineContext, record: ExecutionRecord, definition: PipelineDefinition): Promise<void> {
  // Its steps' runs first: whoever sees the execution ended sees them ended.
  await ctx.runEnds.settled(record.executionId);
  const parents = definition.steps.map((s) => stepRow(record, s.id)).filter((r): r is StepRecord => r !== undefined);
  const failed = parents.find((r) => r.status === 'failed' && r.failureClass !== 'gate');
  const gate = parents.find((r) => r.status === 'failed' && r.failureClass === 'gate');
  let status: ExecutionStatus;
  let reason: string | undefined;
  if (record.status === 'cancelling') {
    status = 'cancelled';
    reason = record.reason ?? 'cancelled';
  } else if (failed !== undefined) {
    status = 'failed';
    reason = `step '${failed.stepId}' failed: ${failed.reason ?? failed.failureClass ?? 'failed'}`;
  } else {
    status = 'succeeded';
    reason = gate === undefined ? undefined : `stopped at gate '${gate.stepId}': ${gate.reason ?? 'rejected'}`;
  }
  await commitTransition(ctx, {
    executionId: record.executionId,
    expectStatus: ['running', 'cancelling'],
    execution: { status, endedTime: ctx.now(), ...(reason === undefined ? {} : { reason }) },
  });
  await ctx.runs.endRun(record.runId, status === 'succeeded' ? 'FINISHED' : status === 'cancelled' ? 'KILLED' : 'FAILED').catch(() => undefined);
}

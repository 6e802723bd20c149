import type { StepDefinition } from '../../core/pipelines/pipeline-model.js';
import type { ExecutionRecord, StepRecord } from '../../core/ports/pipeline-store.js';
import { AttemptLog, attemptLogPath } from './attempt-log.js';
import { commitTransition } from './commit-transition.js';
import type { EngineContext } from './engine-context.js';
import { instanceDir } from './step-positions.js';

/**
 * Completes an attempt from the cache when an unexpired entry for the key points at a
 * succeeded step: its outputs, artifacts and metrics are reused. Returns whether it did.
 */
export async function reuseCachedResult(ctx: EngineContext, record: ExecutionRecord, step: StepDefinition, row: StepRecord, attemptNo: number, key: string): Promise<boolean> {
  const entry = await ctx.deps.store.getCacheEntry(key);
  if (entry === undefined) return false;
  const now = ctx.now();
  const expire = step.cache.expireAfterSeconds;
  if (expire !== undefined && entry.createdTime + expire * 1000 < now) return false;
  const source = await ctx.deps.store.getExecution(entry.executionId).catch(() => undefined);
  const sourceRow = source?.steps.find((s) => s.stepId === entry.stepId && s.instance === entry.instance);
  if (sourceRow?.status !== 'succeeded') return false;
  const from = sourceRow.cachedFrom ?? entry.executionId;
  const message = `cache hit: reused the outputs, artifacts and metrics of execution ${from} (step '${entry.stepId}'${entry.instance === undefined ? '' : ` instance '${entry.instance}'`})`;
  const log = new AttemptLog(attemptLogPath(ctx.options.dataDir, record.executionId, row.stepId, instanceDir(row), attemptNo), ctx.mask);
  log.line(`[slipway] ${message}`);
  log.close();
  await commitTransition(ctx, {
    executionId: record.executionId,
    expectStatus: ['running'],
    steps: [
      {
        ...row,
        status: 'succeeded',
        startedTime: row.startedTime ?? now,
        endedTime: now,
        outputs: sourceRow.outputs,
        artifacts: sourceRow.artifacts,
        metrics: sourceRow.metrics,
        artifactDigests: sourceRow.artifactDigests,
        ...(sourceRow.runId === undefined ? {} : { runId: sourceRow.runId }),
        cachedFrom: from,
        cacheKey: key,
        reason: message,
      },
    ],
    attempts: [{ attempt: attemptNo, status: 'succeeded', startedTime: now, endedTime: now, message, stepId: row.stepId, instance: row.instance, ...(sourceRow.runId === undefined ? {} : { runId: sourceRow.runId }) }],
  });
  return true;
}

/**
 * Retrying an ended execution as a new one: of the same version (or the latest), reusing
 * each succeeded step whose definition is unchanged and whose needs were all reused.
 * @module
 */

import { ErrorCode } from '../../core/errors/error-code.js';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import { resolveParams } from '../../core/pipelines/param-overrides.js';
import { stepOrder } from '../../core/pipelines/pipeline-graph.js';
import type { ExecutionRecord } from '../../core/ports/pipeline-store.js';
import { ACTIVE_STATUSES } from './active-statuses.js';
import { canonicalStep } from './cache-key.js';
import { createExecution } from './create-execution.js';
import type { EngineContext } from './engine-context.js';
import { stepById } from './step-context.js';
import { stepRow } from './step-rows.js';

/** Creates the retry of an execution (queued; the caller wakes the loop). */
export async function retryExecution(ctx: EngineContext, executionId: string, options: { readonly latest?: boolean | undefined }, actor: string): Promise<ExecutionRecord> {
  const original = await ctx.deps.store.getExecution(executionId);
  if (ACTIVE_STATUSES.includes(original.status)) {
    throw new SlipwayError(
      ErrorCode.RESOURCE_CONFLICT,
      `Pipeline execution '${executionId}' is ${original.status}; wait for it to end (or cancel it) before retrying it.`,
    );
  }
  const originalDefinition = await ctx.definitions.of(original);
  const version =
    options.latest === true
      ? await ctx.deps.store.getPipelineVersion(original.pipelineName)
      : await ctx.deps.store.getPipelineVersion(original.pipelineName, original.pipelineVersion);
  const declared = Object.fromEntries(Object.entries(original.params).filter(([name]) => Object.hasOwn(version.definition.params, name)));
  const params = resolveParams(version.definition, declared);
  const codeDir = original.codeDir ?? (await ctx.deps.store.getPipelineCodeDir(original.pipelineName));
  const reused = new Set<string>();
  for (const stepId of stepOrder(version.definition)) {
    const step = stepById(version.definition, stepId);
    const before = originalDefinition.steps.find((s) => s.id === stepId);
    const row = stepRow(original, stepId);
    if (before === undefined || row?.status !== 'succeeded') continue;
    if (canonicalStep(before) !== canonicalStep(step)) continue;
    if (!step.needs.every((need) => reused.has(need))) continue;
    reused.add(stepId);
  }
  return createExecution(ctx, {
    version,
    params,
    codeDir,
    trigger: { type: 'retry', detail: executionId },
    actor,
    retryOf: executionId,
    reuse: (stepId) =>
      reused.has(stepId)
        ? original.steps.filter((s) => s.stepId === stepId).map((s) => ({ ...s, reusedFrom: s.reusedFrom ?? original.executionId, attempts: [] }))
        : undefined,
  });
}

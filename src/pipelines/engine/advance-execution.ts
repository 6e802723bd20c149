/**
 * The scheduler's pass over one active execution, from its stored state: starts a queued
 * one, then for each step in order decides whether it is skipped or gated, expands it
 * (matrix), launches it (or a due retry), or rolls its instances up; ends the execution
 * when every step is done. Each decision is one transition.
 * @module
 */

import type { PipelineDefinition, StepDefinition } from '../../core/pipelines/pipeline-model.js';
import { stepOrder } from '../../core/pipelines/pipeline-graph.js';
import type { ExecutionRecord, StepRecord } from '../../core/ports/pipeline-store.js';
import { advanceCancelling } from './advance-cancelling.js';
import { decideStep } from './decide-step.js';
import type { EngineContext } from './engine-context.js';
import { expandMatrixStep } from './expand-matrix-step.js';
import { finishExecution } from './finish-execution.js';
import { launchAttempt } from './launch-attempt.js';
import { hasCapacity, hasRunning } from './running-attempts.js';
import { stepById } from './step-context.js';
import { instanceRows, isTerminal, stepRow } from './step-rows.js';

/** Advances one execution (called under the engine's lock). */
export async function advanceExecution(ctx: EngineContext, executionId: string): Promise<void> {
  let record = await ctx.deps.store.getExecution(executionId);
  const definition = await ctx.definitions.of(record);
  if (record.status === 'queued') {
    await ctx.deps.store.applyTransition({ executionId, expectStatus: ['queued'], execution: { status: 'running', startedTime: ctx.now() } });
    record = await ctx.deps.store.getExecution(executionId);
  }
  if (record.status === 'cancelling') return advanceCancelling(ctx, record);
  if (record.status !== 'running') return;

  for (const stepId of stepOrder(definition)) {
    if (ctx.stopping) return;
    const step = stepById(definition, stepId);
    const row = stepRow(record, stepId);
    if (row === undefined || isTerminal(row.status)) continue;
    let changed = false;
    if (row.expanded === true) {
      changed = await advanceMatrix(ctx, record, definition, step, row);
    } else if (row.status === 'waiting') {
      if ((row.nextAttemptTime ?? 0) <= ctx.now()) changed = await launchAttempt(ctx, record, definition, step, row);
    } else if (row.status === 'pending') {
      changed = await advancePending(ctx, record, definition, step, row);
    }
    if (changed) record = await ctx.deps.store.getExecution(executionId);
  }

  const parents = definition.steps.map((s) => stepRow(record, s.id));
  if (parents.every((row) => row !== undefined && isTerminal(row.status)) && !hasRunning(ctx.running, executionId)) {
    await finishExecution(ctx, record, definition);
  }
}

/** A pending step whose needs are done: skipped or gated, expanded, or launched. */
async function advancePending(ctx: EngineContext, record: ExecutionRecord, definition: PipelineDefinition, step: StepDefinition, row: StepRecord): Promise<boolean> {
  const needs = step.needs.map((need) => stepRow(record, need));
  if (!needs.every((n) => n !== undefined && isTerminal(n.status))) return false;
  const decision = decideStep(record, definition, step);
  const now = ctx.now();
  if (decision !== undefined) {
    await ctx.deps.store.applyTransition({
      executionId: record.executionId,
      steps: [{ ...row, status: decision.status, reason: decision.reason, endedTime: now, ...(decision.failureClass === undefined ? {} : { failureClass: decision.failureClass }) }],
    });
    return true;
  }
  if (step.matrix !== undefined) return expandMatrixStep(ctx, record, definition, step, row);
  return launchAttempt(ctx, record, definition, step, row);
}

/** An expanded matrix step: ends it when its instances are done, else launches due instances (up to `max-parallel`). */
async function advanceMatrix(ctx: EngineContext, record: ExecutionRecord, definition: PipelineDefinition, step: StepDefinition, parent: StepRecord): Promise<boolean> {
  const instances = instanceRows(record, step.id);
  if (instances.every((i) => isTerminal(i.status))) {
    const failed = instances.find((i) => i.status === 'failed');
    const cancelled = instances.find((i) => i.status === 'cancelled');
    const status = failed !== undefined ? 'failed' : cancelled !== undefined ? 'cancelled' : 'succeeded';
    const reason =
      failed !== undefined
        ? `instance '${failed.instance ?? ''}' failed: ${failed.reason ?? ''}`
        : cancelled !== undefined
          ? `instance '${cancelled.instance ?? ''}' was cancelled`
          : undefined;
    await ctx.deps.store.applyTransition({
      executionId: record.executionId,
      steps: [
        {
          ...parent,
          status,
          endedTime: ctx.now(),
          ...(reason === undefined ? {} : { reason }),
          ...(failed?.failureClass === undefined ? {} : { failureClass: failed.failureClass }),
        },
      ],
    });
    return true;
  }
  const limit = step.matrix?.maxParallel ?? Number.POSITIVE_INFINITY;
  let running = instances.filter((i) => i.status === 'running').length;
  let changed = false;
  for (const instance of instances) {
    if (running >= limit) break;
    const due = instance.status === 'pending' || (instance.status === 'waiting' && (instance.nextAttemptTime ?? 0) <= ctx.now());
    if (!due) continue;
    if (await launchAttempt(ctx, record, definition, step, instance)) {
      changed = true;
      running++;
    } else if (!hasCapacity(ctx, record.executionId, step)) {
      break;
    }
  }
  return changed;
}

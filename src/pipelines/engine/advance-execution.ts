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
import { commitTransition } from './commit-transition.js';
import { decideStep } from './decide-step.js';
import type { EngineContext } from './engine-context.js';
import { expandMatrixStep } from './expand-matrix-step.js';
import { finishExecution } from './finish-execution.js';
import { launchAttempt } from './launch-attempt.js';
import { hasCapacity, hasRunning } from './running-attempts.js';
import { stepById } from './step-context.js';
import { advanceTune, startTuneStep } from './advance-tune.js';
import { isTuneStep } from './tune-step.js';
import { instanceRows, isTerminal, stepRow } from './step-rows.js';

/**
 * Advances one execution (called under the engine's lock). `storedRevision` is the
 * execution's revision as listed by the store: the held copy is read again if it is older.
 */
export async function advanceExecution(ctx: EngineContext, executionId: string, storedRevision?: number): Promise<void> {
  let record = await ctx.active.get(executionId, storedRevision);
  const definition = await ctx.definitions.of(record);
  if (record.status === 'queued') {
    await commitTransition(ctx, { executionId, expectStatus: ['queued'], execution: { status: 'running', startedTime: ctx.now() } });
    record = await ctx.active.get(executionId);
  }
  if (record.status === 'cancelling') return advanceCancelling(ctx, record);
  if (record.status !== 'running') return;

  for (const stepId of orderOf(definition)) {
    if (ctx.stopping) return;
    const step = stepById(definition, stepId);
    const row = stepRow(record, stepId);
    if (row === undefined || isTerminal(row.status)) continue;
    let changed = false;
    if (row.expanded === true) {
      changed = isTuneStep(step) ? await advanceTune(ctx, record, definition, step, row) : await advanceMatrix(ctx, record, definition, step, row);
    } else if (row.status === 'waiting') {
      if ((row.nextAttemptTime ?? 0) <= ctx.now()) changed = await launchAttempt(ctx, record, definition, step, row);
    } else if (row.status === 'pending') {
      changed = await advancePending(ctx, record, definition, step, row);
    }
    if (changed) record = await ctx.active.get(executionId);
  }

  const parents = definition.steps.map((s) => stepRow(record, s.id));
  if (parents.every((row) => row !== undefined && isTerminal(row.status)) && !hasRunning(ctx.running, executionId)) {
    await finishExecution(ctx, record, definition);
  }
}

const orders = new WeakMap<PipelineDefinition, readonly string[]>();

/** The steps in topological order, computed once per definition (definitions are cached and never change). */
function orderOf(definition: PipelineDefinition): readonly string[] {
  let order = orders.get(definition);
  if (order === undefined) {
    order = stepOrder(definition);
    orders.set(definition, order);
  }
  return order;
}

/** A pending step whose needs are done: skipped or gated, expanded, or launched. */
async function advancePending(ctx: EngineContext, record: ExecutionRecord, definition: PipelineDefinition, step: StepDefinition, row: StepRecord): Promise<boolean> {
  const needs = step.needs.map((need) => stepRow(record, need));
  if (!needs.every((n) => n !== undefined && isTerminal(n.status))) return false;
  const decision = decideStep(record, definition, step);
  const now = ctx.now();
  if (decision !== undefined) {
    await commitTransition(ctx, {
      executionId: record.executionId,
      steps: [{ ...row, status: decision.status, reason: decision.reason, endedTime: now, ...(decision.failureClass === undefined ? {} : { failureClass: decision.failureClass }) }],
    });
    return true;
  }
  if (isTuneStep(step)) return startTuneStep(ctx, record, definition, step, row);
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
    await commitTransition(ctx, {
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

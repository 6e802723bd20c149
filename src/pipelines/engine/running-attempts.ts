/**
 * The attempts this process is running, keyed by execution, step and instance: whether an
 * execution has any, and whether another `run:` step may start.
 * @module
 */

import type { StepDefinition } from '../../core/pipelines/pipeline-model.js';
import type { Executor } from '../../core/ports/executor.js';
import type { AttemptControl } from './run-step-attempt.js';

export interface RunningAttempt {
  readonly executionId: string;
  readonly kind: 'run' | 'uses';
  readonly control: AttemptControl;
  readonly done: Promise<void>;
}

/** What {@link hasCapacity} looks at (a part of the engine's context). */
export interface CapacityContext {
  readonly running: ReadonlyMap<string, RunningAttempt>;
  readonly deps: { readonly executor: Executor };
  readonly options: { readonly maxParallelPerExecution?: number | undefined };
}

/** The key of a running attempt in the engine's map. */
export function attemptKey(executionId: string, stepId: string, instance: string | undefined): string {
  return `${executionId}\u0000${stepId}\u0000${instance ?? ''}`;
}

/** Whether any attempt of the execution is running in this process. */
export function hasRunning(running: ReadonlyMap<string, RunningAttempt>, executionId: string): boolean {
  for (const r of running.values()) if (r.executionId === executionId) return true;
  return false;
}

/**
 * Whether the step may start now: built-in steps always; `run:` steps within the executor's
 * and the execution's limits. The engine counts its own launched attempts, not only the
 * executor's processes: an attempt is launched (its workspace prepared, its run created)
 * before its process starts, and in that window the executor would still report room.
 */
export function hasCapacity(ctx: CapacityContext, executionId: string, step: StepDefinition): boolean {
  if (step.kind !== 'run') return true;
  let mine = 0;
  let all = 0;
  for (const r of ctx.running.values()) {
    if (r.kind !== 'run') continue;
    all++;
    if (r.executionId === executionId) mine++;
  }
  return (
    all < ctx.deps.executor.maxConcurrent &&
    ctx.deps.executor.hasCapacity() &&
    mine < (ctx.options.maxParallelPerExecution ?? Number.POSITIVE_INFINITY)
  );
}

import { setTimeout as sleep } from 'node:timers/promises';
import { isExecutionFinished, type Execution, type SlipwayClient, type StepExecution } from '../sdk/index.js';
import { UsageError } from './client-support.js';
import { stepLabel } from './pipelines-view.js';

/**
 * `slipway executions logs`: step logs in the steps' order, read chunk by chunk and
 * written as they come; with `--follow`, each attempt is followed as it is written until the
 * execution ends.
 * @module
 */

export interface LogSelection {
  /** One step (all its matrix instances unless `instance`); absent: every step. */
  readonly step?: string | undefined;
  readonly instance?: string | undefined;
  /** This attempt of each step; absent: the latest (or, following, every attempt). */
  readonly attempt?: number | undefined;
}

export interface LogOutput {
  write(text: string): void;
  /** A remark for people (stderr), not part of the log. */
  note(text: string): void;
}

/** The steps the selection names; a usage error naming the known steps when it names none. */
export function selectSteps(execution: Execution, selection: LogSelection): StepExecution[] {
  if (selection.step === undefined) return [...execution.steps];
  const steps = execution.steps.filter((s) => s.step_id === selection.step && (selection.instance === undefined || s.instance === selection.instance));
  if (steps.length === 0) {
    const ids = [...new Set(execution.steps.map((s) => s.step_id))];
    const what = selection.instance === undefined ? `step '${selection.step}'` : `instance '${selection.instance}' of step '${selection.step}'`;
    throw new UsageError(`execution ${execution.execution_id} has no ${what} (its steps: ${ids.join(', ') || 'none yet'})`);
  }
  return steps;
}

/** `==> train (attempt 2) <==`, as `tail` heads each file. */
export function logHeader(step: Pick<StepExecution, 'step_id' | 'instance'>, attempt: number): string {
  return `==> ${stepLabel(step)} (attempt ${attempt}) <==\n`;
}

/** Prints the logs there are now: of each selected step, its latest attempt (or `attempt`). */
export async function printLogs(client: SlipwayClient, executionId: string, selection: LogSelection, out: LogOutput): Promise<void> {
  const execution = await client.pipelines.getExecution(executionId);
  const sections: { step: StepExecution; attempt: number }[] = [];
  for (const step of selectSteps(execution, selection)) {
    const attempt = selection.attempt ?? step.attempts.at(-1)?.attempt;
    if (attempt === undefined) {
      const from = step.reused_from ?? step.cached_from;
      if (selection.step !== undefined && from !== undefined) {
        out.note(`${stepLabel(step)} did not run here: its result is execution ${from}'s (slipway executions logs ${from} --step ${step.step_id})`);
      }
      continue;
    }
    if (selection.attempt !== undefined && !step.attempts.some((a) => a.attempt === attempt)) {
      if (selection.step !== undefined) throw new UsageError(`step ${stepLabel(step)} has no attempt ${attempt} (it has ${step.attempts.length})`);
      continue;
    }
    sections.push({ step, attempt });
  }
  let first = true;
  for (const { step, attempt } of sections) {
    if (sections.length > 1) out.write(`${first ? '' : '\n'}${logHeader(step, attempt)}`);
    first = false;
    let offset = 0;
    for (;;) {
      const chunk = await client.pipelines.readLogs(executionId, { step: step.step_id, instance: step.instance, attempt, offset });
      if (chunk.text !== '') out.write(chunk.text);
      if (chunk.complete || chunk.text === '' || chunk.next_offset === offset) break;
      offset = chunk.next_offset;
    }
  }
}

/**
 * Follows the selected steps' logs until the execution ends: step by step in order, each
 * attempt as it is written (a step that is retried shows every attempt).
 */
export async function followLogs(
  client: SlipwayClient,
  executionId: string,
  selection: LogSelection,
  out: LogOutput,
  options: { intervalMs: number; signal?: AbortSignal | undefined },
): Promise<void> {
  const done = new Set<string>();
  const finished = new Set<string>();
  // Headers unless one step (one instance) is followed; then only before its later attempts.
  let single: boolean | undefined;
  let written = false;
  for (;;) {
    options.signal?.throwIfAborted();
    const execution = await client.pipelines.getExecution(executionId);
    const steps = selectSteps(execution, selection);
    single ??= selection.step !== undefined && steps.length === 1;
    const step = steps.find((s) => !finished.has(stepLabel(s)));
    // Every selected step has ended (the execution may go on with others): done.
    if (step === undefined) return;
    const next = step.attempts.find((a) => !done.has(`${stepLabel(step)}#${a.attempt}`) && (selection.attempt === undefined || a.attempt === selection.attempt));
    if (next !== undefined) {
      if (!single || done.size > 0) out.write(`${written ? '\n' : ''}${logHeader(step, next.attempt)}`);
      for await (const text of client.pipelines.followLogs(executionId, {
        step: step.step_id,
        instance: step.instance,
        attempt: next.attempt,
        intervalMs: options.intervalMs,
        signal: options.signal,
      })) {
        out.write(text);
        written = true;
      }
      done.add(`${stepLabel(step)}#${next.attempt}`);
      continue;
    }
    const stepEnded = !['pending', 'waiting', 'running'].includes(step.status);
    if (stepEnded || isExecutionFinished(execution) || (selection.attempt !== undefined && step.attempts.some((a) => a.attempt > selection.attempt!))) {
      finished.add(stepLabel(step));
      continue;
    }
    await sleep(options.intervalMs, undefined, { signal: options.signal });
  }
}

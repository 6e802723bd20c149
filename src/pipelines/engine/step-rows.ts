/**
 * Reading an execution's step rows: a step's own row, its matrix instances, whether it is
 * done, and what its result means to expressions.
 * @module
 */

import type { StepResult } from '../../core/pipelines/expressions/evaluate-expression.js';
import type { StepStatus } from '../../core/pipelines/execution-model.js';
import type { ExecutionRecord, StepRecord } from '../../core/ports/pipeline-store.js';

export const TERMINAL_STEP_STATUSES: ReadonlySet<StepStatus> = new Set(['succeeded', 'failed', 'skipped', 'gated', 'cancelled']);

export function isTerminal(status: StepStatus): boolean {
  return TERMINAL_STEP_STATUSES.has(status);
}

const ownRows = new WeakMap<ExecutionRecord, Map<string, StepRecord>>();

/**
 * The step's own row (not a matrix instance). Indexed once per record (records are not
 * changed in place: a transition makes a new one), since a pass looks up every step's row
 * and its needs' rows, which scanning made quadratic in the size of the execution.
 */
export function stepRow(execution: ExecutionRecord, stepId: string): StepRecord | undefined {
  let rows = ownRows.get(execution);
  if (rows === undefined) {
    rows = new Map();
    for (const s of execution.steps) if (s.instance === undefined) rows.set(s.stepId, s);
    ownRows.set(execution, rows);
  }
  return rows.get(stepId);
}

/** A matrix step's instance rows, in order. */
export function instanceRows(execution: ExecutionRecord, stepId: string): StepRecord[] {
  return execution.steps.filter((s) => s.stepId === stepId && s.instance !== undefined).sort((a, b) => a.position - b.position);
}

/** `success`, `failure`, `cancelled` or `skipped` (gated counts as skipped); undefined while not done. */
export function resultOf(status: StepStatus): StepResult | undefined {
  switch (status) {
    case 'succeeded':
      return 'success';
    case 'failed':
      return 'failure';
    case 'cancelled':
      return 'cancelled';
    case 'skipped':
    case 'gated':
      return 'skipped';
    default:
      return undefined;
  }
}

/** Whether a row stopped the pipeline at a gate (the gate itself, or a step stopped by one). */
export function isGateStop(row: StepRecord): boolean {
  return row.status === 'gated' || (row.status === 'failed' && row.failureClass === 'gate');
}

/** A short key for a matrix combination: `region=north,depth=3`. */
export function instanceKey(values: Readonly<Record<string, unknown>>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(',');
}

/** A file-name-safe form of an instance key, prefixed by its ordinal (so two keys never collide). */
export function instanceDirName(ordinal: number, instance: string): string {
  const safe = instance.replace(/[^A-Za-z0-9_.,=-]+/g, '_').slice(0, 60);
  return `${ordinal}-${safe}`;
}

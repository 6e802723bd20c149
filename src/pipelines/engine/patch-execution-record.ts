import type { AttemptRecord, ExecutionRecord, StepRecord, Transition } from '../../core/ports/pipeline-store.js';

/**
 * An execution record with a committed transition applied, as the store would read it back:
 * the execution patch's defined fields; each step row replaced (or added) by (step,
 * instance), keeping its attempts; each attempt row replaced (or added) by (step, instance,
 * attempt); rows in `position` order, attempts in attempt order. Optional fields that are
 * undefined (or `false` flags) are left out, as the store leaves them out. Returns a new
 * record: the old one (and its rows) may still be in use by an attempt that holds it.
 */
export function patchExecutionRecord(record: ExecutionRecord, transition: Transition, revision: number): ExecutionRecord {
  const patch = definedOnly(transition.execution ?? {});
  const stepChanges = transition.steps ?? [];
  const attemptChanges = transition.attempts ?? [];
  if (stepChanges.length === 0 && attemptChanges.length === 0) return { ...record, ...patch, revision };

  const steps = [...record.steps];
  const index = new Map<string, number>();
  steps.forEach((s, i) => index.set(rowKey(s.stepId, s.instance), i));
  let reorder = false;
  for (const change of stepChanges) {
    // A caller may pass a whole row (attempts included): the store keeps attempts apart.
    const { attempts: _ignored, ...fields } = change as Omit<StepRecord, 'attempts'> & { attempts?: unknown };
    const key = rowKey(change.stepId, change.instance);
    const at = index.get(key);
    const before = at === undefined ? undefined : steps[at];
    const row = { ...normalized(fields), attempts: before?.attempts ?? [] } as StepRecord;
    if (at === undefined || before === undefined) {
      index.set(key, steps.length);
      steps.push(row);
      reorder = true;
    } else {
      if (before.position !== row.position) reorder = true;
      steps[at] = row;
    }
  }
  for (const change of attemptChanges) {
    const at = index.get(rowKey(change.stepId, change.instance));
    const row = at === undefined ? undefined : steps[at];
    if (at === undefined || row === undefined) continue; // the store rejects an attempt of an unknown step
    const { stepId: _s, instance: _i, ...fields } = change;
    const attempt = normalized(fields) as AttemptRecord;
    const attempts = row.attempts.filter((a) => a.attempt !== attempt.attempt);
    attempts.push(attempt);
    attempts.sort((a, b) => a.attempt - b.attempt);
    steps[at] = { ...row, attempts };
  }
  if (reorder) steps.sort((a, b) => a.position - b.position);
  return { ...record, ...patch, revision, steps };
}

/** The key of a step row: its step and instance. */
export function rowKey(stepId: string, instance: string | undefined): string {
  return `${stepId}\u0000${instance ?? ''}`;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Without undefined fields, `false` flags or an empty instance: what a read gives back. */
function normalized<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([k, v]) => v !== undefined && !((k === 'expanded' || k === 'interrupted') && v === false) && !(k === 'instance' && v === '')),
  ) as Partial<T>;
}

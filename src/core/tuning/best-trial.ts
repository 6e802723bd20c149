/**
 * The best trial of a search: the succeeded trial with the lowest (or highest) objective,
 * the earliest one on a tie, so the choice does not change as later trials tie it.
 * @module
 */

import type { Trial, TuneDirection } from './tune-spec.js';

/** Whether `a` is strictly better than `b` by more than `minDelta`. */
export function improves(a: number, b: number, direction: TuneDirection, minDelta = 0): boolean {
  return direction === 'minimize' ? a < b - minDelta : a > b + minDelta;
}

/** A trial that counts: it succeeded and reported a finite objective. */
export function hasObjective(trial: Trial): trial is Trial & { readonly objective: number } {
  return trial.status === 'succeeded' && trial.objective !== undefined && Number.isFinite(trial.objective);
}

/** The index in `history` of the best trial; `undefined` when none counts. */
export function bestTrialIndex(history: readonly Trial[], direction: TuneDirection): number | undefined {
  let best: number | undefined;
  history.forEach((trial, i) => {
    if (!hasObjective(trial)) return;
    const current = best === undefined ? undefined : history[best]?.objective;
    if (current === undefined || improves(trial.objective, current, direction)) best = i;
  });
  return best;
}

export function bestTrial(history: readonly Trial[], direction: TuneDirection): Trial | undefined {
  const index = bestTrialIndex(history, direction);
  return index === undefined ? undefined : history[index];
}

/**
 * When a search stops: at its trial budget, when the space is exhausted, or, with
 * `early-stop`, when the objective stalls: the best has not improved by more than
 * `min-delta` over the last `patience` finished trials (failed trials count as finished
 * trials without improvement, so a search that only fails stops too).
 * @module
 */

import { hasObjective, improves } from './best-trial.js';
import type { Params, Trial, TuneSpec } from './tune-spec.js';

/** How many finished trials have passed since the best last improved (all of them if it never did). */
export function trialsSinceImprovement(history: readonly Trial[], spec: Pick<TuneSpec, 'objective' | 'earlyStop'>): number {
  const minDelta = spec.earlyStop?.minDelta ?? 0;
  let best: number | undefined;
  let since = 0;
  for (const trial of history) {
    if (hasObjective(trial) && (best === undefined || improves(trial.objective, best, spec.objective.direction, minDelta))) {
      best = trial.objective;
      since = 0;
    } else {
      since++;
    }
  }
  return since;
}

/** Whether the early stop ends the search: `patience` finished trials in a row without improvement. */
export function shouldStop(history: readonly Trial[], spec: Pick<TuneSpec, 'objective' | 'earlyStop'>): boolean {
  if (spec.earlyStop === undefined) return false;
  return trialsSinceImprovement(history, spec) >= spec.earlyStop.patience;
}

/**
 * How many trials to start now: the free parallel slots, within the trial budget; none once
 * the early stop has triggered. (The running trials finish; their results still count.)
 */
export function trialsToStart(history: readonly Trial[], pending: readonly Params[], spec: Pick<TuneSpec, 'objective' | 'earlyStop' | 'maxTrials' | 'maxParallel'>): number {
  if (shouldStop(history, spec)) return 0;
  const budget = spec.maxTrials - history.length - pending.length;
  return Math.max(0, Math.min(budget, spec.maxParallel - pending.length));
}

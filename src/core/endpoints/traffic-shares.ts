import type { Endpoint, Variant } from './endpoint.js';

/** The share of an endpoint's live traffic a variant is meant to get now. */
export interface TrafficShare {
  readonly variant: Variant;
  /** A variant of the rollout's target (not yet in `endpoint.variants`). */
  readonly inRollout: boolean;
  /** Percent of the live requests (0–100); shadow variants get 0 (their copies are sampled apart). */
  readonly percent: number;
}

/** Whether a rollout is still moving (warming or baking). */
export function rolloutActive(endpoint: Endpoint): boolean {
  const phase = endpoint.rollout?.phase;
  return phase === 'Warming' || phase === 'Baking';
}

/**
 * The nominal split of the live traffic: the serving variants by their weights, except
 * while a rollout bakes, when the target's live variants share `steps[step]` % (by their
 * weights) and the serving ones the rest. Variants that are not `Ready` are listed with
 * their nominal share; whoever routes decides what to do without them.
 */
export function trafficShares(endpoint: Endpoint): TrafficShare[] {
  const rollout = endpoint.rollout;
  const baking = rollout !== undefined && rollout.phase === 'Baking' && rollout.step >= 0;
  const targetPercent = baking ? (rollout.policy.steps[rollout.step] ?? 100) : 0;
  const serving = endpoint.variants.map((variant) => ({
    variant,
    inRollout: false,
    percent: variant.shadow === undefined ? (variant.weight * (100 - targetPercent)) / 100 : 0,
  }));
  if (!baking) return serving;
  const target = rollout.target.map((variant) => ({
    variant,
    inRollout: true,
    percent: variant.shadow === undefined ? (variant.weight * targetPercent) / 100 : 0,
  }));
  return [...serving, ...target];
}

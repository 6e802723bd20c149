import { createHash } from 'node:crypto';
import type { Endpoint, Variant } from '../../core/endpoints/endpoint.js';

/** One live variant and its share of the traffic, in percent. */
export interface TrafficShare {
  readonly variant: string;
  readonly percent: number;
  /** True for a variant of the rollout's target (a candidate). */
  readonly candidate: boolean;
}

/**
 * The live traffic split of an endpoint as the store says it now. Without a rollout in
 * `Baking`, the serving variants' weights (Ready, not shadow). While baking, the target's
 * live variants share `policy.steps[step]` % by their weights and the serving ones the rest
 * by theirs. Candidates come first, so a sticky key that landed on a candidate stays there
 * as its share grows. Variants with 0 % are left out.
 */
export function trafficShares(endpoint: Endpoint): TrafficShare[] {
  const serving = liveReady(endpoint.variants);
  const rollout = endpoint.rollout;
  if (rollout === undefined || rollout.phase !== 'Baking' || rollout.step < 0) return split(serving, 100, false).filter((share) => share.percent > 0);
  const targetShare = Math.min(100, Math.max(0, rollout.policy.steps[rollout.step] ?? 100));
  const target = liveReady(rollout.target);
  // A variant name kept in the target may name another model: the two are separate entries.
  return [...split(target, targetShare, true), ...split(serving, 100 - targetShare, false)].filter((share) => share.percent > 0);
}

/** The shadow variants that get a copy of the traffic, with their sample percentages (target's included while baking). */
export function shadowVariants(endpoint: Endpoint): Variant[] {
  const rollout = endpoint.rollout;
  const candidates = rollout !== undefined && rollout.phase === 'Baking' ? rollout.target : [];
  const seen = new Set<string>();
  const shadows: Variant[] = [];
  for (const variant of [...candidates, ...endpoint.variants]) {
    if (variant.shadow === undefined || variant.status !== 'Ready' || seen.has(variant.name)) continue;
    seen.add(variant.name);
    shadows.push(variant);
  }
  return shadows;
}

function liveReady(variants: readonly Variant[]): Variant[] {
  return variants.filter((variant) => variant.shadow === undefined && variant.status === 'Ready');
}

function split(variants: readonly Variant[], total: number, candidate: boolean): TrafficShare[] {
  if (variants.length === 0 || total <= 0) return [];
  const weights = variants.map((variant) => (variants.length === 1 ? 100 : variant.weight));
  const sum = weights.reduce((a, b) => a + b, 0);
  return variants.map((variant, index) => ({
    variant: variant.name,
    percent: sum > 0 ? (total * weights[index]!) / sum : total / variants.length,
    candidate,
  }));
}

/**
 * Picks a variant: by a stable hash of `routingKey` when given (same key, same variant for
 * the same shares), else by `random()` in [0, 1). `undefined` when nothing takes traffic.
 */
export function chooseVariant(shares: readonly TrafficShare[], routingKey: string | undefined, random: () => number = Math.random): TrafficShare | undefined {
  const total = shares.reduce((sum, share) => sum + share.percent, 0);
  if (shares.length === 0 || total <= 0) return undefined;
  const point = (routingKey === undefined ? random() : stableFraction(routingKey)) * total;
  let cumulative = 0;
  for (const share of shares) {
    cumulative += share.percent;
    if (point < cumulative) return share;
  }
  return shares[shares.length - 1];
}

/** A fraction in [0, 1) from the first 48 bits of the key's SHA-256: the same on every server. */
export function stableFraction(key: string): number {
  const digest = createHash('sha256').update(key).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** Whether a request is mirrored to a shadow sampling `samplePercent` %. */
export function sampled(samplePercent: number, random: () => number = Math.random): boolean {
  return random() * 100 < samplePercent;
}

import { describe, expect, it } from 'vitest';
import type { Endpoint, Rollout, Variant } from '../../../src/core/endpoints/endpoint.js';
import { chooseVariant, shadowVariants, stableFraction, trafficShares } from '../../../src/serving/endpoints/traffic-router.js';

function variant(name: string, weight: number, extra: Partial<Variant> = {}): Variant {
  return { name, modelUri: `models:/m/${name}`, modelName: 'm', modelVersion: name, weight, status: 'Ready', ...extra };
}

function endpoint(variants: Variant[], rollout?: Rollout): Endpoint {
  return { name: 'e', id: 'id', tags: {}, status: rollout === undefined ? 'InService' : 'Updating', variants, rollout, creationTime: 0, lastUpdateTime: 0, revision: 1 };
}

function canary(target: Variant[], step: number, phase: Rollout['phase'] = 'Baking'): Rollout {
  return { id: 'r1', policy: { strategy: 'canary', steps: [10, 50, 100], bakeSeconds: 60, rollback: { minRequests: 20 } }, target, phase, step, startedTime: 0 };
}

/** A deterministic sequence in [0, 1) for weighted draws. */
function sequence(): () => number {
  let i = 0;
  return () => ((i++ * 7919) % 10_000) / 10_000;
}

describe('traffic router', () => {
  it('splits by the serving variants weights, leaving out not-Ready and shadow variants', () => {
    const shares = trafficShares(endpoint([variant('a', 70), variant('b', 30), variant('c', 0, { shadow: { samplePercent: 50 } }), variant('d', 10, { status: 'Loading' })]));
    expect(shares).toEqual([
      { variant: 'a', percent: 70, candidate: false },
      { variant: 'b', percent: 30, candidate: false },
    ]);
  });

  it('gives a baking target its step share, candidates first, and ignores a warming one', () => {
    const old = [variant('a', 100)];
    const target = [variant('b', 60), variant('c', 40)];
    expect(trafficShares(endpoint(old, canary(target, 0)))).toEqual([
      { variant: 'b', percent: 6, candidate: true },
      { variant: 'c', percent: 4, candidate: true },
      { variant: 'a', percent: 90, candidate: false },
    ]);
    expect(trafficShares(endpoint(old, canary(target, 2))).map((share) => share.variant)).toEqual(['b', 'c']);
    expect(trafficShares(endpoint(old, canary(target, -1, 'Warming')))).toEqual([{ variant: 'a', percent: 100, candidate: false }]);
    // A target variant with the old variant's name is a separate entry (it may serve another model).
    expect(trafficShares(endpoint(old, canary([variant('a', 100, { modelVersion: '2' })], 1)))).toEqual([
      { variant: 'a', percent: 50, candidate: true },
      { variant: 'a', percent: 50, candidate: false },
    ]);
  });

  it('draws by weight: observed shares follow the weights', () => {
    const shares = trafficShares(endpoint([variant('a', 100)], canary([variant('b', 100)], 0)));
    const random = sequence();
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 10_000; i++) counts[chooseVariant(shares, undefined, random)!.variant as 'a' | 'b']++;
    expect(counts.b / 10_000).toBeCloseTo(0.1, 2);
  });

  it('sends a routing key to the same variant every time, and keeps a candidate key there as its share grows', () => {
    const old = [variant('a', 100)];
    const keys = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
    const at = (step: number) => trafficShares(endpoint(old, canary([variant('b', 100)], step)));
    for (const key of keys.slice(0, 50)) {
      const first = chooseVariant(at(0), key)!.variant;
      for (let i = 0; i < 5; i++) expect(chooseVariant(at(0), key, Math.random)!.variant).toBe(first);
    }
    const onCandidateAt10 = keys.filter((key) => chooseVariant(at(0), key)!.candidate);
    expect(onCandidateAt10.length / keys.length).toBeGreaterThan(0.07);
    expect(onCandidateAt10.length / keys.length).toBeLessThan(0.13);
    for (const key of onCandidateAt10) expect(chooseVariant(at(1), key)!.candidate).toBe(true);
    expect(stableFraction('user-1')).toBe(stableFraction('user-1'));
    expect(chooseVariant([], 'k')).toBeUndefined();
  });

  it('lists Ready shadow variants, the baking target’s too', () => {
    const shadow = variant('s', 0, { shadow: { samplePercent: 20 } });
    expect(shadowVariants(endpoint([variant('a', 100), shadow])).map((v) => v.name)).toEqual(['s']);
    expect(shadowVariants(endpoint([variant('a', 100)], canary([variant('b', 100), { ...shadow, name: 't' }], 0))).map((v) => v.name)).toEqual(['t']);
  });
});

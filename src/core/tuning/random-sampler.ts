/**
 * The `random` strategy: each parameter drawn uniformly (log-uniformly on a log scale, ints
 * inclusive), redrawn when the set was already tried.
 * @module
 */

import type { Sampler } from './sampler.js';
import { intCount, paramsKey, sampleUniformParams, seenKeys, spaceSize } from './search-space.js';
import { deriveSeed, randomIndex, seededRandom, type RandomSource } from './seeded-random.js';
import type { ParameterSpace, Params, ParamScalar } from './tune-spec.js';

const REDRAWS = 100;

/**
 * A uniform draw not in `seen`; in a discrete space nearly used up, the first untried set
 * after a random position instead; `undefined` when every set has been tried.
 */
export function suggestRandom(space: ParameterSpace, random: RandomSource, seen: ReadonlySet<string>): Params | undefined {
  const size = spaceSize(space);
  if (seen.size >= size) return undefined;
  let params = sampleUniformParams(space, random);
  for (let i = 0; i < REDRAWS && seen.has(paramsKey(space, params)); i++) params = sampleUniformParams(space, random);
  if (!seen.has(paramsKey(space, params)) || size === Infinity) return params;
  const start = randomIndex(random, size);
  for (let i = 0; i < size; i++) {
    const candidate = discretePoint(space, (start + i) % size);
    if (!seen.has(paramsKey(space, candidate))) return candidate;
  }
  return undefined;
}

/** The set at `index` of a discrete space (every int value, every choice). */
function discretePoint(space: ParameterSpace, index: number): Params {
  const params: Record<string, ParamScalar> = {};
  let rest = index;
  for (const parameter of space) {
    if (parameter.type === 'float') throw new Error('discretePoint needs a discrete space');
    const count = parameter.type === 'int' ? intCount(parameter) : parameter.values.length;
    const k = rest % count;
    rest = Math.floor(rest / count);
    params[parameter.name] = parameter.type === 'int' ? parameter.min + k * parameter.step : (parameter.values[k] ?? '');
  }
  return params;
}

export function randomSampler(space: ParameterSpace, seed: number): Sampler {
  return {
    suggest(history, pending) {
      const random = seededRandom(deriveSeed(seed, history.length + pending.length));
      return suggestRandom(space, random, seenKeys(space, history, pending));
    },
  };
}

/**
 * The sampler of a tune step's strategy.
 * @module
 */

import { gridSampler } from './grid-sampler.js';
import { randomSampler } from './random-sampler.js';
import type { Sampler } from './sampler.js';
import { tpeSampler } from './tpe-sampler.js';
import type { TuneSpec } from './tune-spec.js';

export function createSampler(
  spec: Pick<TuneSpec, 'parameters' | 'strategy' | 'gridPoints' | 'startupTrials' | 'objective'>,
  seed: number,
): Sampler {
  switch (spec.strategy) {
    case 'grid':
      return gridSampler(spec.parameters, spec.gridPoints);
    case 'random':
      return randomSampler(spec.parameters, seed);
    case 'tpe':
      return tpeSampler(spec.parameters, seed, { direction: spec.objective.direction, startupTrials: spec.startupTrials });
  }
}

/**
 * The `grid` strategy: the cartesian product of each parameter's grid values, in order,
 * the first parameter varying slowest (like a matrix).
 * @module
 */

import type { Sampler } from './sampler.js';
import { gridValues, paramsKey, seenKeys } from './search-space.js';
import type { ParameterSpace, Params, ParamScalar } from './tune-spec.js';

/** How many points the grid has. */
export function gridSize(space: ParameterSpace, gridPoints: number): number {
  return space.reduce((size, parameter) => size * gridValues(parameter, gridPoints).length, 1);
}

/** The grid point at `index` (0-based, in the grid's order). */
export function gridPoint(space: ParameterSpace, gridPoints: number, index: number): Params {
  const axes = space.map((parameter) => gridValues(parameter, gridPoints));
  const params: Record<string, ParamScalar> = {};
  let rest = index;
  for (let i = space.length - 1; i >= 0; i--) {
    const values = axes[i] ?? [];
    params[space[i]?.name ?? ''] = values[rest % values.length] ?? '';
    rest = Math.floor(rest / values.length);
  }
  return Object.fromEntries(space.map((parameter) => [parameter.name, params[parameter.name] ?? '']));
}

/** The first grid point not tried or running; `undefined` once every point has been. */
export function gridSampler(space: ParameterSpace, gridPoints: number): Sampler {
  const size = gridSize(space, gridPoints);
  return {
    suggest(history, pending) {
      const seen = seenKeys(space, history, pending);
      for (let index = 0; index < size; index++) {
        const params = gridPoint(space, gridPoints, index);
        if (!seen.has(paramsKey(space, params))) return params;
      }
      return undefined;
    },
  };
}

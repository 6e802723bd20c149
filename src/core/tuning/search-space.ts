/**
 * What the samplers share about a search space: the values of a range, uniform draws, the
 * grid of each parameter, and the key that tells two parameter sets apart.
 * @module
 */

import { randomIndex, type RandomSource } from './seeded-random.js';
import type { IntParameter, ParameterSpace, ParameterSpec, Params, ParamScalar } from './tune-spec.js';

/** An int range with at most this many values is listed whole under `grid`. */
export const MAX_INT_GRID_VALUES = 32;

/** How many values an int range has (with its step). */
export function intCount(parameter: IntParameter): number {
  return Math.floor((parameter.max - parameter.min) / parameter.step) + 1;
}

/** The nearest value of an int range to `x`. */
export function snapInt(parameter: IntParameter, x: number): number {
  const k = Math.round((x - parameter.min) / parameter.step);
  return parameter.min + Math.min(intCount(parameter) - 1, Math.max(0, k)) * parameter.step;
}

/** `count` values from `min` to `max`, both included, evenly spaced (in the logarithm for log scale). */
function spaced(min: number, max: number, count: number, log: boolean): number[] {
  if (count === 1) return [log ? Math.sqrt(min * max) : (min + max) / 2];
  const [a, b] = log ? [Math.log(min), Math.log(max)] : [min, max];
  return Array.from({ length: count }, (_, i) => {
    if (i === 0) return min;
    if (i === count - 1) return max;
    const x = a + ((b - a) * i) / (count - 1);
    return log ? Math.exp(x) : x;
  });
}

/**
 * The values a parameter takes under `grid`: every value of an int range of at most
 * {@link MAX_INT_GRID_VALUES} values, else `gridPoints` of them spread over the range;
 * `gridPoints` values of a float range; every choice.
 */
export function gridValues(parameter: ParameterSpec, gridPoints: number): readonly ParamScalar[] {
  switch (parameter.type) {
    case 'choice':
      return parameter.values;
    case 'float':
      return spaced(parameter.min, parameter.max, gridPoints, parameter.scale === 'log');
    case 'int': {
      const count = intCount(parameter);
      if (count <= MAX_INT_GRID_VALUES) return Array.from({ length: count }, (_, k) => parameter.min + k * parameter.step);
      const values = spaced(parameter.min, parameter.max, gridPoints, parameter.scale === 'log').map((x) => snapInt(parameter, x));
      return [...new Set(values)];
    }
  }
}

/** How many parameter sets the space holds: `Infinity` with a float range. */
export function spaceSize(space: ParameterSpace): number {
  let size = 1;
  for (const parameter of space) {
    if (parameter.type === 'float') return Infinity;
    size *= parameter.type === 'int' ? intCount(parameter) : parameter.values.length;
  }
  return size;
}

/** A uniform draw: log-uniform for log scale, every int value of the range equally likely on a linear scale. */
export function sampleUniform(parameter: ParameterSpec, random: RandomSource): ParamScalar {
  switch (parameter.type) {
    case 'choice':
      return parameter.values[randomIndex(random, parameter.values.length)] ?? '';
    case 'int':
      if (parameter.scale === 'log') {
        const [low, high] = internalBounds(parameter);
        return fromInternal(parameter, low + (high - low) * random());
      }
      return parameter.min + randomIndex(random, intCount(parameter)) * parameter.step;
    case 'float': {
      const [low, high] = internalBounds(parameter);
      return fromInternal(parameter, low + (high - low) * random());
    }
  }
}

export function sampleUniformParams(space: ParameterSpace, random: RandomSource): Params {
  const params: Record<string, ParamScalar> = {};
  for (const parameter of space) params[parameter.name] = sampleUniform(parameter, random);
  return params;
}

/**
 * The bounds of a numeric parameter in the space the model works in: the logarithm for log
 * scale, and half a step beyond each end of an int range so every int has the same width.
 */
export function internalBounds(parameter: Exclude<ParameterSpec, { type: 'choice' }>): readonly [number, number] {
  const half = parameter.type === 'int' ? parameter.step / 2 : 0;
  const low = parameter.min - half;
  const high = parameter.max + half;
  return parameter.scale === 'log' ? [Math.log(low), Math.log(high)] : [low, high];
}

export function toInternal(parameter: Exclude<ParameterSpec, { type: 'choice' }>, value: number): number {
  return parameter.scale === 'log' ? Math.log(value) : value;
}

/** The parameter's value at an internal coordinate: clamped to the range, ints snapped. */
export function fromInternal(parameter: Exclude<ParameterSpec, { type: 'choice' }>, x: number): number {
  const value = parameter.scale === 'log' ? Math.exp(x) : x;
  if (parameter.type === 'int') return snapInt(parameter, value);
  return Math.min(parameter.max, Math.max(parameter.min, value));
}

/** A key equal for equal parameter sets (over the space's parameters, in its order). */
export function paramsKey(space: ParameterSpace, params: Params): string {
  return JSON.stringify(space.map((parameter) => params[parameter.name] ?? null));
}

/** The keys of the parameter sets already tried or running. */
export function seenKeys(space: ParameterSpace, history: readonly { readonly params: Params }[], pending: readonly Params[]): Set<string> {
  const keys = new Set<string>();
  for (const trial of history) keys.add(paramsKey(space, trial.params));
  for (const params of pending) keys.add(paramsKey(space, params));
  return keys;
}

/**
 * Reads the `parameters:` of a tune step: a map of names to ranges
 * (`{type: int, min: 3, max: 20}`, `{type: float, min: 0.0001, max: 0.3, scale: log}`),
 * choices (`{type: choice, values: [a, b]}`, or just the list `[a, b]`).
 * @module
 */

import type { DocumentPath } from '../pipelines/pipeline-issues.js';
import { isExpression, type InputReader, typeName } from './input-reader.js';
import type { ParameterSpace, ParameterSpec, ParamScalar, RangeScale } from './tune-spec.js';

/** A parameter name: usable as `trial.params.<name>`. */
export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

const TYPES = ['int', 'float', 'choice'] as const;
const SCALES: readonly RangeScale[] = ['linear', 'log'];
const KEYS: Readonly<Record<(typeof TYPES)[number], readonly string[]>> = {
  int: ['type', 'min', 'max', 'step', 'scale'],
  float: ['type', 'min', 'max', 'scale'],
  choice: ['type', 'values'],
};
const KEY_HINTS: Readonly<Record<string, string>> = {
  low: "use 'min'",
  high: "use 'max'",
  lower: "use 'min'",
  upper: "use 'max'",
  log: "use 'scale: log'",
  choices: "use 'values'",
  options: "use 'values'",
  q: "use 'step' (ints only)",
};
const TYPE_HINTS: Readonly<Record<string, string>> = {
  integer: "use 'int'",
  double: "use 'float'",
  number: "use 'float'",
  categorical: "use 'choice'",
  loguniform: "use 'float' with 'scale: log'",
  uniform: "use 'float'",
};

export function readParameterSpace(value: unknown, path: DocumentPath, reader: InputReader): ParameterSpace | undefined {
  const map = reader.map(value, path, "'parameters' (a map of names to ranges or choices)");
  if (map === undefined) return undefined;
  const space: ParameterSpec[] = [];
  let ok = true;
  for (const [name, raw] of Object.entries(map)) {
    const parameterPath = [...path, name];
    if (!PARAMETER_NAME.test(name)) {
      reader.report(parameterPath, `invalid parameter name '${name}' (letters, digits and '_', starting with a letter or '_')`, {
        target: 'key',
      });
      ok = false;
      continue;
    }
    const parameter = readParameter(name, raw, parameterPath, reader);
    if (parameter === undefined) ok = false;
    else space.push(parameter);
  }
  if (ok && space.length === 0) {
    reader.report(path, "'parameters' must name at least one parameter to search");
    return undefined;
  }
  return ok ? space : undefined;
}

function readParameter(name: string, raw: unknown, path: DocumentPath, reader: InputReader): ParameterSpec | undefined {
  if (Array.isArray(raw)) return readChoice(name, raw, path, reader);
  const map = reader.map(raw, path, `parameter '${name}' (a range such as {type: int, min: 1, max: 10}, or a list of choices)`);
  if (map === undefined) return undefined;
  if (map.type === undefined) {
    reader.report(path, `parameter '${name}' needs a 'type' (${TYPES.map((t) => `'${t}'`).join(', ')})`);
    return undefined;
  }
  const type = reader.oneOf(map.type, TYPES, [...path, 'type'], `the type of parameter '${name}'`, TYPE_HINTS);
  if (type === undefined) return undefined;
  reader.checkKeys(map, KEYS[type], path, `parameter '${name}'`, KEY_HINTS);
  if (type === 'choice') {
    if (map.values === undefined) {
      reader.report(path, `choice parameter '${name}' needs 'values' (a list)`);
      return undefined;
    }
    if (!Array.isArray(map.values)) {
      if (!reader.defer(map.values)) reader.report([...path, 'values'], `'values' of parameter '${name}' must be a list, not ${typeName(map.values)}`);
      return undefined;
    }
    return readChoice(name, map.values as unknown[], [...path, 'values'], reader);
  }
  const integer = type === 'int';
  for (const key of ['min', 'max']) {
    if (map[key] === undefined) reader.report(path, `${type} parameter '${name}' needs '${key}'`);
  }
  const min = map.min === undefined ? undefined : reader.number(map.min, [...path, 'min'], `'min' of parameter '${name}'`, { integer });
  const max = map.max === undefined ? undefined : reader.number(map.max, [...path, 'max'], `'max' of parameter '${name}'`, { integer });
  const scale: RangeScale | undefined =
    map.scale === undefined ? 'linear' : reader.oneOf(map.scale, SCALES, [...path, 'scale'], `'scale' of parameter '${name}'`);
  let step = 1;
  if (integer && map.step !== undefined) {
    const read = reader.number(map.step, [...path, 'step'], `'step' of parameter '${name}'`, { integer: true, min: 1 });
    if (read === undefined) return undefined;
    step = read;
    if (scale === 'log' && step !== 1) {
      reader.report([...path, 'step'], `parameter '${name}' has 'scale: log'; a 'step' other than 1 only goes with a linear scale`);
      return undefined;
    }
  }
  if (min === undefined || max === undefined || scale === undefined) return undefined;
  if (min >= max) {
    reader.report([...path, 'min'], `'min' of parameter '${name}' (${min}) must be less than 'max' (${max})`);
    return undefined;
  }
  if (scale === 'log' && min <= 0) {
    reader.report([...path, 'min'], `parameter '${name}' has 'scale: log', so 'min' must be greater than 0, not ${min}`);
    return undefined;
  }
  if (integer && (max - min) % step !== 0) {
    reader.report([...path, 'max'], `'max' of parameter '${name}' (${max}) is not 'min' (${min}) plus a whole number of steps of ${step}`);
    return undefined;
  }
  return integer ? { type: 'int', name, min, max, step, scale } : { type: 'float', name, min, max, scale };
}

function readChoice(name: string, values: readonly unknown[], path: DocumentPath, reader: InputReader): ParameterSpec | undefined {
  if (values.length === 0) {
    reader.report(path, `the values of parameter '${name}' must not be empty`);
    return undefined;
  }
  const out: ParamScalar[] = [];
  let ok = true;
  values.forEach((value, i) => {
    if (isExpression(value)) {
      reader.report([...path, i], `the values of parameter '${name}' are literal; expressions are not evaluated here`);
      ok = false;
    } else if (typeof value !== 'string' && typeof value !== 'boolean' && !(typeof value === 'number' && Number.isFinite(value))) {
      reader.report([...path, i], `the values of parameter '${name}' are strings, numbers or booleans, not ${typeName(value)}`);
      ok = false;
    } else if (out.includes(value)) {
      reader.report([...path, i], `'${String(value)}' is listed twice in the values of parameter '${name}'`);
      ok = false;
    } else {
      out.push(value);
    }
  });
  return ok ? { type: 'choice', name, values: out } : undefined;
}

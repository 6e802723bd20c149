/**
 * How expression values behave: truthiness, comparisons and conversion to text, after
 * GitHub Actions' rules, with one deliberate difference: string comparisons are
 * case-sensitive (`'RF' == 'rf'` is false), as a pipeline's parameters usually are.
 *
 * - falsy: `false`, `0`, `-0`, `NaN`, `''`, `null`; everything else (lists and objects
 *   included) is truthy;
 * - values of different types are compared as numbers: `null` → 0, booleans → 1/0,
 *   strings parsed as numbers (`''` → 0, anything unparsable → NaN), lists and objects →
 *   NaN; a comparison with NaN is false (and `!=` true);
 * - two strings compare by code unit, two lists or objects by content.
 * @module
 */

import type { ComparisonOperator } from './expression-ast.js';
import type { JsonValue } from '../pipeline-model.js';

export function isTruthy(value: JsonValue): boolean {
  if (value === null || value === false || value === '') return false;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  return true;
}

/** The number a value converts to when compared with a value of another type. */
export function toNumber(value: JsonValue): number {
  if (value === null) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === '') return 0;
    if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(trimmed)) {
      return (trimmed.startsWith('-') ? -1 : 1) * parseInt(trimmed.replace(/^[-+]?0[xX]/, ''), 16);
    }
    return /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/.test(trimmed) ? Number(trimmed) : NaN;
  }
  return NaN;
}

function typeOf(value: JsonValue): 'null' | 'boolean' | 'number' | 'string' | 'list' | 'object' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value as 'boolean' | 'number' | 'string' | 'object';
}

export function looseEquals(a: JsonValue, b: JsonValue): boolean {
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta === tb) {
    if (ta === 'list' || ta === 'object') return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
    return a === b;
  }
  return toNumber(a) === toNumber(b);
}

export function compare(operator: ComparisonOperator, a: JsonValue, b: JsonValue): boolean {
  if (operator === '==') return looseEquals(a, b);
  if (operator === '!=') return !looseEquals(a, b);
  let x: number | string;
  let y: number | string;
  if (typeof a === 'string' && typeof b === 'string') {
    x = a;
    y = b;
  } else {
    x = toNumber(a);
    y = toNumber(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return false;
  }
  switch (operator) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    default:
      return x >= y;
  }
}

/** The text a value becomes inside an interpolated string. */
export function toText(value: JsonValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Object.is(value, -0) ? '0' : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}

/** A copy with object keys sorted, recursively (for content comparison and canonical JSON). */
export function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return (value as readonly JsonValue[]).map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Readonly<Record<string, JsonValue>>)[key];
      if (item !== undefined) out[key] = sortKeys(item);
    }
    return out;
  }
  return value;
}

/**
 * The checks the tune readers share, worded like the pipeline reader's messages
 * (`read-pipeline-document.ts`) so a tune step's problems read like any other step's.
 * It keeps whether anything was wrong, so a reader can return `undefined` then.
 * @module
 */

import { hasPlaceholder } from '../pipelines/expressions/template.js';
import { didYouMean, quoteList, type DocumentPath, type IssueList } from '../pipelines/pipeline-issues.js';

export const isMap = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value === 'string' ? `'${value}'` : 'a value';
}

/** A value the engine evaluates before the search starts (`max-trials: ${{ params.trials }}`). */
export const isExpression = (value: unknown): value is string => typeof value === 'string' && hasPlaceholder(value);

export class InputReader {
  /** False once a problem was reported. */
  ok = true;
  /** True once an expression stood where a literal is needed to build the spec. */
  deferred = false;

  constructor(private readonly issues: IssueList) {}

  report(path: DocumentPath, message: string, options?: { readonly target?: 'key' | 'value' }): void {
    this.ok = false;
    this.issues.add(path, message, options);
  }

  /** Whether `value` is an expression (noted as deferred, not reported). */
  defer(value: unknown): boolean {
    if (!isExpression(value)) return false;
    this.deferred = true;
    return true;
  }

  map(value: unknown, path: DocumentPath, what: string): Record<string, unknown> | undefined {
    if (isMap(value)) return value;
    this.report(path, `${what} must be a map, not ${typeName(value)}`);
    return undefined;
  }

  checkKeys(
    map: Record<string, unknown>,
    allowed: readonly string[],
    path: DocumentPath,
    what: string,
    hints: Readonly<Record<string, string>> = {},
  ): void {
    for (const key of Object.keys(map)) {
      if (allowed.includes(key)) continue;
      const hint = Object.hasOwn(hints, key) ? ` (${hints[key]})` : didYouMean(key, allowed);
      this.report([...path, key], `unknown key '${key}' in ${what}${hint || ` (expected ${quoteList(allowed, 'or')})`}`, {
        target: 'key',
      });
    }
  }

  string(value: unknown, path: DocumentPath, what: string): string | undefined {
    if (typeof value === 'string' && value.trim() !== '') return value;
    this.report(path, typeof value === 'string' ? `${what} must not be empty` : `${what} must be a string, not ${typeName(value)}`);
    return undefined;
  }

  /** One of `allowed`; `undefined` for an expression (deferred) or a wrong value (reported). */
  oneOf<T extends string>(
    value: unknown,
    allowed: readonly T[],
    path: DocumentPath,
    what: string,
    hints: Readonly<Record<string, string>> = {},
  ): T | undefined {
    if (this.defer(value)) return undefined;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    const hint = typeof value === 'string' && Object.hasOwn(hints, value) ? ` (${hints[value]})` : typeof value === 'string' ? didYouMean(value, allowed) : '';
    this.report(path, `${what} must be ${quoteList(allowed, 'or')}, not ${typeName(value)}${hint}`);
    return undefined;
  }

  /** A finite number (an integer with `integer`) within the bounds given. */
  number(
    value: unknown,
    path: DocumentPath,
    what: string,
    options: { readonly integer?: boolean; readonly min?: number; readonly max?: number; readonly above?: number } = {},
  ): number | undefined {
    if (this.defer(value)) return undefined;
    const integer = options.integer === true;
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isSafeInteger(value))) {
      this.report(path, `${what} must be ${integer ? 'an integer' : 'a number'}, not ${typeName(value)}`);
      return undefined;
    }
    const { min, max, above } = options;
    if ((min !== undefined && value < min) || (max !== undefined && value > max) || (above !== undefined && value <= above)) {
      const range =
        min !== undefined && max !== undefined
          ? `from ${min} to ${max}`
          : above !== undefined
            ? `greater than ${above}`
            : min !== undefined
              ? `at least ${min}`
              : `at most ${String(max)}`;
      this.report(path, `${what} must be ${range}, not ${value}`);
      return undefined;
    }
    return value;
  }
}

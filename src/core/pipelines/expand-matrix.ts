/**
 * Expands a matrix into its combinations, with GitHub Actions' rules:
 *
 * 1. the cartesian product of the axes, the first axis varying slowest;
 * 2. `exclude` drops every combination that matches all the key/values of an entry;
 * 3. each `include` entry is merged into every combination whose axis values it matches
 *    (it may add keys, or overwrite keys an earlier include added, never an axis value);
 *    an entry that matches no combination becomes a combination of its own.
 * @module
 */

import { sortKeys } from './expressions/expression-values.js';
import type { JsonValue, MatrixSpec } from './pipeline-model.js';

export type MatrixCombination = Readonly<Record<string, JsonValue>>;

/**
 * The combinations of `spec`, with `axes` giving the values of every axis (the static
 * lists, and the evaluated lists of dynamic axes).
 */
export function expandMatrix(
  spec: Pick<MatrixSpec, 'include' | 'exclude'>,
  axes: Readonly<Record<string, readonly JsonValue[]>>,
): MatrixCombination[] {
  const names = Object.keys(axes);
  let combinations: Record<string, JsonValue>[] = names.length === 0 ? [] : [{}];
  for (const name of names) {
    const next: Record<string, JsonValue>[] = [];
    for (const combination of combinations) {
      for (const value of axes[name] ?? []) next.push({ ...combination, [name]: value });
    }
    combinations = next;
  }
  combinations = combinations.filter(
    (combination) => !spec.exclude.some((entry) => Object.entries(entry).every(([k, v]) => k in combination && same(combination[k], v))),
  );
  const axisNames = new Set(names);
  const originals = combinations.map((c) => ({ ...c }));
  for (const entry of spec.include) {
    let merged = false;
    combinations.forEach((combination, i) => {
      const original = originals[i] ?? {};
      const fits = Object.entries(entry).every(([k, v]) => !axisNames.has(k) || !(k in original) || same(original[k], v));
      if (fits && Object.keys(original).length > 0) {
        Object.assign(combination, entry);
        merged = true;
      }
    });
    if (!merged) {
      combinations.push({ ...entry });
      originals.push({});
    }
  }
  return combinations;
}

function same(a: JsonValue | undefined, b: JsonValue): boolean {
  return a !== undefined && JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

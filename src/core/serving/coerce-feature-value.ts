import type { FeatureType } from '../ports/model-runtime.js';

/**
 * One JSON value as a feature of `type`, the way MLflow's scoring server reads payloads:
 * a missing value, `null` or `"NaN"` is NaN in a float column, `"Infinity"` is infinite,
 * `0`/`1` are booleans. `undefined` when the value does not fit the type (the caller names
 * the column and row in its error).
 */
export function coerceFeatureValue(value: unknown, type: FeatureType): number | string | boolean | undefined {
  switch (type) {
    case 'double':
    case 'float':
      if (typeof value === 'number') return value;
      // pandas writes NaN as null; a missing optional column is NaN too.
      if (value === null || value === undefined || value === 'NaN') return Number.NaN;
      if (value === 'Infinity' || value === '-Infinity') return Number(value);
      return undefined;
    case 'long':
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 0 || value === 1) return value === 1;
      return undefined;
    case 'string':
      return typeof value === 'string' ? value : undefined;
  }
}

/** How an error names a value that did not fit: `a missing value`, `string "x"`. */
export function describeFeatureValue(value: unknown): string {
  if (value === null || value === undefined) return 'a missing value';
  return `${typeof value} ${JSON.stringify(value)}`;
}

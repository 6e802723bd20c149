import { SlipwayError } from '../errors/slipway-error.js';

/**
 * Flattens a nested JSON list (a tensor written as lists of lists) into its shape and
 * row-major values; a ragged list is refused, naming the field.
 */
export function flattenNested(nested: readonly unknown[], field: string): { shape: number[]; values: unknown[] } {
  const shape: number[] = [];
  let level: unknown = nested;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const values: unknown[] = [];
  walk(nested, 0);
  return { shape, values };

  function walk(node: readonly unknown[], depth: number): void {
    if (node.length !== shape[depth]) throw ragged();
    for (const item of node) {
      if (depth + 1 < shape.length) {
        if (!Array.isArray(item)) throw ragged();
        walk(item, depth + 1);
      } else {
        if (Array.isArray(item)) throw ragged();
        values.push(item);
      }
    }
  }

  function ragged(): SlipwayError {
    return SlipwayError.badRequest(`Invalid input. '${field}' is a ragged nested list; every row must have the same shape [${shape.slice(1).join(', ')}].`);
  }
}

/**
 * The parsed form of MLflow's search filter and `order_by` strings. Parsers in this
 * folder produce it; each store adapter translates it into its own query language, so
 * filtering and ordering run in the database, never in memory.
 * @module
 */

/** What an identifier refers to. Aliases (`metrics`, `params`, `run`, …) are normalised away. */
export const ENTITY_TYPES = ['metric', 'param', 'tag', 'attribute', 'dataset'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export const COMPARATORS = [
  '=',
  '!=',
  '>',
  '>=',
  '<',
  '<=',
  'LIKE',
  'ILIKE',
  'IN',
  'NOT IN',
  'IS NULL',
  'IS NOT NULL',
] as const;
export type Comparator = (typeof COMPARATORS)[number];

/** The right-hand side of a comparison. `none` goes with `IS NULL` / `IS NOT NULL`. */
export type FilterValue =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'list'; readonly values: readonly string[] }
  | { readonly kind: 'none' };

/**
 * One clause `<type>.<key> <comparator> <value>`. Attribute keys are canonical
 * (e.g. `created` → `start_time`, `run name` → `run_name`).
 */
export interface Comparison {
  readonly type: EntityType;
  readonly key: string;
  readonly comparator: Comparator;
  readonly value: FilterValue;
}

/** A whole filter: its clauses joined by AND (MLflow's grammar has no OR). Empty = match all. */
export type Filter = readonly Comparison[];

/** One `order_by` key. */
export interface OrderByTerm {
  readonly type: EntityType;
  readonly key: string;
  readonly ascending: boolean;
  /** Logged-model searches may order a metric by the dataset it was logged against. */
  readonly datasetName?: string | undefined;
  readonly datasetDigest?: string | undefined;
}

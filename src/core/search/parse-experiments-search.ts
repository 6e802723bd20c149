/**
 * The `search_experiments` grammar (MLflow's `SearchExperimentsUtils`):
 *
 * - only the prefixes `attribute`, `tag` and `tags`, never backticked; no prefix means an
 *   attribute;
 * - attributes `name` (quoted string, `= != LIKE ILIKE`) and `creation_time`,
 *   `last_update_time` (numbers, `= != > >= < <=`);
 * - tags: quoted strings with `= != LIKE ILIKE`, and `IS NULL` / `IS NOT NULL`;
 * - `order_by` keys: `name`, `experiment_id`, `creation_time`, `last_update_time`.
 * @module
 */

import type { EntityType, Filter, OrderByTerm } from './search-ast.js';
import {
  MLFLOW_FILTER_MESSAGES,
  MLFLOW_ORDER_BY_MESSAGES,
  NUMERIC_COMPARATORS,
  STRING_COMPARATORS,
  STRING_NULL_COMPARATORS,
  type SearchFilterDialect,
  type SearchOrderByDialect,
} from './search-dialect.js';
import { parseSearchFilter } from './parse-search-filter.js';
import { parseSearchOrderBy } from './parse-search-order-by.js';
import { pythonRepr } from './python-repr.js';

const EXPERIMENT_PREFIXES: ReadonlyMap<string, EntityType> = new Map<string, EntityType>([
  ['attribute', 'attribute'],
  ['tag', 'tag'],
  ['tags', 'tag'],
]);

/** MLflow's message for a prefix other than `attribute`, `tag` or `tags`. */
export const invalidAttributeOrTagEntityType = (prefix: string): string =>
  `Invalid entity type '${prefix}'. Valid entity types are ${pythonRepr.tuple(['attribute', 'tag', 'tags'])}`;

/** The `search_experiments` filter dialect. */
export const EXPERIMENTS_FILTER_DIALECT: SearchFilterDialect = {
  prefixes: EXPERIMENT_PREFIXES,
  backtickedPrefixes: false,
  invalidEntityType: invalidAttributeOrTagEntityType,
  attributes: new Map([
    ['name', { key: 'name', valueKind: 'string', comparators: STRING_COMPARATORS }],
    ['creation_time', { key: 'creation_time', valueKind: 'number', comparators: NUMERIC_COMPARATORS }],
    ['last_update_time', { key: 'last_update_time', valueKind: 'number', comparators: NUMERIC_COMPARATORS }],
  ]),
  tag: { valueKind: 'string', comparators: STRING_NULL_COMPARATORS },
  messages: {
    ...MLFLOW_FILTER_MESSAGES,
    invalidClause: (_filter, clause) => `Invalid clause(s) in filter string: ${clause}`,
    nullComparatorNotSupported: () => 'IS NULL / IS NOT NULL is only supported for tags',
  },
};

/** The `search_experiments` `order_by` dialect: attributes only. */
export const EXPERIMENTS_ORDER_BY_DIALECT: SearchOrderByDialect = {
  prefixes: EXPERIMENT_PREFIXES,
  backtickedPrefixes: false,
  invalidEntityType: invalidAttributeOrTagEntityType,
  attributes: new Map([
    ['name', 'name'],
    ['experiment_id', 'experiment_id'],
    ['creation_time', 'creation_time'],
    ['last_update_time', 'last_update_time'],
  ]),
  types: new Set<EntityType>(),
  messages: { ...MLFLOW_ORDER_BY_MESSAGES, unsupportedType: (type) => `Invalid order_by entity: ${type}` },
};

/**
 * Parses a `search_experiments` filter string, e.g. `name LIKE 'test-%' AND tags.key = 'v'`.
 * Absent or blank means no filter.
 * @throws SlipwayError INVALID_PARAMETER_VALUE with MLflow's wording.
 */
export function parseExperimentsFilter(filter: string | undefined): Filter {
  return parseSearchFilter(filter, EXPERIMENTS_FILTER_DIALECT);
}

/**
 * Parses `search_experiments` `order_by` clauses such as `last_update_time DESC`.
 * @throws SlipwayError INVALID_PARAMETER_VALUE with MLflow's wording.
 */
export function parseExperimentsOrderBy(orderBy: readonly string[]): OrderByTerm[] {
  return parseSearchOrderBy(orderBy, EXPERIMENTS_ORDER_BY_DIALECT);
}

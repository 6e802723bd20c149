/**
 * The `search_model_versions` grammar (MLflow's `SearchModelVersionUtils` and the SQL
 * registry store):
 *
 * - only the prefixes `attribute`, `tag` and `tags`; no prefix means an attribute;
 * - string attributes `name`, `run_id`, `source_path` (the version's `source`):
 *   `= != LIKE ILIKE`, and `run_id IN (…)` (no `NOT IN`);
 * - `version_number` (the version): a number, `= != > >= < <=`;
 * - tags: quoted strings with `= != LIKE ILIKE`;
 * - `order_by` keys: `name`, `version_number`, `creation_timestamp`, `last_updated_timestamp`.
 *
 * Keys stay MLflow's search names (`version_number`, `source_path`); the store maps them
 * to its columns.
 * @module
 */

import type { Comparator, EntityType, Filter, OrderByTerm } from './search-ast.js';
import {
  MLFLOW_ORDER_BY_MESSAGES,
  NUMERIC_COMPARATORS,
  STRING_COMPARATORS,
  type SearchFilterDialect,
  type SearchOrderByDialect,
} from './search-dialect.js';
import { invalidAttributeOrTagEntityType } from './parse-experiments-search.js';
import { invalidRegistryComparator, REGISTERED_MODELS_FILTER_DIALECT } from './parse-registered-models-search.js';
import { parseSearchFilter } from './parse-search-filter.js';
import { parseSearchOrderBy } from './parse-search-order-by.js';
import { pythonRepr } from './python-repr.js';

const RUN_ID_COMPARATORS: readonly Comparator[] = [...STRING_COMPARATORS, 'IN'];

/** The `search_model_versions` filter dialect. */
export const MODEL_VERSIONS_FILTER_DIALECT: SearchFilterDialect = {
  ...REGISTERED_MODELS_FILTER_DIALECT,
  attributes: new Map([
    ['name', { key: 'name', valueKind: 'string', comparators: STRING_COMPARATORS }],
    ['run_id', { key: 'run_id', valueKind: 'string', comparators: RUN_ID_COMPARATORS }],
    ['source_path', { key: 'source_path', valueKind: 'string', comparators: STRING_COMPARATORS }],
    ['version_number', { key: 'version_number', valueKind: 'number', comparators: NUMERIC_COMPARATORS }],
  ]),
  messages: {
    ...REGISTERED_MODELS_FILTER_DIALECT.messages,
    invalidComparator: (comparator, field) =>
      field.type === 'attribute' && field.rule.valueKind === 'number'
        ? `Invalid comparator for attribute ${field.key}: ${comparator}`
        : invalidRegistryComparator(comparator, field.type),
  },
};

/** The `search_model_versions` `order_by` dialect: attributes only. */
export const MODEL_VERSIONS_ORDER_BY_DIALECT: SearchOrderByDialect = {
  prefixes: REGISTERED_MODELS_FILTER_DIALECT.prefixes,
  backtickedPrefixes: false,
  invalidEntityType: invalidAttributeOrTagEntityType,
  attributes: new Map([
    ['name', 'name'],
    ['version_number', 'version_number'],
    ['creation_timestamp', 'creation_timestamp'],
    ['last_updated_timestamp', 'last_updated_timestamp'],
  ]),
  types: new Set<EntityType>(),
  messages: {
    ...MLFLOW_ORDER_BY_MESSAGES,
    invalidAttributeKey: (key, validKeys) =>
      `Invalid order by key '${key}' specified. Valid keys are ${pythonRepr.set(validKeys)}`,
    unsupportedType: (type) => `Invalid order_by entity: ${type}`,
  },
};

/**
 * Parses a `search_model_versions` filter string, e.g. `name = 'm' AND version_number > 2`
 * or `run_id IN ('a', 'b')`. Absent or blank means no filter.
 * @throws SlipwayError INVALID_PARAMETER_VALUE with MLflow's wording.
 */
export function parseModelVersionsFilter(filter: string | undefined): Filter {
  return parseSearchFilter(filter, MODEL_VERSIONS_FILTER_DIALECT);
}

/**
 * Parses `search_model_versions` `order_by` clauses such as `version_number DESC`.
 * MLflow's default when none is given (`last_updated_timestamp DESC, name ASC,
 * version_number DESC`) is the store's business.
 * @throws SlipwayError INVALID_PARAMETER_VALUE with MLflow's wording.
 */
export function parseModelVersionsOrderBy(orderBy: readonly string[]): OrderByTerm[] {
  return parseSearchOrderBy(orderBy, MODEL_VERSIONS_ORDER_BY_DIALECT);
}

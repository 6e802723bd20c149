/**
 * The `search_registered_models` grammar (MLflow's `SearchModelUtils` and the SQL
 * registry store):
 *
 * - only the prefixes `attribute`, `tag` and `tags`; no prefix means an attribute;
 * - the one attribute is `name` (quoted string, `= != LIKE ILIKE`);
 * - tags: quoted strings with `= != LIKE ILIKE`. The prompt filter the client appends
 *   (``tags.`mlflow.prompt.is_prompt` != 'true'``) parses as an ordinary tag clause; its
 *   special meaning is the store's business;
 * - `order_by` keys: `name`, `creation_timestamp`, `last_updated_timestamp`, and
 *   `timestamp` (meaning `last_updated_timestamp`).
 * @module
 */

import { SlipwayError } from '../errors/slipway-error.js';
import type { EntityType, Filter, OrderByTerm } from './search-ast.js';
import {
  MLFLOW_FILTER_MESSAGES,
  MLFLOW_ORDER_BY_MESSAGES,
  STRING_COMPARATORS,
  type SearchFilterDialect,
  type SearchOrderByDialect,
} from './search-dialect.js';
import { invalidAttributeOrTagEntityType } from './parse-experiments-search.js';
import { parseSearchFilter } from './parse-search-filter.js';
import { parseSearchOrderBy } from './parse-search-order-by.js';
import { pythonRepr } from './python-repr.js';

const REGISTRY_PREFIXES: ReadonlyMap<string, EntityType> = new Map<string, EntityType>([
  ['attribute', 'attribute'],
  ['tag', 'tag'],
  ['tags', 'tag'],
]);

/** The registry stores' wording of a refused comparator. */
export const invalidRegistryComparator = (comparator: string, type: EntityType): string =>
  `Invalid comparator for ${type === 'tag' ? 'tag' : 'attribute'}: ${comparator}`;

/** The `search_registered_models` filter dialect. */
export const REGISTERED_MODELS_FILTER_DIALECT: SearchFilterDialect = {
  prefixes: REGISTRY_PREFIXES,
  backtickedPrefixes: false,
  invalidEntityType: invalidAttributeOrTagEntityType,
  attributes: new Map([['name', { key: 'name', valueKind: 'string', comparators: STRING_COMPARATORS }]]),
  tag: { valueKind: 'string', comparators: STRING_COMPARATORS },
  messages: {
    ...MLFLOW_FILTER_MESSAGES,
    invalidClause: (_filter, clause) => `Invalid clause(s) in filter string: ${clause}`,
    invalidComparator: (comparator, field) => invalidRegistryComparator(comparator, field.type),
    nullComparatorNotSupported: (comparator, field) => invalidRegistryComparator(comparator, field.type),
    expectedString: (field, found) =>
      field.type === 'attribute'
        ? `Expected a quoted string value or a list of quoted string values for attributes. Got value ${found}`
        : MLFLOW_FILTER_MESSAGES.expectedString(field, found),
  },
};

const REGISTERED_MODEL_ORDER_BY_KEYS: ReadonlyMap<string, string> = new Map([
  ['name', 'name'],
  ['creation_timestamp', 'creation_timestamp'],
  ['last_updated_timestamp', 'last_updated_timestamp'],
  ['timestamp', 'last_updated_timestamp'],
]);

/** The `search_registered_models` `order_by` dialect: attributes only. */
export const REGISTERED_MODELS_ORDER_BY_DIALECT: SearchOrderByDialect = {
  prefixes: REGISTRY_PREFIXES,
  backtickedPrefixes: false,
  invalidEntityType: invalidAttributeOrTagEntityType,
  attributes: REGISTERED_MODEL_ORDER_BY_KEYS,
  types: new Set<EntityType>(),
  messages: {
    ...MLFLOW_ORDER_BY_MESSAGES,
    invalidAttributeKey: (key, validKeys) =>
      `Invalid order by key '${key}' specified. Valid keys are '${pythonRepr.set(validKeys)}'`,
    unsupportedType: (type) => `Invalid order_by entity: ${type}`,
  },
};

/**
 * Parses a `search_registered_models` filter string, e.g. `name LIKE 'fraud-%'`.
 * Absent or blank means no filter.
 * @throws SlipwayError INVALID_PARAMETER_VALUE with MLflow's wording.
 */
export function parseRegisteredModelsFilter(filter: string | undefined): Filter {
  return parseSearchFilter(filter, REGISTERED_MODELS_FILTER_DIALECT);
}

/**
 * Parses `search_registered_models` `order_by` clauses such as `name ASC` or
 * `timestamp DESC` (which becomes `last_updated_timestamp`).
 * @throws SlipwayError INVALID_PARAMETER_VALUE with MLflow's wording.
 */
export function parseRegisteredModelsOrderBy(orderBy: readonly string[]): OrderByTerm[] {
  for (const clause of orderBy) {
    // MLflow reads `timestamp` as a SQL builtin, so a bad direction after it is an
    // unparsable clause rather than a bad ordering key.
    const m = /^timestamp\s+(\S+)$/.exec(clause);
    const direction = m?.[1]?.toLowerCase();
    if (direction !== undefined && direction !== 'asc' && direction !== 'desc') {
      throw SlipwayError.invalidParameter(REGISTERED_MODELS_ORDER_BY_DIALECT.messages.unparsable(clause));
    }
  }
  return parseSearchOrderBy(orderBy, REGISTERED_MODELS_ORDER_BY_DIALECT);
}

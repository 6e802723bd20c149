/**
 * The `search_runs` grammar (MLflow's `SearchUtils`):
 *
 * - types `metric(s)`, `param(s)`/`parameter(s)`, `tag(s)`, `attribute(s)`/`attr`/`run`,
 *   `dataset(s)`, each also accepted in backticks;
 * - metrics: numeric literals with `= != > >= < <=`;
 * - params and tags: quoted strings with `= != LIKE ILIKE`, and `IS NULL` / `IS NOT NULL`;
 * - attributes `run_id`, `run_name`, `status`, `user_id`, `artifact_uri` (strings,
 *   `= != LIKE ILIKE`; `run_id` also `IN` / `NOT IN` a list) and `start_time`, `end_time`
 *   (numbers). `created` / `Created` mean `start_time`; `run name` / `Run name` /
 *   `Run Name` mean `run_name`. `lifecycle_stage` is not searchable (that is `run_view_type`);
 * - `datasets.name`, `datasets.digest`, `datasets.context`: strings, lists allowed.
 * @module
 */

import type { EntityType, Filter, OrderByTerm } from './search-ast.js';
import {
  MLFLOW_FILTER_MESSAGES,
  MLFLOW_ORDER_BY_MESSAGES,
  NUMERIC_COMPARATORS,
  STRING_COMPARATORS,
  STRING_LIST_COMPARATORS,
  STRING_NULL_COMPARATORS,
  type SearchAttributeRule,
  type SearchFilterDialect,
  type SearchOrderByDialect,
} from './search-dialect.js';
import { parseSearchFilter } from './parse-search-filter.js';
import { parseSearchOrderBy } from './parse-search-order-by.js';
import { pythonRepr } from './python-repr.js';

const string = (key: string): SearchAttributeRule => ({ key, valueKind: 'string', comparators: STRING_COMPARATORS });
const numeric = (key: string): SearchAttributeRule => ({
  key,
  valueKind: 'number',
  comparators: NUMERIC_COMPARATORS,
});
const list = (key: string): SearchAttributeRule => ({
  key,
  valueKind: 'string',
  comparators: STRING_LIST_COMPARATORS,
});

const RUN_PREFIXES: ReadonlyMap<string, EntityType> = new Map<string, EntityType>([
  ['metric', 'metric'],
  ['metrics', 'metric'],
  ['parameter', 'param'],
  ['parameters', 'param'],
  ['param', 'param'],
  ['params', 'param'],
  ['tag', 'tag'],
  ['tags', 'tag'],
  ['attribute', 'attribute'],
  ['attributes', 'attribute'],
  ['attr', 'attribute'],
  ['run', 'attribute'],
  ['dataset', 'dataset'],
  ['datasets', 'dataset'],
]);

const invalidRunEntityType = (prefix: string): string =>
  `Invalid entity type '${prefix}'. Valid values are ${pythonRepr.list(['metric', 'parameter', 'tag', 'attribute', 'dataset'])}`;

/** The `search_runs` filter dialect. */
export const RUNS_FILTER_DIALECT: SearchFilterDialect = {
  prefixes: RUN_PREFIXES,
  backtickedPrefixes: true,
  invalidEntityType: invalidRunEntityType,
  attributes: new Map([
    ['run_id', list('run_id')],
    ['run_name', string('run_name')],
    ['status', string('status')],
    ['user_id', string('user_id')],
    ['artifact_uri', string('artifact_uri')],
    ['start_time', numeric('start_time')],
    ['end_time', numeric('end_time')],
    ['created', numeric('start_time')],
    ['Created', numeric('start_time')],
    ['run name', string('run_name')],
    ['Run name', string('run_name')],
    ['Run Name', string('run_name')],
  ]),
  datasets: new Map([
    ['name', list('name')],
    ['digest', list('digest')],
    ['context', list('context')],
  ]),
  metric: { valueKind: 'number', comparators: NUMERIC_COMPARATORS },
  param: { valueKind: 'string', comparators: STRING_NULL_COMPARATORS },
  tag: { valueKind: 'string', comparators: STRING_NULL_COMPARATORS },
  messages: {
    ...MLFLOW_FILTER_MESSAGES,
    nullComparatorNotSupported: () => 'IS NULL / IS NOT NULL is only supported for tags and params',
  },
};

/** The `search_runs` `order_by` dialect: metrics, params, tags and run attributes. */
export const RUNS_ORDER_BY_DIALECT: SearchOrderByDialect = {
  prefixes: RUN_PREFIXES,
  backtickedPrefixes: true,
  invalidEntityType: invalidRunEntityType,
  attributes: new Map([
    ['run_id', 'run_id'],
    ['run_name', 'run_name'],
    ['status', 'status'],
    ['user_id', 'user_id'],
    ['artifact_uri', 'artifact_uri'],
    ['start_time', 'start_time'],
    ['end_time', 'end_time'],
    ['created', 'start_time'],
    ['Created', 'start_time'],
  ]),
  types: new Set<EntityType>(['metric', 'param', 'tag']),
  messages: MLFLOW_ORDER_BY_MESSAGES,
};

/**
 * Parses a `search_runs` filter string. Absent or blank means no filter.
 * @throws SlipwayError INVALID_PARAMETER_VALUE with MLflow's wording.
 */
export function parseRunsFilter(filter: string | undefined): Filter {
  return parseSearchFilter(filter, RUNS_FILTER_DIALECT);
}

/**
 * Parses `search_runs` `order_by` clauses such as `metrics.acc DESC` or
 * ``params.`learning rate` ``. `created` orders by `start_time`.
 * @throws SlipwayError INVALID_PARAMETER_VALUE with MLflow's wording.
 */
export function parseRunsOrderBy(orderBy: readonly string[]): OrderByTerm[] {
  return parseSearchOrderBy(orderBy, RUNS_ORDER_BY_DIALECT);
}

/**
 * The `search_logged_models` grammar (MLflow 3's separate parser,
 * `mlflow/utils/search_logged_model_utils.py`, and the SQL store that applies it):
 *
 * - the prefixes are exactly `metrics.`, `params.`, `tags.` and `attributes.` (no singular
 *   forms, no backticks); no prefix means an attribute;
 * - attributes `name`, `model_id`, `model_type`, `status`, `source_run_id` (quoted strings,
 *   `= != LIKE ILIKE IN NOT IN`) and `creation_timestamp`, `last_updated_timestamp`
 *   (numbers, `< <= > >= = !=`), with the aliases `creation_time` and `last_updated_time`;
 * - metrics: numbers, `< <= > >= = !=`; params and tags: quoted strings,
 *   `= != LIKE ILIKE IN NOT IN`;
 * - `order_by` is structured (`{field_name, ascending, dataset_name, dataset_digest}`):
 *   an attribute, or `metrics.<key>` optionally tied to a dataset.
 * @module
 */

import { SlipwayError } from '../errors/slipway-error.js';
import type { Comparator, EntityType, Filter, OrderByTerm } from './search-ast.js';
import {
  MLFLOW_FILTER_MESSAGES,
  STRING_LIST_COMPARATORS,
  type SearchAttributeRule,
  type SearchFilterDialect,
} from './search-dialect.js';
import { parseSearchFilter } from './parse-search-filter.js';
import { pythonRepr } from './python-repr.js';

const LOGGED_MODEL_NUMERIC_COMPARATORS: readonly Comparator[] = ['<', '<=', '>', '>=', '=', '!='];

const LOGGED_MODEL_PREFIXES: ReadonlyMap<string, EntityType> = new Map<string, EntityType>([
  ['attributes', 'attribute'],
  ['metrics', 'metric'],
  ['params', 'param'],
  ['tags', 'tag'],
]);

const PREFIX_OF: Readonly<Record<EntityType, string>> = {
  attribute: 'attributes',
  metric: 'metrics',
  param: 'params',
  tag: 'tags',
  dataset: 'datasets',
};

const string = (key: string): SearchAttributeRule => ({ key, valueKind: 'string', comparators: STRING_LIST_COMPARATORS });
const numeric = (key: string): SearchAttributeRule => ({
  key,
  valueKind: 'number',
  comparators: LOGGED_MODEL_NUMERIC_COMPARATORS,
});

const invalidComparator = (comparator: string, type: EntityType, key: string, allowed: readonly string[]): string =>
  `Invalid comparison operator for ${PREFIX_OF[type]}.${key}: ${pythonRepr.str(comparator)}. ` +
  `Expected one of ${pythonRepr.tuple(allowed)}.`;

/** The `search_logged_models` filter dialect. */
export const LOGGED_MODELS_FILTER_DIALECT: SearchFilterDialect = {
  prefixes: LOGGED_MODEL_PREFIXES,
  backtickedPrefixes: false,
  invalidEntityType: (prefix) =>
    `Invalid entity type: ${pythonRepr.str(prefix)}. Expected one of ${pythonRepr.list(['attributes', 'metrics', 'params', 'tags'])}.`,
  attributes: new Map([
    ['name', string('name')],
    ['model_id', string('model_id')],
    ['model_type', string('model_type')],
    ['status', string('status')],
    ['source_run_id', string('source_run_id')],
    ['creation_timestamp', numeric('creation_timestamp')],
    ['creation_time', numeric('creation_timestamp')],
    ['last_updated_timestamp', numeric('last_updated_timestamp')],
    ['last_updated_time', numeric('last_updated_timestamp')],
  ]),
  metric: { valueKind: 'number', comparators: LOGGED_MODEL_NUMERIC_COMPARATORS },
  param: { valueKind: 'string', comparators: STRING_LIST_COMPARATORS },
  tag: { valueKind: 'string', comparators: STRING_LIST_COMPARATORS },
  comparatorBeforeValue: true,
  messages: {
    ...MLFLOW_FILTER_MESSAGES,
    invalidClause: (filter) =>
      `Invalid filter string: ${pythonRepr.str(filter)}. Expected a list of comparisons separated by 'AND' ` +
      "(e.g. 'metrics.loss > 0.1 AND params.lr = 0.01').",
    multipleExpressions: (filter) =>
      `Invalid filter string: ${pythonRepr.str(filter)}. Expected a single SQL expression.`,
    invalidComparator: (comparator, field) =>
      invalidComparator(comparator, field.type, field.key, field.rule.comparators),
    nullComparatorNotSupported: (comparator, field) =>
      invalidComparator(comparator, field.type, field.key, field.rule.comparators),
  },
};

/** One `order_by` entry of a `search_logged_models` request (JSON `order_by[]`). */
export interface LoggedModelOrderByInput {
  /** An attribute (`creation_timestamp`, `name`, …) or `metrics.<key>`. */
  readonly fieldName: string;
  /** @default true */
  readonly ascending?: boolean | undefined;
  /** For a metric: order by its value logged against this dataset. */
  readonly datasetName?: string | undefined;
  /** For a metric: narrows `datasetName` to one digest; needs `datasetName`. */
  readonly datasetDigest?: string | undefined;
}

const ORDERABLE_ATTRIBUTES: ReadonlyMap<string, string> = new Map(
  [...(LOGGED_MODELS_FILTER_DIALECT.attributes.entries())].map(([spelling, rule]) => [spelling, rule.key]),
);

/**
 * Parses a `search_logged_models` filter string, e.g.
 * `name = 'model' AND metrics.accuracy > 0.9`. Absent or blank means no filter.
 * @throws SlipwayError INVALID_PARAMETER_VALUE with MLflow's wording.
 */
export function parseLoggedModelsFilter(filter: string | undefined): Filter {
  return parseSearchFilter(filter, LOGGED_MODELS_FILTER_DIALECT);
}

/**
 * Validates `search_logged_models` `order_by` entries: `fieldName` is an attribute
 * (aliases resolved, e.g. `creation_time` → `creation_timestamp`) or `metrics.<key>`;
 * a dataset may only qualify a metric, and a digest needs a name.
 * @throws SlipwayError INVALID_PARAMETER_VALUE with MLflow's wording.
 */
export function parseLoggedModelsOrderBy(orderBy: readonly LoggedModelOrderByInput[]): OrderByTerm[] {
  return orderBy.map(parseLoggedModelOrderBy);
}

function parseLoggedModelOrderBy(entry: LoggedModelOrderByInput): OrderByTerm {
  const fieldName = entry.fieldName as string | undefined;
  if (fieldName === undefined || fieldName === '') {
    throw SlipwayError.invalidParameter('`field_name` in the `order_by` clause must be specified.');
  }
  const ascending: unknown = entry.ascending ?? true;
  if (typeof ascending !== 'boolean') {
    throw SlipwayError.invalidParameter(
      `Value of \`ascending\` in the \`order_by\` clause must be a boolean, got ${typeof ascending} for field ${fieldName}.`,
    );
  }
  const datasetName = nonEmpty(entry.datasetName);
  const datasetDigest = nonEmpty(entry.datasetDigest);
  if (datasetDigest !== undefined && datasetName === undefined) {
    throw SlipwayError.invalidParameter('`dataset_digest` can only be specified if `dataset_name` is also specified.');
  }

  const dot = fieldName.indexOf('.');
  if (dot !== -1) {
    const entity = fieldName.slice(0, dot);
    const key = fieldName.slice(dot + 1);
    if (entity !== 'metrics') {
      throw SlipwayError.invalidParameter(
        `Invalid order by field name: ${entity}, only \`metrics.<name>\` is allowed.`,
      );
    }
    if (key === '') throw SlipwayError.invalidParameter(`Invalid order by field name: ${fieldName}.`);
    return {
      type: 'metric',
      key,
      ascending,
      ...(datasetName === undefined ? {} : { datasetName }),
      ...(datasetDigest === undefined ? {} : { datasetDigest }),
    };
  }

  const key = ORDERABLE_ATTRIBUTES.get(fieldName.trim());
  if (key === undefined) throw SlipwayError.invalidParameter(`Invalid order by field name: ${fieldName}.`);
  return { type: 'attribute', key, ascending };
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}

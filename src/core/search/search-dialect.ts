/**
 * A search "dialect": what one MLflow search (runs, experiments, logged models, registered
 * models, model versions) accepts on top of the shared grammar. The shared parser
 * (`parseSearchFilter`, `parseSearchOrderBy`) is driven entirely by these tables, so each
 * entity's rules live in one place, next to its public `parse…` functions.
 *
 * The default messages below are MLflow's wording (`mlflow/utils/search_utils.py`); a
 * dialect overrides the ones its MLflow counterpart words differently.
 * @module
 */

import type { Comparator, EntityType } from './search-ast.js';
import { pythonRepr } from './python-repr.js';

/** What kind of literal a field compares against. */
export type SearchValueKind = 'number' | 'string';

/** How one kind of field (all metrics, all tags, one attribute…) may be compared. */
export interface SearchFieldRule {
  /** `number`: an unquoted numeric literal; `string`: a quoted string (or a list of them). */
  readonly valueKind: SearchValueKind;
  /** Accepted comparators. `IN` / `NOT IN` here also means the field accepts a list. */
  readonly comparators: readonly Comparator[];
}

/** A searchable attribute, under one of its spellings. */
export interface SearchAttributeRule extends SearchFieldRule {
  /** The canonical key the AST carries (aliases resolve to it). */
  readonly key: string;
}

/** The field a message is about. */
export interface SearchField {
  readonly type: EntityType;
  /** The key as written, quotes removed, aliases not yet resolved. */
  readonly key: string;
  /** The whole identifier as written, e.g. ``tags.`mlflow.runName` ``. */
  readonly identifier: string;
  readonly rule: SearchFieldRule;
}

/** How identifiers (`<type>.<key>` or a bare attribute key) are spelled. */
export interface SearchIdentifierDialect {
  /** Accepted type prefixes (the text before the first dot) and what each means. */
  readonly prefixes: ReadonlyMap<string, EntityType>;
  /** Whether a prefix may be written in backticks, as in `` `metric`.acc ``. */
  readonly backtickedPrefixes: boolean;
  /** Message for an unknown prefix (as written). */
  readonly invalidEntityType: (prefix: string) => string;
}

/** Every error message the filter parser can produce. */
export interface SearchFilterMessages {
  /** A clause that is not `<identifier> <comparator> <value>` (also OR, parentheses, dangling AND). */
  invalidClause(filter: string, clause: string): string;
  /** The filter holds `;`-separated statements. */
  multipleExpressions(filter: string): string;
  /** A clause starts with a literal, as in `1 = 1`. */
  expectedIdentifier(found: string): string;
  invalidAttributeKey(key: string, validKeys: readonly string[]): string;
  invalidDatasetKey(key: string, validKeys: readonly string[]): string;
  invalidComparator(comparator: string, field: SearchField): string;
  /** `IS NULL` / `IS NOT NULL` on a field that does not accept them. */
  nullComparatorNotSupported(comparator: string, field: SearchField): string;
  /** A parenthesised list for a string attribute that takes none. */
  listNotSupported(field: SearchField): string;
  expectedNumber(field: SearchField, found: string): string;
  expectedString(field: SearchField, found: string): string;
  /** An unquoted word (or a backticked one) where a string literal belongs. */
  unquotedString(found: string): string;
  emptyList(): string;
  nonStringList(list: string): string;
  illFormedList(): string;
}

/** Everything `parseSearchFilter` needs to know about one search. */
export interface SearchFilterDialect extends SearchIdentifierDialect {
  /** Searchable attributes under every accepted spelling (aliases included). */
  readonly attributes: ReadonlyMap<string, SearchAttributeRule>;
  /** Dataset keys (`datasets.name`, …), for the searches that have them. */
  readonly datasets?: ReadonlyMap<string, SearchAttributeRule>;
  readonly metric?: SearchFieldRule;
  readonly param?: SearchFieldRule;
  readonly tag?: SearchFieldRule;
  /**
   * Check the comparator before the value. MLflow's run-style parsers check the value
   * first (the comparator only in the store); the logged-model parser the other way round.
   */
  readonly comparatorBeforeValue?: boolean;
  readonly messages: SearchFilterMessages;
}

/** Every error message the `order_by` parser can produce. */
export interface SearchOrderByMessages {
  /** The clause is not `<identifier> [ASC|DESC]` (extra tokens, stray whitespace, …). */
  unparsable(clause: string): string;
  /** The word after the identifier is neither ASC nor DESC. */
  invalidDirection(clause: string): string;
  invalidAttributeKey(key: string, validKeys: readonly string[]): string;
  /** A type prefix this search cannot order by (datasets for runs, tags for experiments). */
  unsupportedType(type: EntityType, clause: string): string;
}

/** Everything `parseSearchOrderBy` needs to know about one search. */
export interface SearchOrderByDialect extends SearchIdentifierDialect {
  /** Orderable attributes: each accepted spelling and its canonical key. */
  readonly attributes: ReadonlyMap<string, string>;
  /** Non-attribute types that may be ordered by (e.g. metrics, params and tags for runs). */
  readonly types: ReadonlySet<EntityType>;
  readonly messages: SearchOrderByMessages;
}

const PARAM_OR_TAG_NOUN: Partial<Record<EntityType, string>> = { param: 'parameter', tag: 'tag' };

/** MLflow's wording of filter errors, as `SearchUtils` (search_runs) words them. */
export const MLFLOW_FILTER_MESSAGES: SearchFilterMessages = {
  invalidClause: (_filter, clause) => `Invalid clause(s) in filter string: '${clause}'`,
  multipleExpressions: (filter) =>
    `Search filter contained multiple expression ${pythonRepr.str(filter)}. Provide AND-ed expression list.`,
  expectedIdentifier: (found) => `Invalid comparison clause. Expected 'Identifier' found '${found}'`,
  invalidAttributeKey: (key, validKeys) =>
    `Invalid attribute key '${key}' specified. Valid keys are '${pythonRepr.set(validKeys)}'`,
  invalidDatasetKey: (key, validKeys) =>
    `Invalid dataset key '${key}' specified. Valid keys are '${pythonRepr.set(validKeys)}'`,
  invalidComparator: (comparator, field) =>
    `Invalid comparator '${comparator}' not one of '${pythonRepr.set(field.rule.comparators)}'`,
  nullComparatorNotSupported: (comparator, field) =>
    `Invalid comparator '${comparator}' not one of '${pythonRepr.set(field.rule.comparators)}'`,
  listNotSupported: () =>
    "Only the 'run_id' attribute supports comparison with a list of quoted string values.",
  expectedNumber: (field, found) =>
    field.type === 'metric'
      ? `Expected numeric value type for metric. Found ${found}`
      : `Expected numeric value type for numeric attribute: ${field.key}. Found ${found}`,
  expectedString: (field, found) => {
    const noun = PARAM_OR_TAG_NOUN[field.type];
    if (noun !== undefined) {
      return `Expected a quoted string value for ${noun} (e.g. 'my-value'). Got value ${found}`;
    }
    if (field.type === 'dataset') return `Expected a quoted string value for dataset attributes. Got value ${found}`;
    return `Expected a quoted string value for attributes. Got value ${found}`;
  },
  unquotedString: (found) =>
    `Parameter value is either not quoted or unidentified quote types used for string value ${found}. ` +
    'Use either single or double quotes.',
  emptyList: () =>
    'While parsing a list in the query, expected a non-empty list of string values, but got empty list',
  nonStringList: (list) =>
    'While parsing a list in the query, expected string value, punctuation, or whitespace, ' +
    `but got different type in list: ${list}`,
  illFormedList: () =>
    'While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.',
};

/** MLflow's wording of `order_by` errors (`SearchUtils._parse_order_by_string`). */
export const MLFLOW_ORDER_BY_MESSAGES: SearchOrderByMessages = {
  unparsable: (clause) => `Invalid order_by clause '${clause}'. Could not be parsed.`,
  invalidDirection: (clause) => `Invalid ordering key in order_by clause '${clause}'.`,
  invalidAttributeKey: (key, validKeys) =>
    `Invalid attribute key '${key}' specified. Valid keys are '${pythonRepr.set(validKeys)}'`,
  unsupportedType: (type) => `Invalid order_by entity type '${type}'`,
};

/** The comparators MLflow accepts for numbers (metrics, timestamps). */
export const NUMERIC_COMPARATORS: readonly Comparator[] = ['=', '!=', '>', '>=', '<', '<='];

/** The comparators MLflow accepts for strings (params, tags, string attributes). */
export const STRING_COMPARATORS: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE'];

/** {@link STRING_COMPARATORS} plus the list comparators `IN` and `NOT IN`. */
export const STRING_LIST_COMPARATORS: readonly Comparator[] = [...STRING_COMPARATORS, 'IN', 'NOT IN'];

/** {@link STRING_COMPARATORS} plus `IS NULL` / `IS NOT NULL` (tag or param presence). */
export const STRING_NULL_COMPARATORS: readonly Comparator[] = [...STRING_COMPARATORS, 'IS NULL', 'IS NOT NULL'];

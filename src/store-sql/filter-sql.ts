import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { SlipwayError } from '../core/errors/slipway-error.js';
import type { Comparator, FilterValue } from '../core/search/search-ast.js';
import type { SqlFlavor } from './sql-flavor.js';

/**
 * Translates one comparison of MLflow's search grammar into SQL for either flavor.
 * LIKE is case-sensitive and ILIKE is not, on both databases: SQLite's LIKE ignores
 * ASCII case, so a case-sensitive LIKE becomes GLOB with the pattern translated.
 * @module
 */

/** A boolean SQL fragment. */
export type SqlCondition = RawBuilder<unknown>;

/** `column <comparator> value` for text columns. */
export function stringCondition(
  flavor: SqlFlavor,
  column: RawBuilder<unknown>,
  comparator: Comparator,
  value: FilterValue,
): SqlCondition {
  switch (comparator) {
    case '=':
      return sql<SqlBool>`${column} = ${stringValue(value)}`;
    case '!=':
      return sql<SqlBool>`${column} <> ${stringValue(value)}`;
    case 'LIKE':
      return flavor === 'sqlite'
        ? sql<SqlBool>`${column} GLOB ${likeToGlob(stringValue(value))}`
        : sql<SqlBool>`${column} LIKE ${stringValue(value)}`;
    case 'ILIKE':
      return flavor === 'sqlite'
        ? sql<SqlBool>`lower(${column}) LIKE lower(${stringValue(value)})`
        : sql<SqlBool>`${column} ILIKE ${stringValue(value)}`;
    case 'IN':
      return sql<SqlBool>`${column} IN (${sql.join(listValue(value))})`;
    case 'NOT IN':
      return sql<SqlBool>`${column} NOT IN (${sql.join(listValue(value))})`;
    case 'IS NULL':
      return sql<SqlBool>`${column} IS NULL`;
    case 'IS NOT NULL':
      return sql<SqlBool>`${column} IS NOT NULL`;
    default:
      throw SlipwayError.invalidParameter(`Comparator '${comparator}' is not supported for string values`);
  }
}

/** `column <comparator> value` for numeric columns. */
export function numericCondition(column: RawBuilder<unknown>, comparator: Comparator, value: FilterValue): SqlCondition {
  if (comparator === 'IS NULL') return sql<SqlBool>`${column} IS NULL`;
  if (comparator === 'IS NOT NULL') return sql<SqlBool>`${column} IS NOT NULL`;
  const n = numberValue(value);
  switch (comparator) {
    case '=':
      return sql<SqlBool>`${column} = ${n}`;
    case '!=':
      return sql<SqlBool>`${column} <> ${n}`;
    case '>':
      return sql<SqlBool>`${column} > ${n}`;
    case '>=':
      return sql<SqlBool>`${column} >= ${n}`;
    case '<':
      return sql<SqlBool>`${column} < ${n}`;
    case '<=':
      return sql<SqlBool>`${column} <= ${n}`;
    default:
      throw SlipwayError.invalidParameter(`Comparator '${comparator}' is not supported for numeric values`);
  }
}

/** Joins conditions with AND; an empty list is TRUE. */
export function allOf(conditions: readonly SqlCondition[]): SqlCondition {
  if (conditions.length === 0) return sql<SqlBool>`1 = 1`;
  return sql<SqlBool>`(${sql.join(conditions, sql` AND `)})`;
}

/**
 * Turns a SQL LIKE pattern into an equivalent GLOB pattern: `%` → `*`, `_` → `?`, and the
 * GLOB metacharacters `*`, `?`, `[` in the pattern become literal bracket classes.
 */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '%') out += '*';
    else if (ch === '_') out += '?';
    else if (ch === '*' || ch === '?' || ch === '[') out += `[${ch}]`;
    else out += ch;
  }
  return out;
}

function stringValue(value: FilterValue): string {
  if (value.kind === 'string') return value.value;
  if (value.kind === 'number') return String(value.value);
  throw SlipwayError.invalidParameter('Expected a single quoted string value');
}

function numberValue(value: FilterValue): number {
  if (value.kind === 'number') return value.value;
  throw SlipwayError.invalidParameter('Expected a numeric value');
}

function listValue(value: FilterValue): readonly string[] {
  if (value.kind === 'list' && value.values.length > 0) return value.values;
  throw SlipwayError.invalidParameter('Expected a non-empty list of quoted strings');
}

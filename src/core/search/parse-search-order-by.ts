/**
 * Parser for MLflow's string `order_by` clauses (runs, experiments, registered models,
 * model versions), shared by every search that takes them. Hand-written, like the filter
 * parser: MLflow uses the Python library `sqlparse` and there is no JavaScript equivalent.
 *
 * ```
 * clause := identifier [ whitespace ( ASC | DESC ) ]      (ASC/DESC in any case)
 * ```
 *
 * As in MLflow, the clause must not start or end with whitespace, and nothing may follow
 * the direction. The identifier follows the filter grammar (backticks or double quotes
 * around keys with special characters).
 * @module
 */

import { SlipwayError } from '../errors/slipway-error.js';
import type { OrderByTerm } from './search-ast.js';
import type { SearchOrderByDialect } from './search-dialect.js';
import { readSearchIdentifier, resolveSearchIdentifier } from './parse-search-identifier.js';
import { tokenizeSearch } from './tokenize-search.js';

/**
 * Parses each clause of `orderBy` under `dialect`; ascending unless `DESC`.
 * @throws SlipwayError INVALID_PARAMETER_VALUE naming the offending clause or key.
 */
export function parseSearchOrderBy(orderBy: readonly string[], dialect: SearchOrderByDialect): OrderByTerm[] {
  return orderBy.map((clause) => parseClause(clause, dialect));
}

function parseClause(clause: string, dialect: SearchOrderByDialect): OrderByTerm {
  const messages = dialect.messages;
  const unparsable = (): SlipwayError => SlipwayError.invalidParameter(messages.unparsable(clause));
  if (clause === '' || clause.trim() !== clause) throw unparsable();

  const tokens = tokenizeSearch(clause);
  const read = readSearchIdentifier(clause, tokens, 0);
  if (!read.ok) throw unparsable();

  let ascending = true;
  const rest = tokens.slice(read.next);
  const [direction, extra] = rest;
  if (direction !== undefined) {
    if (extra !== undefined || direction.kind !== 'word' || !direction.spaceBefore) throw unparsable();
    const word = direction.text.toLowerCase();
    if (word !== 'asc' && word !== 'desc') throw SlipwayError.invalidParameter(messages.invalidDirection(clause));
    ascending = word === 'asc';
  }

  const { type, key } = resolveSearchIdentifier(read.identifier, dialect);
  if (type === 'attribute') {
    const canonical = dialect.attributes.get(key);
    if (canonical === undefined) {
      throw SlipwayError.invalidParameter(messages.invalidAttributeKey(key, [...dialect.attributes.keys()]));
    }
    return { type, key: canonical, ascending };
  }
  if (!dialect.types.has(type)) throw SlipwayError.invalidParameter(messages.unsupportedType(type, clause));
  return { type, key, ascending };
}

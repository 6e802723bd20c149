/**
 * The recursive-descent parser for MLflow's search filter strings, shared by every search.
 * MLflow itself leans on the Python library `sqlparse`; no JavaScript library speaks this
 * grammar, hence this hand-written one.
 *
 * ```
 * filter     := clause ( AND clause )*            (AND in any case; no OR, no parentheses)
 * clause     := identifier comparator value
 * comparator := = | != | > | >= | < | <= | LIKE | ILIKE | IN | NOT IN | IS NULL | IS NOT NULL
 * value      := number | 'string' | "string" | ( list )      (none after IS [NOT] NULL)
 * list       := string ( , string )* [ , ]
 * ```
 *
 * Like MLflow, the parser first checks the shape of every clause (any stray token, an OR,
 * a parenthesised group or a dangling AND is an "invalid clause"), then interprets each
 * comparison against the dialect: identifier, then value type, then comparator (or
 * comparator before value, for dialects that say so).
 * @module
 */

import { SlipwayError } from '../errors/slipway-error.js';
import { COMPARATORS, type Comparator, type Comparison, type Filter, type FilterValue } from './search-ast.js';
import type { SearchField, SearchFieldRule, SearchFilterDialect } from './search-dialect.js';
import { readSearchIdentifier, resolveSearchIdentifier, type SearchIdentifier } from './parse-search-identifier.js';
import { tokenizeSearch, type SearchToken } from './tokenize-search.js';

/** A clause whose shape is right, not yet checked against the dialect. */
interface RawComparison {
  /** The identifier, or the literal a malformed clause such as `1 = 1` starts with. */
  readonly subject: SearchIdentifier | { readonly literal: string };
  /** Upper-cased keywords (`NOT IN`) or the operator as written (`>=`, `==`, `~`). */
  readonly comparator: string;
  readonly value: RawValue;
}

type RawValue =
  | { readonly kind: 'none' }
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'string'; readonly text: string; readonly value: string }
  /** An unquoted or backticked word (or dotted name) where a literal belongs. */
  | { readonly kind: 'bare'; readonly text: string }
  | { readonly kind: 'list'; readonly text: string; readonly items: readonly SearchToken[] };

/** Thrown inside the syntax pass; turned into the dialect's invalid-clause message. */
class ClauseSyntaxError extends Error {
  constructor(readonly clauseStart: number) {
    super('invalid clause');
  }
}

const NOT_A_VALUE_WORDS: ReadonlySet<string> = new Set([
  'AND',
  'OR',
  'NOT',
  'IN',
  'IS',
  'NULL',
  'LIKE',
  'ILIKE',
  'TRUE',
  'FALSE',
]);

/**
 * Parses `filter` under `dialect`. An absent or blank filter means "match everything".
 * @throws SlipwayError INVALID_PARAMETER_VALUE naming the offending clause or identifier.
 */
export function parseSearchFilter(filter: string | undefined, dialect: SearchFilterDialect): Filter {
  if (filter === undefined || filter.trim() === '') return [];
  const tokens = tokenizeSearch(filter);
  const messages = dialect.messages;

  const semicolon = tokens.findIndex((t) => t.kind === 'semicolon');
  if (semicolon !== -1 && semicolon < tokens.length - 1) {
    throw SlipwayError.invalidParameter(messages.multipleExpressions(filter));
  }

  let raw: RawComparison[];
  try {
    raw = readClauses(filter, tokens);
  } catch (e) {
    if (e instanceof ClauseSyntaxError) {
      throw SlipwayError.invalidParameter(messages.invalidClause(filter, clauseText(filter, tokens, e.clauseStart)));
    }
    throw e;
  }
  return raw.map((c) => interpret(c, dialect));
}

// ---------------------------------------------------------------------------------------
// Syntax pass

function readClauses(source: string, tokens: readonly SearchToken[]): RawComparison[] {
  const clauses: RawComparison[] = [];
  let i = 0;
  for (;;) {
    const start = i;
    const first = tokens[i];
    if (first === undefined) syntaxError(start);

    let subject: RawComparison['subject'];
    if ((first.kind === 'number' || first.kind === 'string') && tokens[i + 1]?.kind === 'operator') {
      // `1 = 1`: the right shape with a literal on the left; rejected in the meaning pass.
      subject = { literal: first.text };
      i += 1;
    } else {
      const read = readSearchIdentifier(source, tokens, i);
      if (!read.ok || isReservedWord(read.identifier)) syntaxError(start);
      subject = read.identifier;
      i = read.next;
    }

    const comparator = readComparator(tokens, i);
    if (comparator === undefined) syntaxError(start);
    const value = readValue(source, tokens, comparator.next, comparator.comparator);
    if (value === undefined) syntaxError(start);
    clauses.push({ subject, comparator: comparator.comparator, value: value.value });

    i = value.next;
    const after = tokens[i];
    if (after === undefined) return clauses;
    if (!isWord(after, 'AND')) syntaxError(start);
    i += 1;
  }
}

function syntaxError(clauseStart: number): never {
  throw new ClauseSyntaxError(clauseStart);
}

function isWord(token: SearchToken | undefined, word: string): boolean {
  return token?.kind === 'word' && token.text.toUpperCase() === word;
}

function isReservedWord(identifier: SearchIdentifier): boolean {
  const [only, extra] = identifier.parts;
  return extra === undefined && only?.kind === 'word' && NOT_A_VALUE_WORDS.has(only.text.toUpperCase());
}

function readComparator(
  tokens: readonly SearchToken[],
  i: number,
): { readonly comparator: string; readonly next: number } | undefined {
  const t = tokens[i];
  if (t === undefined) return undefined;
  if (t.kind === 'operator') return { comparator: t.text, next: i + 1 };
  if (t.kind !== 'word') return undefined;
  const word = t.text.toUpperCase();
  switch (word) {
    case 'LIKE':
    case 'ILIKE':
    case 'IN':
      return { comparator: word, next: i + 1 };
    case 'NOT': {
      const next = tokens[i + 1];
      if (isWord(next, 'IN')) return { comparator: 'NOT IN', next: i + 2 };
      // `NOT LIKE` is an operator to sqlparse, but no MLflow search accepts it.
      if (isWord(next, 'LIKE') || isWord(next, 'ILIKE')) {
        return { comparator: `NOT ${next?.text.toUpperCase() ?? ''}`, next: i + 2 };
      }
      return undefined;
    }
    case 'IS':
      if (isWord(tokens[i + 1], 'NULL')) return { comparator: 'IS NULL', next: i + 2 };
      if (isWord(tokens[i + 1], 'NOT') && isWord(tokens[i + 2], 'NULL')) {
        return { comparator: 'IS NOT NULL', next: i + 3 };
      }
      return undefined;
    default:
      return undefined;
  }
}

function readValue(
  source: string,
  tokens: readonly SearchToken[],
  i: number,
  comparator: string,
): { readonly value: RawValue; readonly next: number } | undefined {
  if (comparator === 'IS NULL' || comparator === 'IS NOT NULL') return { value: { kind: 'none' }, next: i };
  const t = tokens[i];
  if (t === undefined) return undefined;
  if (comparator === 'IN' || comparator === 'NOT IN') {
    return t.kind === 'lparen' ? readList(source, tokens, i) : undefined;
  }
  switch (t.kind) {
    case 'number':
      return { value: { kind: 'number', text: t.text }, next: i + 1 };
    case 'string':
    case 'quoted':
      return { value: { kind: 'string', text: t.text, value: t.value }, next: i + 1 };
    case 'backticked':
      return { value: { kind: 'bare', text: t.text }, next: i + 1 };
    case 'word': {
      if (NOT_A_VALUE_WORDS.has(t.text.toUpperCase())) return undefined;
      const read = readSearchIdentifier(source, tokens, i);
      return read.ok ? { value: { kind: 'bare', text: read.identifier.text }, next: read.next } : undefined;
    }
    case 'lparen':
      return readList(source, tokens, i);
    default:
      return undefined;
  }
}

/** A parenthesised list: its contents are checked later, only its parentheses now. */
function readList(
  source: string,
  tokens: readonly SearchToken[],
  open: number,
): { readonly value: RawValue; readonly next: number } | undefined {
  let depth = 0;
  for (let j = open; j < tokens.length; j += 1) {
    const t = tokens[j];
    if (t?.kind === 'lparen') depth += 1;
    else if (t?.kind === 'rparen') depth -= 1;
    else if (t?.kind === 'invalid') return undefined;
    if (depth === 0) {
      const first = tokens[open];
      if (first === undefined || t === undefined) return undefined;
      return {
        value: { kind: 'list', text: source.slice(first.start, t.end), items: tokens.slice(open + 1, j) },
        next: j + 1,
      };
    }
  }
  return undefined;
}

/**
 * The text of the clause starting at token `start`: up to the next top-level AND, or the
 * end. A clause that starts with AND (a dangling or doubled AND) is reported as just `AND`.
 */
function clauseText(source: string, tokens: readonly SearchToken[], start: number): string {
  const first = tokens[start];
  if (first === undefined) {
    // Nothing after a trailing AND.
    return tokens[start - 1]?.text ?? source.trim();
  }
  if (isWord(first, 'AND')) return first.text;
  let depth = 0;
  let last = first;
  for (let j = start + 1; j < tokens.length; j += 1) {
    const t = tokens[j];
    if (t === undefined) break;
    if (t.kind === 'lparen') depth += 1;
    else if (t.kind === 'rparen') depth -= 1;
    else if (depth <= 0 && isWord(t, 'AND') && tokens[j - 1]?.kind !== 'dot') break;
    last = t;
  }
  return source.slice(first.start, last.end);
}

// ---------------------------------------------------------------------------------------
// Meaning pass

function interpret(raw: RawComparison, dialect: SearchFilterDialect): Comparison {
  const messages = dialect.messages;
  if ('literal' in raw.subject) {
    throw SlipwayError.invalidParameter(messages.expectedIdentifier(raw.subject.literal));
  }
  const identifier = raw.subject;
  const { type, key } = resolveSearchIdentifier(identifier, dialect);

  let rule: SearchFieldRule | undefined;
  let canonicalKey = key;
  if (type === 'attribute') {
    const attribute = dialect.attributes.get(key);
    if (attribute === undefined) {
      throw SlipwayError.invalidParameter(messages.invalidAttributeKey(key, [...dialect.attributes.keys()]));
    }
    rule = attribute;
    canonicalKey = attribute.key;
  } else if (type === 'dataset') {
    const datasets = dialect.datasets ?? new Map<string, never>();
    const attribute = datasets.get(key);
    if (attribute === undefined) {
      throw SlipwayError.invalidParameter(messages.invalidDatasetKey(key, [...datasets.keys()]));
    }
    rule = attribute;
    canonicalKey = attribute.key;
  } else {
    rule = dialect[type];
  }
  if (rule === undefined) {
    // A prefix mapped to a type the dialect has no rule for: a dialect bug, reported as
    // an unknown prefix rather than a crash.
    const prefix = identifier.parts[0]?.text ?? identifier.text;
    throw SlipwayError.invalidParameter(dialect.invalidEntityType(prefix));
  }

  const field: SearchField = { type, key, identifier: identifier.text, rule };
  const comparator = raw.comparator;
  if (comparator === 'IS NULL' || comparator === 'IS NOT NULL') {
    if (!rule.comparators.includes(comparator)) {
      throw SlipwayError.invalidParameter(messages.nullComparatorNotSupported(comparator, field));
    }
    return { type, key: canonicalKey, comparator, value: { kind: 'none' } };
  }

  const checkComparator = (): Comparator => {
    if (!isComparator(comparator) || !rule.comparators.includes(comparator)) {
      throw SlipwayError.invalidParameter(messages.invalidComparator(comparator, field));
    }
    return comparator;
  };
  if (dialect.comparatorBeforeValue === true) checkComparator();
  const value = interpretValue(raw, field, dialect);
  return { type, key: canonicalKey, comparator: checkComparator(), value };
}

function interpretValue(raw: RawComparison, field: SearchField, dialect: SearchFilterDialect): FilterValue {
  const messages = dialect.messages;
  const { rule } = field;
  const value = raw.value;
  const wrongType = (found: string): SlipwayError =>
    SlipwayError.invalidParameter(
      rule.valueKind === 'number' ? messages.expectedNumber(field, found) : messages.expectedString(field, found),
    );

  switch (value.kind) {
    case 'none':
      // Only IS [NOT] NULL yields no value, and `interpret` handles those.
      throw wrongType('None');
    case 'list': {
      const takesList = rule.comparators.includes('IN') || rule.comparators.includes('NOT IN');
      if (!takesList) {
        if (field.type === 'attribute' && rule.valueKind === 'string') {
          throw SlipwayError.invalidParameter(messages.listNotSupported(field));
        }
        throw wrongType(value.text);
      }
      const values = listValues(value.text, value.items, dialect);
      if (raw.comparator !== 'IN' && raw.comparator !== 'NOT IN') throw wrongType(value.text);
      return { kind: 'list', values };
    }
    case 'number':
      if (rule.valueKind === 'number') return { kind: 'number', value: Number(value.text) };
      throw wrongType(value.text);
    case 'string':
      if (rule.valueKind === 'string') return { kind: 'string', value: value.value };
      throw wrongType(value.text);
    case 'bare':
      if (rule.valueKind === 'string') throw SlipwayError.invalidParameter(messages.unquotedString(value.text));
      throw wrongType(value.text);
  }
}

/** The strings of a list's inner tokens: `s (, s)* [,]`, quoted with either quote. */
function listValues(text: string, items: readonly SearchToken[], dialect: SearchFilterDialect): string[] {
  const messages = dialect.messages;
  if (items.length === 0) throw SlipwayError.invalidParameter(messages.emptyList());
  const values: string[] = [];
  let nonString = false;
  for (let j = 0; j < items.length; j += 2) {
    const item = items[j];
    const separator = items[j + 1];
    if (item === undefined) break;
    if (item.kind === 'string' || item.kind === 'quoted') values.push(item.value);
    else if (item.kind === 'number') nonString = true;
    else throw SlipwayError.invalidParameter(messages.illFormedList());
    if (separator !== undefined && separator.kind !== 'comma') {
      throw SlipwayError.invalidParameter(messages.illFormedList());
    }
  }
  if (nonString) throw SlipwayError.invalidParameter(messages.nonStringList(text));
  return values;
}

function isComparator(s: string): s is Comparator {
  return (COMPARATORS as readonly string[]).includes(s);
}

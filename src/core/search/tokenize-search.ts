/**
 * Tokenizer for MLflow's search filter and `order_by` strings.
 *
 * MLflow parses these strings with the Python library `sqlparse`; there is no JavaScript
 * library for this grammar, so Slipway has its own hand-written tokenizer (this file) and
 * recursive-descent parser (`parse-search-filter.ts`). The token rules follow what
 * `sqlparse` does with the strings MLflow accepts:
 *
 * - single-quoted strings may contain `''` or `\'`; double-quoted and backticked names may
 *   contain `""` / `\"` and ` `` ` respectively. As in MLflow, the escapes are *not* undone:
 *   the value is the text between the outer quotes, verbatim;
 * - numbers are `-?(digits[.digits]|.digits)` with an optional exponent, and a number
 *   directly followed by a letter is not a number;
 * - operators are runs of `< > = ! ~`, so `==`, `<>` or `~` come out as (unsupported)
 *   operators rather than as garbage.
 *
 * The tokenizer never throws: anything it cannot read becomes an `invalid` token (an
 * unterminated quote swallows the rest of the input), and the parser reports it.
 * @module
 */

/** What a token is. Keywords (`AND`, `IN`, …) are plain `word`s; the parser decides. */
export type SearchTokenKind =
  | 'word'
  | 'number'
  /** `'…'` — always a string literal. */
  | 'string'
  /** `"…"` — a key or a string literal, depending on where it stands. */
  | 'quoted'
  /** `` `…` `` — only ever a key (or an entity type). */
  | 'backticked'
  | 'dot'
  | 'comma'
  | 'lparen'
  | 'rparen'
  | 'semicolon'
  | 'operator'
  | 'invalid';

/** One token, with its position in the source string. */
export interface SearchToken {
  readonly kind: SearchTokenKind;
  /** The source text of the token, quotes included. */
  readonly text: string;
  /** For quoted kinds the text between the quotes (escapes kept); otherwise `text`. */
  readonly value: string;
  /** Offset of the first character. */
  readonly start: number;
  /** Offset just past the last character. */
  readonly end: number;
  /** Whether whitespace separates this token from the previous one. */
  readonly spaceBefore: boolean;
}

const WORD = /[\p{L}_][\p{L}\p{N}_]*/uy;
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/y;
const WORD_CHAR = /[\p{L}\p{N}_]/u;
const OPERATOR = /[<>=!~]+/y;
const WHITESPACE = /\s+/y;

const PUNCTUATION: Readonly<Record<string, SearchTokenKind>> = {
  '.': 'dot',
  ',': 'comma',
  '(': 'lparen',
  ')': 'rparen',
  ';': 'semicolon',
};

const QUOTES: Readonly<Record<string, SearchTokenKind>> = {
  "'": 'string',
  '"': 'quoted',
  '`': 'backticked',
};

/**
 * Splits a filter or `order_by` string into tokens, dropping whitespace (each token
 * records whether whitespace preceded it).
 */
export function tokenizeSearch(source: string): SearchToken[] {
  const tokens: SearchToken[] = [];
  let pos = 0;
  let spaceBefore = false;

  const push = (kind: SearchTokenKind, end: number, value?: string): void => {
    const text = source.slice(pos, end);
    tokens.push({ kind, text, value: value ?? text, start: pos, end, spaceBefore });
    pos = end;
    spaceBefore = false;
  };

  while (pos < source.length) {
    const ws = matchAt(WHITESPACE, source, pos);
    if (ws !== undefined) {
      pos += ws.length;
      spaceBefore = true;
      continue;
    }

    const ch = source.charAt(pos);
    const quoteKind = QUOTES[ch];
    if (quoteKind !== undefined) {
      const close = findClosingQuote(source, pos, ch, quoteKind !== 'backticked');
      if (close === -1) push('invalid', source.length);
      else push(quoteKind, close + 1, source.slice(pos + 1, close));
      continue;
    }

    const number = matchAt(NUMBER, source, pos);
    if (number !== undefined) {
      const end = pos + number.length;
      if (end < source.length && WORD_CHAR.test(source.charAt(end))) {
        // `1abc`: not a number, not a name either.
        const word = matchAt(WORD, source, end) ?? '';
        push('invalid', end + word.length);
      } else {
        push('number', end);
      }
      continue;
    }

    const word = matchAt(WORD, source, pos);
    if (word !== undefined) {
      push('word', pos + word.length);
      continue;
    }

    const op = matchAt(OPERATOR, source, pos);
    if (op !== undefined) {
      push('operator', pos + op.length);
      continue;
    }

    const punctuation = PUNCTUATION[ch];
    push(punctuation ?? 'invalid', pos + 1);
  }
  return tokens;
}

function matchAt(pattern: RegExp, source: string, pos: number): string | undefined {
  pattern.lastIndex = pos;
  const m = pattern.exec(source);
  return m?.[0];
}

/**
 * Index of the quote closing the one at `open`, or -1. A doubled quote is an escaped one;
 * so is a backslash-escaped one when `backslashEscapes` is set.
 */
function findClosingQuote(source: string, open: number, quote: string, backslashEscapes: boolean): number {
  let i = open + 1;
  while (i < source.length) {
    const c = source.charAt(i);
    if (backslashEscapes && c === '\\') {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (source.charAt(i + 1) === quote) {
        i += 2;
        continue;
      }
      return i;
    }
    i += 1;
  }
  return -1;
}

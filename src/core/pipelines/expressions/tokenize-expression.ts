/**
 * Tokenizer for the expression language inside `${{ … }}` (GitHub Actions' syntax):
 *
 * - names: `[A-Za-z_][A-Za-z0-9_-]*` (a `-` belongs to the name, as in step ids such as
 *   `train-model`; the language has no arithmetic);
 * - numbers: `-?digits[.digits][e±digits]` and `0x` hexadecimal;
 * - strings: single-quoted, a quote inside doubled (`'it''s'`);
 * - operators `== != < <= > >= && || !` and the punctuation `( ) [ ] . ,`.
 * @module
 */

import { ExpressionError } from './expression-error.js';

export type ExpressionTokenKind =
  | 'name'
  | 'number'
  | 'string'
  | 'operator'
  | '('
  | ')'
  | '['
  | ']'
  | '.'
  | ','
  | 'end';

export interface ExpressionToken {
  readonly kind: ExpressionTokenKind;
  /** The source text (for a string, with its quotes). */
  readonly text: string;
  /** The value of a number or string literal. */
  readonly value?: string | number;
  /** Offsets in the string the expression was read from. */
  readonly start: number;
  readonly end: number;
}

const NAME = /[A-Za-z_][A-Za-z0-9_-]*/y;
const NUMBER = /-?(?:0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)/y;
const OPERATOR = /==|!=|<=|>=|&&|\|\||[<>!]/y;
const WHITESPACE = /\s+/y;
const PUNCTUATION = new Set(['(', ')', '[', ']', '.', ',']);

/**
 * Splits `source.slice(start, end)` into tokens; offsets are in `source`. Throws an
 * {@link ExpressionError} at the first character that starts no token.
 */
export function tokenizeExpression(source: string, start = 0, end = source.length): ExpressionToken[] {
  const tokens: ExpressionToken[] = [];
  let pos = start;
  const text = source.slice(0, end);
  const at = (re: RegExp): string | undefined => {
    re.lastIndex = pos;
    return re.exec(text)?.[0];
  };
  while (pos < end) {
    const space = at(WHITESPACE);
    if (space !== undefined) {
      pos += space.length;
      continue;
    }
    const c = text[pos] ?? '';
    const previous = tokens[tokens.length - 1];
    if (c === "'") {
      let value = '';
      let i = pos + 1;
      for (;;) {
        if (i >= end) throw new ExpressionError('unterminated string literal', pos);
        const ch = text[i];
        if (ch === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          break;
        }
        value += ch;
        i++;
      }
      tokens.push({ kind: 'string', text: text.slice(pos, i + 1), value, start: pos, end: i + 1 });
      pos = i + 1;
      continue;
    }
    if (c === '"') {
      throw new ExpressionError("strings are written in single quotes ('…')", pos);
    }
    // A '-' or digit starts a number only where a value may start (not after `x.`).
    const number = /[-.\d]/.test(c) && previous?.kind !== '.' ? at(NUMBER) : undefined;
    if (number !== undefined && !(c === '.' && number === '.')) {
      const after = text[pos + number.length];
      if (after !== undefined && /[A-Za-z0-9_]/.test(after)) {
        throw new ExpressionError(`invalid number '${number}${after}'`, pos);
      }
      const value = /^-?0[xX]/.test(number)
        ? (number.startsWith('-') ? -1 : 1) * parseInt(number.replace(/^-?0[xX]/, ''), 16)
        : Number(number);
      tokens.push({ kind: 'number', text: number, value, start: pos, end: pos + number.length });
      pos += number.length;
      continue;
    }
    const name = at(NAME);
    if (name !== undefined) {
      tokens.push({ kind: 'name', text: name, start: pos, end: pos + name.length });
      pos += name.length;
      continue;
    }
    const operator = at(OPERATOR);
    if (operator !== undefined) {
      tokens.push({ kind: 'operator', text: operator, start: pos, end: pos + operator.length });
      pos += operator.length;
      continue;
    }
    if (PUNCTUATION.has(c)) {
      tokens.push({ kind: c as ExpressionTokenKind, text: c, start: pos, end: pos + 1 });
      pos += 1;
      continue;
    }
    if (c === '=') throw new ExpressionError("unexpected '=' (compare with '==')", pos);
    if (c === '&' || c === '|') throw new ExpressionError(`unexpected '${c}' (use '${c}${c}')`, pos);
    throw new ExpressionError(`unexpected character '${c}'`, pos);
  }
  tokens.push({ kind: 'end', text: '', start: end, end });
  return tokens;
}

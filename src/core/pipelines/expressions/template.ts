/**
 * Strings with `${{ … }}` placeholders, as in GitHub Actions: `run:`, `env:` and `with:`
 * values, `working-directory`, output paths and matrix axes.
 *
 * A string that is exactly one placeholder (`${{ params.n }}`) is a *whole expression*
 * and evaluates to a typed value (a number stays a number); any other string is
 * interpolated and is always a string.
 * @module
 */

import type { Expression } from './expression-ast.js';
import { ExpressionError } from './expression-error.js';
import { parseExpression } from './parse-expression.js';

export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string; readonly start: number }
  /** `start`/`end` delimit the `${{ … }}` including the braces. */
  | { readonly kind: 'expression'; readonly expression: Expression; readonly start: number; readonly end: number };

export interface Template {
  readonly source: string;
  readonly parts: readonly TemplatePart[];
  /** The expression when the string is exactly one `${{ … }}`. */
  readonly whole?: Expression;
}

const OPEN = '${{';
const CLOSE = '}}';

/** Whether `text` contains a `${{`. */
export function hasPlaceholder(text: string): boolean {
  return text.includes(OPEN);
}

/**
 * Splits and parses a template. Throws an {@link ExpressionError} (offset in `source`) for
 * an unterminated placeholder or an expression that does not parse.
 */
export function parseTemplate(source: string): Template {
  const parts: TemplatePart[] = [];
  let pos = 0;
  for (;;) {
    const open = source.indexOf(OPEN, pos);
    if (open < 0) break;
    if (open > pos) parts.push({ kind: 'text', text: source.slice(pos, open), start: pos });
    const close = findClose(source, open + OPEN.length);
    if (close < 0) throw new ExpressionError("'${{' is not closed by '}}'", open);
    const expression = parseExpression(source, open + OPEN.length, close);
    parts.push({ kind: 'expression', expression, start: open, end: close + CLOSE.length });
    pos = close + CLOSE.length;
  }
  if (pos < source.length) parts.push({ kind: 'text', text: source.slice(pos), start: pos });
  const only = parts.length === 1 ? parts[0] : undefined;
  return only?.kind === 'expression' && only.start === 0 && only.end === source.length
    ? { source, parts, whole: only.expression }
    : { source, parts };
}

/** The offset of the `}}` that closes a placeholder, skipping `}}` inside 'strings'. */
function findClose(source: string, from: number): number {
  let inString = false;
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (inString) {
      if (c === "'") {
        if (source[i + 1] === "'") i++;
        else inString = false;
      }
    } else if (c === "'") {
      inString = true;
    } else if (c === '}' && source[i + 1] === '}') {
      return i;
    }
  }
  return -1;
}

/**
 * Parses an `if:` condition: either a whole `${{ … }}` (surrounding blanks allowed) or a
 * bare expression, as GitHub Actions allows both. Offsets are in `source`.
 */
export function parseCondition(source: string): Expression {
  if (!hasPlaceholder(source)) return parseExpression(source);
  const parts = parseTemplate(source).parts;
  const expressions = parts.filter((p) => p.kind === 'expression');
  const onlyBlanks = parts.every((p) => p.kind === 'expression' || p.text.trim() === '');
  const [first] = expressions;
  if (first !== undefined && expressions.length === 1 && onlyBlanks) return first.expression;
  throw new ExpressionError(
    "an 'if' condition is either one '${{ … }}' or a bare expression, not text mixed with '${{ … }}'",
    first?.start ?? 0,
  );
}

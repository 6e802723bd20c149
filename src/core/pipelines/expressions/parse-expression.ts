/**
 * Recursive-descent parser for `${{ … }}` expressions, with GitHub Actions' precedence
 * (tightest first):
 *
 * ```
 * primary    := literal | name | name '(' [ expr (',' expr)* ] ')' | '(' expr ')'
 * postfix    := primary ( '.' name | '[' expr ']' )*
 * unary      := '!' unary | postfix
 * comparison := unary ( ('<' | '<=' | '>' | '>=') unary )*
 * equality   := comparison ( ('==' | '!=') comparison )*
 * and        := equality ( '&&' equality )*
 * or         := and ( '||' and )*
 * literal    := number | 'string' | true | false | null
 * ```
 * @module
 */

import type { ComparisonOperator, Expression } from './expression-ast.js';
import { ExpressionError } from './expression-error.js';
import { tokenizeExpression, type ExpressionToken } from './tokenize-expression.js';

const MAX_DEPTH = 100;

/**
 * Parses the expression in `source.slice(start, end)`; node offsets are in `source`.
 * Throws an {@link ExpressionError} pointing at the first token that does not fit.
 */
export function parseExpression(source: string, start = 0, end = source.length): Expression {
  const tokens = tokenizeExpression(source, start, end);
  let index = 0;
  let depth = 0;

  const peek = (): ExpressionToken => tokens[index] ?? tokens[tokens.length - 1]!;
  const next = (): ExpressionToken => {
    const token = peek();
    if (index < tokens.length - 1) index++;
    return token;
  };
  const isOperator = (token: ExpressionToken, ...operators: string[]): boolean =>
    token.kind === 'operator' && operators.includes(token.text);
  const unexpected = (token: ExpressionToken, expected: string): ExpressionError =>
    new ExpressionError(
      token.kind === 'end'
        ? `unexpected end of expression, expected ${expected}`
        : `unexpected '${token.text}', expected ${expected}`,
      token.start,
    );
  const expect = (kind: ExpressionToken['kind'], expected: string): ExpressionToken => {
    const token = peek();
    if (token.kind !== kind) throw unexpected(token, expected);
    return next();
  };

  const parseOr = (): Expression => {
    if (++depth > MAX_DEPTH) throw new ExpressionError('expression is nested too deeply', peek().start);
    let left = parseAnd();
    while (isOperator(peek(), '||')) {
      next();
      const right = parseAnd();
      left = { kind: 'logical', operator: '||', left, right, start: left.start, end: right.end };
    }
    depth--;
    return left;
  };
  const parseAnd = (): Expression => {
    let left = parseEquality();
    while (isOperator(peek(), '&&')) {
      next();
      const right = parseEquality();
      left = { kind: 'logical', operator: '&&', left, right, start: left.start, end: right.end };
    }
    return left;
  };
  const parseEquality = (): Expression => {
    let left = parseComparison();
    while (isOperator(peek(), '==', '!=')) {
      const operator = next().text as ComparisonOperator;
      const right = parseComparison();
      left = { kind: 'comparison', operator, left, right, start: left.start, end: right.end };
    }
    return left;
  };
  const parseComparison = (): Expression => {
    let left = parseUnary();
    while (isOperator(peek(), '<', '<=', '>', '>=')) {
      const operator = next().text as ComparisonOperator;
      const right = parseUnary();
      left = { kind: 'comparison', operator, left, right, start: left.start, end: right.end };
    }
    return left;
  };
  const parseUnary = (): Expression => {
    const token = peek();
    if (isOperator(token, '!')) {
      next();
      if (++depth > MAX_DEPTH) throw new ExpressionError('expression is nested too deeply', token.start);
      const operand = parseUnary();
      depth--;
      return { kind: 'not', operand, start: token.start, end: operand.end };
    }
    return parsePostfix();
  };
  const parsePostfix = (): Expression => {
    let node = parsePrimary();
    for (;;) {
      const token = peek();
      if (token.kind === '.') {
        next();
        const name = peek();
        if (name.kind !== 'name') throw unexpected(name, 'a property name after \'.\'');
        next();
        node = { kind: 'property', object: node, name: name.text, start: node.start, end: name.end };
      } else if (token.kind === '[') {
        next();
        const indexExpression = parseOr();
        const close = expect(']', "']'");
        node = { kind: 'index', object: node, index: indexExpression, start: node.start, end: close.end };
      } else {
        return node;
      }
    }
  };
  const parsePrimary = (): Expression => {
    const token = peek();
    switch (token.kind) {
      case 'number':
      case 'string':
        next();
        return { kind: 'literal', value: token.value ?? null, start: token.start, end: token.end };
      case '(': {
        next();
        const inner = parseOr();
        const close = expect(')', "')'");
        return { ...inner, start: token.start, end: close.end };
      }
      case 'name': {
        next();
        if (token.text === 'true' || token.text === 'false') {
          return { kind: 'literal', value: token.text === 'true', start: token.start, end: token.end };
        }
        if (token.text === 'null') return { kind: 'literal', value: null, start: token.start, end: token.end };
        if (peek().kind !== '(') return { kind: 'context', name: token.text, start: token.start, end: token.end };
        next();
        const args: Expression[] = [];
        if (peek().kind !== ')') {
          for (;;) {
            args.push(parseOr());
            if (peek().kind === ',') {
              next();
              continue;
            }
            break;
          }
        }
        const close = expect(')', "',' or ')'");
        return { kind: 'call', name: token.text, args, start: token.start, end: close.end };
      }
      default:
        throw unexpected(token, 'a value');
    }
  };

  if (peek().kind === 'end') throw new ExpressionError('empty expression', start);
  const expression = parseOr();
  const rest = peek();
  if (rest.kind !== 'end') throw unexpected(rest, 'an operator or the end of the expression');
  return expression;
}

import { describe, expect, it } from 'vitest';
import type { Expression } from './expression-ast.js';
import { ExpressionError } from './expression-error.js';
import { parseExpression } from './parse-expression.js';
import { parseCondition, parseTemplate } from './template.js';
import { tokenizeExpression } from './tokenize-expression.js';

/** A compact rendering of a tree: `(== a.b 1)`. */
function show(node: Expression): string {
  switch (node.kind) {
    case 'literal':
      return typeof node.value === 'string' ? `'${node.value}'` : String(node.value);
    case 'context':
      return node.name;
    case 'property':
      return `${show(node.object)}.${node.name}`;
    case 'index':
      return `${show(node.object)}[${show(node.index)}]`;
    case 'call':
      return `${node.name}(${node.args.map(show).join(', ')})`;
    case 'not':
      return `(! ${show(node.operand)})`;
    case 'comparison':
    case 'logical':
      return `(${node.operator} ${show(node.left)} ${show(node.right)})`;
  }
}

function syntaxError(source: string): { message: string; offset: number } {
  try {
    parseExpression(source);
  } catch (e) {
    if (e instanceof ExpressionError) return { message: e.message, offset: e.offset };
    throw e;
  }
  throw new Error(`'${source}' parsed`);
}

describe('tokenizeExpression', () => {
  it('reads names with dashes, numbers, single-quoted strings and operators', () => {
    expect(tokenizeExpression("steps.train-model.outputs['x'] >= -1.5e2 && 'it''s' != 0x1F").map((t) => [t.kind, t.value ?? t.text])).toEqual([
      ['name', 'steps'],
      ['.', '.'],
      ['name', 'train-model'],
      ['.', '.'],
      ['name', 'outputs'],
      ['[', '['],
      ['string', 'x'],
      [']', ']'],
      ['operator', '>='],
      ['number', -150],
      ['operator', '&&'],
      ['string', "it's"],
      ['operator', '!='],
      ['number', 31],
      ['end', ''],
    ]);
  });

  it('records offsets in the source string', () => {
    const [a, op, b] = tokenizeExpression('${{ a == 1 }}', 3, 11);
    expect(a).toMatchObject({ text: 'a', start: 4, end: 5 });
    expect(op).toMatchObject({ text: '==', start: 6, end: 8 });
    expect(b).toMatchObject({ value: 1, start: 9, end: 10 });
  });
});

describe('parseExpression', () => {
  it.each([
    ['params.n', 'params.n'],
    ["steps['train'].outputs.model", "steps['train'].outputs.model"],
    ['a == 1 && b != 2 || c', '(|| (&& (== a 1) (!= b 2)) c)'],
    ['a || b && c', '(|| a (&& b c))'],
    ['!a == b', '(== (! a) b)'],
    ['!(a == b)', '(! (== a b))'],
    ['a < b == c >= d', '(== (< a b) (>= c d))'],
    ['(a || b) && c', '(&& (|| a b) c)'],
    ["contains(fromJSON(x).list, 'a')", "contains(fromJSON(x).list, 'a')"],
    ['success()', 'success()'],
    ['true && false || null', '(|| (&& true false) null)'],
    ['fromJSON(x)[0]', 'fromJSON(x)[0]'],
    ['  1.5  ', '1.5'],
    ['!!a', '(! (! a))'],
  ])('%s', (source, tree) => {
    expect(show(parseExpression(source))).toBe(tree);
  });

  it('records the span of every node', () => {
    const node = parseExpression('x && steps.a.outputs.b');
    expect(node).toMatchObject({ kind: 'logical', start: 0, end: 22, right: { kind: 'property', start: 5, end: 22 } });
  });

  it.each([
    ['', 'empty expression', 0],
    ['a ==', 'unexpected end of expression, expected a value', 4],
    ['a = 1', "unexpected '=' (compare with '==')", 2],
    ['a & b', "unexpected '&' (use '&&')", 2],
    ['"x"', "strings are written in single quotes ('…')", 0],
    ["'abc", 'unterminated string literal', 0],
    ['a b', "unexpected 'b', expected an operator or the end of the expression", 2],
    ['f(a,', 'unexpected end of expression, expected a value', 4],
    ['f(a b)', "unexpected 'b', expected ',' or ')'", 4],
    ['a.', "unexpected end of expression, expected a property name after '.'", 2],
    ['a[1', "unexpected end of expression, expected ']'", 3],
    ['(a', "unexpected end of expression, expected ')'", 2],
    ['1abc', "invalid number '1a'", 0],
    ['a $ b', "unexpected character '$'", 2],
    ['a + b', "unexpected character '+'", 2],
  ])('rejects %j', (source, message, offset) => {
    expect(syntaxError(source)).toEqual({ message, offset });
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    expect(syntaxError(`${'('.repeat(200)}a${')'.repeat(200)}`).message).toBe('expression is nested too deeply');
  });
});

describe('parseTemplate', () => {
  it('splits text and placeholders, with offsets', () => {
    const template = parseTemplate('python train.py --n ${{ params.n }} --x ${{ 1 }}!');
    expect(template.whole).toBeUndefined();
    expect(template.parts.map((p) => (p.kind === 'text' ? p.text : `[${show(p.expression)}@${p.start}-${p.end}]`))).toEqual([
      'python train.py --n ',
      '[params.n@20-35]',
      ' --x ',
      '[1@40-48]',
      '!',
    ]);
  });

  it('knows a whole expression', () => {
    expect(parseTemplate('${{ params.n }}').whole).toMatchObject({ kind: 'property', name: 'n' });
    expect(parseTemplate(' ${{ params.n }}').whole).toBeUndefined();
    expect(parseTemplate('plain').parts).toEqual([{ kind: 'text', text: 'plain', start: 0 }]);
  });

  it("skips '}}' inside a string literal", () => {
    const template = parseTemplate("${{ format('{0}}}', 1) }}");
    expect(template.whole).toMatchObject({ kind: 'call', name: 'format' });
  });

  it('reports an unterminated placeholder at its start', () => {
    expect(() => parseTemplate('echo ${{ params.n')).toThrow(expect.objectContaining({ offset: 5 }) as Error);
  });
});

describe('parseCondition', () => {
  it('takes a bare expression or one placeholder', () => {
    expect(show(parseCondition("params.x == 'a'"))).toBe("(== params.x 'a')");
    expect(show(parseCondition(' ${{ always() }} '))).toBe('always()');
  });

  it('refuses text mixed with a placeholder', () => {
    expect(() => parseCondition('${{ a }} && b')).toThrow(
      "an 'if' condition is either one '${{ … }}' or a bare expression, not text mixed with '${{ … }}'",
    );
  });
});

import { describe, expect, it } from 'vitest';
import { tokenizeSearch, type SearchTokenKind } from './tokenize-search.js';

const kinds = (source: string): [SearchTokenKind, string][] =>
  tokenizeSearch(source).map((t) => [t.kind, t.value]);

describe('tokenizeSearch', () => {
  it('splits a clause into names, dots, operators and literals', () => {
    expect(kinds("metrics.acc>=0.9 AND tags.`a b` != 'x'")).toEqual([
      ['word', 'metrics'],
      ['dot', '.'],
      ['word', 'acc'],
      ['operator', '>='],
      ['number', '0.9'],
      ['word', 'AND'],
      ['word', 'tags'],
      ['dot', '.'],
      ['backticked', 'a b'],
      ['operator', '!='],
      ['string', 'x'],
    ]);
  });

  it('records positions and preceding whitespace', () => {
    const [a, dot, b, op] = tokenizeSearch('a.b  =');
    expect(a).toMatchObject({ start: 0, end: 1, spaceBefore: false });
    expect(dot).toMatchObject({ start: 1, end: 2, spaceBefore: false });
    expect(b).toMatchObject({ start: 2, end: 3, spaceBefore: false });
    expect(op).toMatchObject({ text: '=', start: 5, end: 6, spaceBefore: true });
  });

  it('reads numbers with signs, decimals and exponents', () => {
    expect(kinds('1 -2 3.5 .5 6. 1e3 -2.5E-2 7e+1').map(([k, v]) => `${k}:${v}`)).toEqual([
      'number:1',
      'number:-2',
      'number:3.5',
      'number:.5',
      'number:6.',
      'number:1e3',
      'number:-2.5E-2',
      'number:7e+1',
    ]);
  });

  it('does not read a number glued to a name, or a lone minus', () => {
    expect(kinds('1abc')).toEqual([['invalid', '1abc']]);
    expect(kinds('- 1')).toEqual([
      ['invalid', '-'],
      ['number', '1'],
    ]);
  });

  it('keeps quote escapes verbatim inside quoted tokens', () => {
    expect(kinds(`'it''s' 'a\\'b' "say ""hi""" \`x\`\`y\``)).toEqual([
      ['string', "it''s"],
      ['string', "a\\'b"],
      ['quoted', 'say ""hi""'],
      ['backticked', 'x``y'],
    ]);
    expect(tokenizeSearch("'x'")[0]?.text).toBe("'x'");
  });

  it('turns an unterminated quote into one invalid token covering the rest', () => {
    expect(kinds("params.a = 'LR AND b = 'c")).toEqual([
      ['word', 'params'],
      ['dot', '.'],
      ['word', 'a'],
      ['operator', '='],
      ['string', 'LR AND b = '],
      ['word', 'c'],
    ]);
    expect(kinds('`metrics.A > 0.1')).toEqual([['invalid', '`metrics.A > 0.1']]);
  });

  it('reads punctuation, operator runs and unknown characters', () => {
    expect(kinds("(a, 'b');")).toEqual([
      ['lparen', '('],
      ['word', 'a'],
      ['comma', ','],
      ['string', 'b'],
      ['rparen', ')'],
      ['semicolon', ';'],
    ]);
    expect(kinds('== <> ~= @')).toEqual([
      ['operator', '=='],
      ['operator', '<>'],
      ['operator', '~='],
      ['invalid', '@'],
    ]);
  });

  it('reads non-ASCII names', () => {
    expect(kinds('tags.état')).toEqual([
      ['word', 'tags'],
      ['dot', '.'],
      ['word', 'état'],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { isSlipwayError } from '../errors/slipway-error.js';
import { normalizeArtifactPath } from './normalize-artifact-path.js';

function rejection(path: string): unknown {
  try {
    normalizeArtifactPath(path);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('normalizeArtifactPath', () => {
  it.each([
    ['', ''],
    ['.', ''],
    ['./', ''],
    ['a', 'a'],
    ['a/b/c.txt', 'a/b/c.txt'],
    ['a/', 'a'],
    ['a//b///c', 'a/b/c'],
    ['./a/./b/.', 'a/b'],
    ['a/b/', 'a/b'],
    ['.hidden/..dots/x..y', '.hidden/..dots/x..y'],
    ['...', '...'],
    ['name with spaces/ü.txt', 'name with spaces/ü.txt'],
    ['model/MLmodel', 'model/MLmodel'],
    ['100%/a%20b', '100%/a%20b'],
    ['run:1/x', 'run:1/x'],
  ])('accepts %j as %j', (input, expected) => {
    expect(normalizeArtifactPath(input)).toBe(expected);
  });

  it.each([
    '..',
    '../x',
    'a/..',
    'a/../b',
    'a/../../x',
    './..',
    '/',
    '/etc/passwd',
    '//server/share',
    'C:\\x',
    'C:/x',
    'c:x',
    '\\\\server\\share',
    'a\\..\\b',
    'a\\b',
    'a\0b',
    '\0',
    'a\nb',
    'a\tb',
    'a\rb',
    'a\u001fb',
    'a\u007fb',
    'a\u0085b',
    '..%2f..%2fetc',
    '%2e%2e/x',
    '%2E%2E/x',
    'a/%2e%2E',
    '.%2e/x',
    '%2e./x',
    'a%2fb',
    'a%2Fb',
    'a%5cb',
    'a%5Cb',
    'a%00b',
  ])('rejects %j with INVALID_PARAMETER_VALUE naming the path', (input) => {
    const e = rejection(input);
    expect(isSlipwayError(e)).toBe(true);
    if (!isSlipwayError(e)) return;
    expect(e.code).toBe('INVALID_PARAMETER_VALUE');
    expect(e.message).toContain(JSON.stringify(input));
  });

  it('is idempotent', () => {
    for (const p of ['a//b/', './x/./y', '', 'a/b.c/d']) {
      const once = normalizeArtifactPath(p);
      expect(normalizeArtifactPath(once)).toBe(once);
    }
  });
});

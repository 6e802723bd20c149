import { describe, expect, it } from 'vitest';
import { basePathOf, withBase, withoutBase } from './base-path.js';

describe('base path', () => {
  it('reads the base from the document base URI', () => {
    expect(basePathOf('http://h:5000/')).toBe('');
    expect(basePathOf('http://h:5000/slipway/')).toBe('/slipway');
    expect(basePathOf('https://h/a/b/')).toBe('/a/b');
  });

  it('adds the base to app paths and removes it from locations', () => {
    expect(withBase('/runs/1', '/slipway')).toBe('/slipway/runs/1');
    expect(withBase('/', '')).toBe('/');
    expect(withoutBase('/slipway/runs/1', '/slipway')).toBe('/runs/1');
    expect(withoutBase('/slipway', '/slipway')).toBe('/');
    expect(withoutBase('/slipwayx/runs', '/slipway')).toBe('/slipwayx/runs');
    expect(withoutBase('/runs/1', '')).toBe('/runs/1');
  });
});

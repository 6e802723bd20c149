import { describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../../src/server/server-config.js';

describe('--static-prefix', () => {
  it('is normalised to a leading slash and no trailing one, empty by default', () => {
    expect(resolveServerConfig({}, '/tmp').staticPrefix).toBe('');
    expect(resolveServerConfig({ staticPrefix: '/slipway/' }, '/tmp').staticPrefix).toBe('/slipway');
    expect(resolveServerConfig({ staticPrefix: 'ml/slipway' }, '/tmp').staticPrefix).toBe('/ml/slipway');
    expect(resolveServerConfig({ staticPrefix: '/' }, '/tmp').staticPrefix).toBe('');
  });

  it('refuses anything but plain path segments, naming the flag', () => {
    for (const bad of ['/a/../b', '/a b', '/a?x', '/<x>', '/./a', '//a']) {
      expect(() => resolveServerConfig({ staticPrefix: bad }, '/tmp'), bad).toThrow(/^--static-prefix must be a path like \/slipway/);
    }
  });
});

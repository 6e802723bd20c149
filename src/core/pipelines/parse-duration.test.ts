import { describe, expect, it } from 'vitest';
import { parseDuration } from './parse-duration.js';

describe('parseDuration', () => {
  it.each<[string | number, number]>([
    ['P30D', 30 * 86_400],
    ['P30d', 30 * 86_400],
    ['PT1H', 3_600],
    ['PT1H30M', 5_400],
    ['PT45S', 45],
    ['P1W', 604_800],
    ['P1DT12H', 129_600],
    ['P1M', 30 * 86_400],
    ['P1Y', 365 * 86_400],
    ['PT0.5H', 1_800],
    ['30d', 30 * 86_400],
    ['2h', 7_200],
    ['15m', 900],
    ['45s', 45],
    ['1w', 604_800],
    ['1h30m', 5_400],
    ['3600', 3_600],
    [90, 90],
    [' 2h ', 7_200],
  ])('%j → %d s', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each<[string | number]>([['P'], ['PT'], ['P0D'], ['0s'], ['-1h'], ['1 hour'], ['h'], [''], ['P1H'], [0], [-5], [Infinity], ['1.5.2h']])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

import { expect } from 'vitest';
import { SlipwayApiError } from '../../src/sdk/index.js';

/** Expects `p` to reject with a {@link SlipwayApiError}, and returns it. */
export function rejection(p: Promise<unknown>): Promise<SlipwayApiError> {
  return p.then(
    () => {
      throw new Error('expected a SlipwayApiError');
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(SlipwayApiError);
      return e as SlipwayApiError;
    },
  );
}

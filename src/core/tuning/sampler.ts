/**
 * The interface every search strategy implements.
 * @module
 */

import type { Params, Trial } from './tune-spec.js';

/**
 * Proposes the next trial's parameters. A suggestion depends only on the sampler's seed,
 * the finished trials (`history`, in the order they finished) and the running ones
 * (`pending`, in the order they started), so a durable engine that replays a search after
 * a restart gets the same suggestions. A suggestion never repeats a parameter set of
 * `history` or `pending` while the space has an untried one; `undefined` means the space is
 * exhausted (every grid point tried, or every value of a discrete space).
 */
export interface Sampler {
  suggest(history: readonly Trial[], pending: readonly Params[]): Params | undefined;
}

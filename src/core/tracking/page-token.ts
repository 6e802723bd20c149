import { SlipwayError } from '../errors/slipway-error.js';

/**
 * Page tokens are opaque to clients; inside they are base64 of `{"offset": N}`, the same
 * shape MLflow's SQL store uses, so tokens from either server mean the same thing.
 */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64');
}

/** The offset a token stands for; 0 for no token. Anything else → INVALID_PARAMETER_VALUE. */
export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw SlipwayError.invalidParameter(`Invalid page token '${token}': it is not one this server issued.`);
  }
  const offset = (parsed as { offset?: unknown } | null)?.offset;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw SlipwayError.invalidParameter(`Invalid page token '${token}': it is not one this server issued.`);
  }
  return offset;
}

/** The token for the page after `offset + count` items, when there is one. */
export function nextPageToken(offset: number, count: number, hasMore: boolean): string | undefined {
  return hasMore ? encodePageToken(offset + count) : undefined;
}

import { SlipwayError } from '../../core/errors/slipway-error.js';

/** A listing's page size: `max_results` (1 to 1000), 100 when not given. */
export function pageLimit(maxResults: number | undefined): number {
  if (maxResults === undefined) return 100;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
    throw SlipwayError.invalidParameter(`Invalid value ${maxResults} for parameter 'max_results': it must be between 1 and 1000.`);
  }
  return maxResults;
}

/** Largest request body accepted by default (MLflow sets none; a limit keeps one client from exhausting memory). */
export const DEFAULT_SCORING_BODY_LIMIT = 64 * 1024 * 1024;
/** Scoring requests answered at once by default before 503s. */
export const DEFAULT_MAX_IN_FLIGHT = 256;
/** How long a scoring request may take by default before a 504. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * MLflow's error codes (from `databricks.proto`) and the HTTP status each maps to.
 *
 * The table follows MLflow's `ERROR_CODE_TO_HTTP_STATUS`, so clients that branch on
 * status codes (the Python client retries 429/5xx) behave exactly as against MLflow.
 * @module
 */

export const ErrorCode = {
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  TEMPORARILY_UNAVAILABLE: 'TEMPORARILY_UNAVAILABLE',
  BAD_REQUEST: 'BAD_REQUEST',
  INVALID_PARAMETER_VALUE: 'INVALID_PARAMETER_VALUE',
  ENDPOINT_NOT_FOUND: 'ENDPOINT_NOT_FOUND',
  MALFORMED_REQUEST: 'MALFORMED_REQUEST',
  INVALID_STATE: 'INVALID_STATE',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  REQUEST_LIMIT_EXCEEDED: 'REQUEST_LIMIT_EXCEEDED',
  RESOURCE_ALREADY_EXISTS: 'RESOURCE_ALREADY_EXISTS',
  RESOURCE_DOES_NOT_EXIST: 'RESOURCE_DOES_NOT_EXIST',
  RESOURCE_CONFLICT: 'RESOURCE_CONFLICT',
  NOT_IMPLEMENTED: 'NOT_IMPLEMENTED',
  DEADLINE_EXCEEDED: 'DEADLINE_EXCEEDED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  INTERNAL_ERROR: 500,
  TEMPORARILY_UNAVAILABLE: 503,
  BAD_REQUEST: 400,
  INVALID_PARAMETER_VALUE: 400,
  ENDPOINT_NOT_FOUND: 404,
  // MLflow has no mapping for MALFORMED_REQUEST (it would become a 500, which the client
  // retries for minutes); a malformed request is the client's fault, so it is a 400 here.
  MALFORMED_REQUEST: 400,
  INVALID_STATE: 500,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  REQUEST_LIMIT_EXCEEDED: 429,
  RESOURCE_ALREADY_EXISTS: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  RESOURCE_CONFLICT: 409,
  NOT_IMPLEMENTED: 501,
  DEADLINE_EXCEEDED: 504,
};

/** The HTTP status MLflow answers for `code`. */
export function httpStatusFor(code: ErrorCode): number {
  return HTTP_STATUS[code];
}

/**
 * What the SDK throws. Every error is a {@link SlipwayClientError}; callers branch on the
 * subclass (and on {@link SlipwayApiError.errorCode} for server-side refusals).
 * @module
 */

/** Base class of every error the SDK throws. */
export class SlipwayClientError extends Error {
  override name = 'SlipwayClientError';
}

/** The client's configuration is unusable (e.g. a tracking URI that is not http(s)). */
export class SlipwayConfigError extends SlipwayClientError {
  override name = 'SlipwayConfigError';
}

/**
 * The server refused a request. `errorCode` is MLflow's code from the `{error_code,
 * message}` envelope (`RESOURCE_DOES_NOT_EXIST`, `INVALID_PARAMETER_VALUE`,
 * `RESOURCE_CONFLICT`, …); for error responses without that envelope (a proxy's error
 * page) it is derived from the HTTP status.
 */
export class SlipwayApiError extends SlipwayClientError {
  override name = 'SlipwayApiError';
  readonly errorCode: string;
  /** The HTTP status of the response. */
  readonly status: number;
  readonly method: string;
  /** The request path (without the query string). */
  readonly path: string;
  /**
   * The envelope's `details`, when the server sent any: for a pipeline definition or params
   * that cannot be used, `{issues: [{message, path, file?, line?, column?}]}`.
   */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(details: { errorCode: string; status: number; message: string; method: string; path: string; details?: Readonly<Record<string, unknown>> | undefined }) {
    super(details.message);
    this.errorCode = details.errorCode;
    this.status = details.status;
    this.method = details.method;
    this.path = details.path;
    this.details = details.details;
  }

  /** True for MLflow's `RESOURCE_DOES_NOT_EXIST` (an unknown model, version, …). */
  get isNotFound(): boolean {
    return this.errorCode === 'RESOURCE_DOES_NOT_EXIST';
  }
}

/** Why a request never got an answer. */
export type ConnectionFailure = 'refused' | 'host-not-found' | 'reset' | 'timeout' | 'other';

/** The server could not be reached, or did not answer within the timeout. */
export class SlipwayConnectionError extends SlipwayClientError {
  override name = 'SlipwayConnectionError';
  /** The tracking URI, without credentials. */
  readonly uri: string;
  readonly reason: ConnectionFailure;

  constructor(message: string, details: { uri: string; reason: ConnectionFailure; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.uri = details.uri;
    this.reason = details.reason;
  }
}

/** A 2xx answer that is not the JSON the API promises (the URI points at something else). */
export class SlipwayProtocolError extends SlipwayClientError {
  override name = 'SlipwayProtocolError';
}

/** MLflow's error code for an HTTP status, for error responses without MLflow's envelope. */
export function errorCodeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'ENDPOINT_NOT_FOUND';
    case 409:
      return 'RESOURCE_CONFLICT';
    case 429:
      return 'REQUEST_LIMIT_EXCEEDED';
    case 501:
      return 'NOT_IMPLEMENTED';
    case 503:
      return 'TEMPORARILY_UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST';
  }
}

/** A non-2xx answer from the server, with MLflow's error envelope when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** MLflow's `error_code`, e.g. `INVALID_PARAMETER_VALUE`; undefined when the body had none. */
    readonly errorCode: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The envelope's fields, or the status line when the body is not MLflow's envelope. */
  static fromBody(status: number, statusText: string, body: string): ApiError {
    try {
      const json = JSON.parse(body) as { error_code?: unknown; message?: unknown };
      if (typeof json.message === 'string') {
        return new ApiError(status, typeof json.error_code === 'string' ? json.error_code : undefined, json.message);
      }
    } catch {
      // Not JSON (a proxy's error page, say): fall through to the status line.
    }
    return new ApiError(status, undefined, `${status} ${statusText}`.trim());
  }
}

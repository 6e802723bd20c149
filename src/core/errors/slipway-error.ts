import { ErrorCode } from './error-code.js';

/**
 * The one error type every layer throws for a predictable failure. It carries an MLflow
 * error code, so the HTTP layer can answer `{error_code, message}` with the right status.
 *
 * Discriminate with {@link isSlipwayError}, not `instanceof`: two copies of the package
 * (a plugin, a test harness) would each have their own class.
 */
export class SlipwayError extends Error {
  readonly code: ErrorCode;
  /** HTTP status to use instead of the code's default (e.g. 413 for an oversized body). */
  readonly status: number | undefined;

  constructor(code: ErrorCode, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SlipwayError';
    this.code = code;
    this.status = options?.status;
  }

  static invalidParameter(message: string): SlipwayError {
    return new SlipwayError(ErrorCode.INVALID_PARAMETER_VALUE, message);
  }

  static notFound(message: string): SlipwayError {
    return new SlipwayError(ErrorCode.RESOURCE_DOES_NOT_EXIST, message);
  }

  static alreadyExists(message: string): SlipwayError {
    return new SlipwayError(ErrorCode.RESOURCE_ALREADY_EXISTS, message);
  }

  static badRequest(message: string): SlipwayError {
    return new SlipwayError(ErrorCode.BAD_REQUEST, message);
  }
}

/** True for any {@link SlipwayError}, even one from another copy of this package. */
export function isSlipwayError(e: unknown): e is SlipwayError {
  return (
    e instanceof Error &&
    e.name === 'SlipwayError' &&
    typeof (e as { code?: unknown }).code === 'string'
  );
}

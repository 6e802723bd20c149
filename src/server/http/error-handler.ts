import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, httpStatusFor } from '../../core/errors/error-code.js';
import { isSlipwayError } from '../../core/errors/slipway-error.js';
import { isPipelineDefinitionError } from '../../core/pipelines/pipeline-issues.js';

/** MLflow's error envelope. */
export interface ErrorBody {
  readonly error_code: ErrorCode;
  readonly message: string;
  /** Slipway's addition, for a pipeline definition or params that cannot be used: each problem with its place. */
  readonly details?: { readonly issues: readonly IssueBody[] };
}

/** One problem of a pipeline definition: `file:line:column` when it came from a file, and the document path. */
export interface IssueBody {
  readonly message: string;
  readonly path: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

/**
 * Maps every failure to MLflow's envelope `{error_code, message}`. Predictable failures
 * are 4xx (the Python client retries 5xx for minutes); only a genuine server fault is a
 * 500, logged with its stack and answered with a generic message.
 */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body } = toErrorResponse(error);
  if (status >= 500) request.log.error({ err: error, url: request.url, method: request.method }, 'request failed');
  return reply.status(status).type('application/json').send(body);
}

export function toErrorResponse(error: FastifyError | Error): { status: number; body: ErrorBody } {
  if (isSlipwayError(error)) {
    const body: ErrorBody = { error_code: error.code, message: error.message };
    const status = error.status ?? httpStatusFor(error.code);
    if (isPipelineDefinitionError(error)) return { status, body: { ...body, details: { issues: error.issues.map(issueBody) } } };
    return { status, body };
  }
  const fastify = error as FastifyError & { validationFailed?: boolean };
  switch (fastify.code) {
    case 'FST_ERR_VALIDATION':
      return badRequest(400, ErrorCode.INVALID_PARAMETER_VALUE, error.message);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return badRequest(400, ErrorCode.BAD_REQUEST, `Malformed request body: ${error.message}`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return badRequest(413, ErrorCode.BAD_REQUEST, `Request body is larger than this server accepts (${error.message}).`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return badRequest(
        415,
        ErrorCode.BAD_REQUEST,
        `Unsupported Content-Type; send the request body as JSON with 'Content-Type: application/json'.`,
      );
    default:
      break;
  }
  if (error instanceof SyntaxError || fastify.validationFailed) {
    return badRequest(400, ErrorCode.BAD_REQUEST, `Malformed JSON in request body: ${error.message}`);
  }
  const status = typeof fastify.statusCode === 'number' ? fastify.statusCode : 500;
  if (status >= 400 && status < 500) return badRequest(status, ErrorCode.BAD_REQUEST, error.message);
  return { status: 500, body: { error_code: ErrorCode.INTERNAL_ERROR, message: 'Internal server error; see the server log.' } };
}

function issueBody(issue: { message: string; path: string; file?: string; line?: number; column?: number }): IssueBody {
  return {
    message: issue.message,
    path: issue.path,
    ...(issue.file === undefined ? {} : { file: issue.file }),
    ...(issue.line === undefined ? {} : { line: issue.line }),
    ...(issue.column === undefined ? {} : { column: issue.column }),
  };
}

function badRequest(status: number, code: ErrorCode, message: string): { status: number; body: ErrorBody } {
  return { status, body: { error_code: code, message } };
}

import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ErrorCode, httpStatusFor } from '../core/errors/error-code.js';
import { isSlipwayError, SlipwayError } from '../core/errors/slipway-error.js';
import { toInferResponse, toPredictionsBody } from '../core/serving/format-prediction.js';
import { parseInferRequest } from '../core/serving/parse-infer-request.js';
import { parseScoringCsv } from '../core/serving/parse-scoring-csv.js';
import { parseScoringJson } from '../core/serving/parse-scoring-request.js';
import { toFeatureBatch } from '../core/serving/to-feature-batch.js';
import type { ServedModel } from './load-served-model.js';

/** Largest request body accepted by default (MLflow sets none; a limit keeps one client from exhausting memory). */
export const DEFAULT_SCORING_BODY_LIMIT = 64 * 1024 * 1024;

export interface ScoringAppOptions {
  readonly model: ServedModel;
  /** Reported by `/version` and OIP server metadata. */
  readonly version: string;
  readonly bodyLimit?: number;
  readonly logger?: boolean;
}

/** Client request ids are echoed when they are short printable ASCII; anything else gets a fresh UUID. */
const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

/**
 * The scoring server of one model: MLflow's scoring protocol (`/invocations`, `/ping`,
 * `/health`, `/version`) and the Open Inference Protocol v2 (`/v2/…`). Every response
 * carries `x-request-id`; errors use MLflow's `{error_code, message}` envelope (OIP routes
 * add the protocol's `error` field with the same text).
 */
export function buildScoringApp(options: ScoringAppOptions): FastifyInstance {
  const { model } = options;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? DEFAULT_SCORING_BODY_LIMIT,
    requestIdHeader: false,
    genReqId: (request) => {
      const header = request.headers['x-request-id'];
      return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    },
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // JSON and CSV only, as MLflow's scoring server; anything else is a 415.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error: FastifyError, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendError(new SlipwayError(ErrorCode.ENDPOINT_NOT_FOUND, `No endpoint ${request.method} ${request.url.split('?')[0]} on this scoring server.`), request, reply),
  );

  // --- MLflow scoring protocol ------------------------------------------------------
  const ok = async (_request: FastifyRequest, reply: FastifyReply) => reply.type('application/json').send('\n');
  app.get('/ping', ok);
  app.get('/health', ok);
  app.get('/version', async (_request, reply) => reply.type('text/plain').send(options.version));
  app.post('/invocations', async (request) => {
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const parsed = contentType === 'text/csv' ? parseScoringCsv(String(request.body)) : parseScoringJson(request.body);
    const prediction = await model.score(toFeatureBatch(parsed.input, model.model.signature));
    return toPredictionsBody(prediction);
  });

  // --- Open Inference Protocol v2 ---------------------------------------------------
  app.get('/v2', () => ({ name: 'slipway', version: options.version, extensions: [] }));
  app.get('/v2/health/live', () => ({ live: true }));
  app.get('/v2/health/ready', () => ({ ready: true }));
  for (const prefix of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    app.get(prefix, (request) => {
      requireModel(request);
      return modelMetadata(model);
    });
    app.get(`${prefix}/ready`, (request) => {
      requireModel(request);
      return { name: model.name, ready: true };
    });
    app.post(`${prefix}/infer`, async (request) => {
      requireModel(request);
      const infer = parseInferRequest(request.body);
      const prediction = await model.score(toFeatureBatch(infer.input, model.model.signature));
      return toInferResponse(prediction, { name: model.name, version: model.version }, infer.id ?? request.id, infer.outputs);
    });
  }

  function requireModel(request: FastifyRequest): void {
    const { name, version } = request.params as { name: string; version?: string };
    if (name !== model.name) throw SlipwayError.notFound(`Model '${name}' is not served here; this server serves '${model.name}'.`);
    if (version !== undefined && version !== (model.version ?? '1')) {
      throw SlipwayError.notFound(`Model '${name}' version '${version}' is not served here; this server serves version '${model.version ?? '1'}'.`);
    }
  }

  return app;
}

/** OIP model metadata: the inputs a client sends (the signature's columns, else the graph's tensors). */
function modelMetadata(served: ServedModel): Record<string, unknown> {
  const specs = served.model.signature?.inputs;
  const columns = specs !== undefined && specs.length > 0 && specs.every((spec) => spec.kind === 'column');
  return {
    name: served.name,
    versions: [served.version ?? '1'],
    platform: 'onnxruntime_onnx',
    inputs: columns
      ? specs.map((spec) => ({ name: spec.name, datatype: spec.kind === 'column' ? datatypeOfColumn(spec.type) : 'BYTES', shape: [-1] }))
      : served.model.inputs,
    outputs: served.model.outputs,
  };
}

function datatypeOfColumn(type: string): string {
  switch (type) {
    case 'double':
      return 'FP64';
    case 'float':
      return 'FP32';
    case 'long':
      return 'INT64';
    case 'integer':
      return 'INT32';
    case 'boolean':
      return 'BOOL';
    default:
      return 'BYTES';
  }
}

function sendError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, code, message } = describeError(error);
  if (status >= 500) request.log.error({ err: error, url: request.url }, 'scoring request failed');
  const body: Record<string, unknown> = { error_code: code, message };
  if (request.url.startsWith('/v2')) body['error'] = message;
  return reply.status(status).type('application/json').send(body);
}

function describeError(error: FastifyError | Error): { status: number; code: ErrorCode; message: string } {
  if (isSlipwayError(error)) return { status: error.status ?? httpStatusFor(error.code), code: error.code, message: error.message };
  const fastify = error as FastifyError;
  switch (fastify.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: ErrorCode.BAD_REQUEST, message: `Request body is larger than this server accepts (${error.message}).` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return { status: 415, code: ErrorCode.BAD_REQUEST, message: "Unsupported Content-Type; send JSON ('application/json') or CSV ('text/csv')." };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, code: ErrorCode.BAD_REQUEST, message: `Malformed JSON in request body: ${error.message}` };
    default:
      break;
  }
  if (error instanceof SyntaxError) return { status: 400, code: ErrorCode.BAD_REQUEST, message: `Malformed JSON in request body: ${error.message}` };
  const status = typeof fastify.statusCode === 'number' ? fastify.statusCode : 500;
  if (status >= 400 && status < 500) return { status, code: ErrorCode.BAD_REQUEST, message: error.message };
  return { status: 500, code: ErrorCode.INTERNAL_ERROR, message: 'Internal server error; see the server log.' };
}

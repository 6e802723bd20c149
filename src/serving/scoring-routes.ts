import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { ErrorCode, httpStatusFor } from '../core/errors/error-code.js';
import { isSlipwayError, SlipwayError } from '../core/errors/slipway-error.js';
import type { FeatureBatch, Prediction } from '../core/ports/model-runtime.js';
import { toInferResponse, toPredictionsBody } from '../core/serving/format-prediction.js';
import { parseInferRequest } from '../core/serving/parse-infer-request.js';
import { parseScoringCsv } from '../core/serving/parse-scoring-csv.js';
import { parseScoringJson } from '../core/serving/parse-scoring-request.js';
import type { ScoringInput } from '../core/serving/scoring-input.js';
import { toFeatureBatch } from '../core/serving/to-feature-batch.js';
import type { AdmissionControl } from './admission-control.js';
import type { ServedModel } from './load-served-model.js';

/** What one request is scored by: a model, with the name and version the protocols report. */
export interface ScoringTarget {
  readonly name: string;
  readonly version: string | undefined;
  readonly model: ServedModel;
  /** Scores a batch validated against `model`'s signature. */
  score(batch: FeatureBatch): Promise<Prediction>;
}

/** Which model a request names: the endpoint (or OIP model) and an optional version. */
export interface TargetRef {
  readonly name: string | undefined;
  readonly version: string | undefined;
}

export interface ScoringRoutesOptions {
  /** Where MLflow's `/invocations`, `/ping`, `/health`, `/version` live: `''` or e.g. `/endpoints/:name`. */
  readonly mlflowPrefix: string;
  /** Reported by `/version` and OIP server metadata. */
  readonly version: string;
  /** Largest request body, in bytes (413 above). */
  readonly bodyLimit: number;
  /**
   * Picks the target of a request; throws a SlipwayError (404 unknown, 503 not ready).
   * `purpose` says whether the request will be scored or only asks about the model.
   */
  resolve(request: FastifyRequest, reply: FastifyReply, ref: TargetRef, purpose: 'score' | 'describe'): ScoringTarget;
  /** After a successful prediction (the answer is sent next); e.g. to mirror it to a shadow. */
  readonly onScored?: ((request: FastifyRequest, reply: FastifyReply, target: ScoringTarget, input: ScoringInput, prediction: Prediction) => void) | undefined;
  /** Answer 504 when scoring is not done this long after the request arrived. */
  readonly requestTimeoutMs?: number | undefined;
  /** Load shedding for the scoring calls (`/invocations`, `…/infer`). */
  readonly admission?: AdmissionControl | undefined;
  /**
   * After each scoring call is answered (any status), with the target it was routed to
   * (undefined when it failed before: unknown endpoint, bad body, 503 overload).
   */
  readonly onAnswered?: ((request: FastifyRequest, reply: FastifyReply, target: ScoringTarget | undefined) => void) | undefined;
  /** The app's own request ids are scoring ids already (its `genReqId` is {@link scoringRequestId}). */
  readonly fastifyRequestIds?: boolean | undefined;
}

/** Client request ids are echoed when they are short printable ASCII; anything else gets a fresh UUID. */
const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

/** The request id a scoring response carries: the client's `x-request-id` when usable, else a UUID. */
export function scoringRequestId(headers: Readonly<Record<string, string | string[] | undefined>>): string {
  const header = headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

const requestIds = new WeakMap<FastifyRequest, string>();
const targets = new WeakMap<FastifyRequest, ScoringTarget>();

/** The id of a request the scoring routes answered (as sent in `x-request-id`). */
export function requestIdOf(request: FastifyRequest): string {
  return requestIds.get(request) ?? request.id;
}

/**
 * MLflow's scoring protocol (`/invocations` with `dataframe_split`, `dataframe_records`,
 * `instances`, `inputs` or CSV; `/ping`, `/health`, `/version`) and the Open Inference
 * Protocol v2 (`/v2`, `/v2/health/live|ready`, `/v2/models/<m>[/versions/<v>]`, `…/ready`,
 * `…/infer`), registered on `scope` with its own body parsers (JSON and CSV only, others
 * 415) and error handler. Every response carries `x-request-id`; errors use MLflow's
 * `{error_code, message}` envelope (OIP routes add the protocol's `error` field). Both the
 * standalone `slipway models serve` and the main server's endpoints use it.
 */
export function registerScoringRoutes(scope: FastifyInstance, options: ScoringRoutesOptions): void {
  const { bodyLimit } = options;
  scope.addHook('onRequest', async (request, reply) => {
    const id = options.fastifyRequestIds === true ? request.id : scoringRequestId(request.headers);
    requestIds.set(request, id);
    reply.header('x-request-id', id);
  });
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    try {
      done(null, parseJson(String(body)));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  scope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit }, (_request, body, done) => done(null, body));
  scope.setErrorHandler((error: FastifyError, request, reply) => sendScoringError(error, request, reply));

  const deadline = <T>(reply: FastifyReply, work: Promise<T>): Promise<T> => withDeadline(work, options.requestTimeoutMs, reply);
  const refOf = (request: FastifyRequest): TargetRef => {
    const params = request.params as { name?: string; version?: string };
    return { name: params.name, version: params.version };
  };
  const resolveForScoring = (request: FastifyRequest, reply: FastifyReply): ScoringTarget => {
    const target = options.resolve(request, reply, refOf(request), 'score');
    targets.set(request, target);
    return target;
  };
  const onAnswered = options.onAnswered;
  const scoringRoute = {
    bodyLimit,
    ...(options.admission === undefined ? {} : { onRequest: options.admission.onRequest }),
    ...(onAnswered === undefined
      ? {}
      : {
          onResponse: (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
            onAnswered(request, reply, targets.get(request));
            done();
          },
        }),
  };

  // --- MLflow scoring protocol ------------------------------------------------------
  const prefix = options.mlflowPrefix;
  const ok = async (request: FastifyRequest, reply: FastifyReply) => {
    if (prefix !== '') options.resolve(request, reply, refOf(request), 'describe');
    return reply.type('application/json').send('\n');
  };
  scope.get(`${prefix}/ping`, ok);
  scope.get(`${prefix}/health`, ok);
  scope.get(`${prefix}/version`, async (request, reply) => {
    if (prefix !== '') options.resolve(request, reply, refOf(request), 'describe');
    return reply.type('text/plain').send(options.version);
  });
  scope.post(`${prefix}/invocations`, scoringRoute, async (request, reply) => {
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const target = resolveForScoring(request, reply);
    const parsed = contentType === 'text/csv' ? parseScoringCsv(String(request.body)) : parseScoringJson(request.body);
    const prediction = await deadline(reply, target.score(toFeatureBatch(parsed.input, target.model.mlmodel.signature)));
    options.onScored?.(request, reply, target, parsed.input, prediction);
    return toPredictionsBody(prediction);
  });

  // --- Open Inference Protocol v2 ---------------------------------------------------
  scope.get('/v2', () => ({ name: 'slipway', version: options.version, extensions: [] }));
  scope.get('/v2/health/live', () => ({ live: true }));
  scope.get('/v2/health/ready', () => ({ ready: true }));
  for (const path of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    scope.get(path, (request, reply) => modelMetadata(options.resolve(request, reply, refOf(request), 'describe')));
    scope.get(`${path}/ready`, (request, reply) => ({ name: options.resolve(request, reply, refOf(request), 'describe').name, ready: true }));
    scope.post(`${path}/infer`, scoringRoute, async (request, reply) => {
      const target = resolveForScoring(request, reply);
      const infer = parseInferRequest(request.body);
      const prediction = await deadline(reply, target.score(toFeatureBatch(infer.input, target.model.mlmodel.signature)));
      options.onScored?.(request, reply, target, infer.input, prediction);
      return toInferResponse(prediction, { name: target.name, version: target.version }, infer.id ?? requestIdOf(request), infer.outputs);
    });
  }
}

/** JSON as MLflow's scoring server reads it; `__proto__`/`constructor.prototype` keys are refused. */
function parseJson(text: string): unknown {
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    throw SlipwayError.badRequest(`Malformed JSON in request body: ${(error as Error).message}`);
  }
}

/** The request's deadline: 504 DEADLINE_EXCEEDED when `work` is not done `timeoutMs` after the request arrived. */
function withDeadline<T>(work: Promise<T>, timeoutMs: number | undefined, reply: FastifyReply): Promise<T> {
  if (timeoutMs === undefined || timeoutMs <= 0) return work;
  const timedOut = (): SlipwayError => new SlipwayError(ErrorCode.DEADLINE_EXCEEDED, `Scoring did not finish within the request timeout of ${timeoutMs} ms.`);
  const left = timeoutMs - reply.elapsedTime;
  if (left <= 0) {
    work.catch(() => undefined);
    return Promise.reject(timedOut());
  }
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timedOut()), left);
    work.then(
      (value) => {
        clearTimeout(timer);
        // A run that blocked the event loop past the deadline (the timer could not fire) is late too.
        if (reply.elapsedTime > timeoutMs) reject(timedOut());
        else resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** OIP model metadata: the inputs a client sends (the signature's columns, else the graph's tensors). */
function modelMetadata(target: ScoringTarget): Record<string, unknown> {
  const served = target.model;
  const specs = served.mlmodel.signature?.inputs;
  const columns = specs !== undefined && specs.length > 0 && specs.every((spec) => spec.kind === 'column');
  return {
    name: target.name,
    versions: [target.version ?? '1'],
    platform: served.model.runtime === 'onnx' ? 'onnxruntime_onnx' : served.model.runtime,
    inputs: columns ? specs.map((spec) => ({ name: spec.name, datatype: spec.kind === 'column' ? datatypeOfColumn(spec.type) : 'BYTES', shape: [-1] })) : served.model.inputs,
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

/** MLflow's envelope, plus OIP's `error` field on `/v2` routes. */
export function sendScoringError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, code, message } = describeScoringError(error);
  if (status >= 500 && status !== 503 && status !== 504) request.log.error({ err: error, url: request.url }, 'scoring request failed');
  const body: Record<string, unknown> = { error_code: code, message };
  if (request.url.startsWith('/v2')) body['error'] = message;
  return reply.status(status).type('application/json').send(body);
}

function describeScoringError(error: FastifyError | Error): { status: number; code: ErrorCode; message: string } {
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

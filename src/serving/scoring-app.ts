import Fastify, { type FastifyInstance } from 'fastify';
import { ErrorCode } from '../core/errors/error-code.js';
import { SlipwayError } from '../core/errors/slipway-error.js';
import { AdmissionControl } from './admission-control.js';
import { ServingMetrics } from './endpoints/serving-metrics.js';
import type { ServedModel } from './load-served-model.js';
import { registerScoringRoutes, scoringRequestId, sendScoringError, type ScoringTarget } from './scoring-routes.js';

import { DEFAULT_MAX_IN_FLIGHT, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_SCORING_BODY_LIMIT } from './scoring-defaults.js';

export { DEFAULT_MAX_IN_FLIGHT, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_SCORING_BODY_LIMIT };

export interface ScoringAppOptions {
  readonly model: ServedModel;
  /** Reported by `/version` and OIP server metadata. */
  readonly version: string;
  readonly bodyLimit?: number;
  readonly logger?: boolean;
  /** 504 after this many ms; 0 turns it off. @default DEFAULT_REQUEST_TIMEOUT_MS */
  readonly requestTimeoutMs?: number;
  /** 503 + Retry-After above this many scoring requests at once; 0 turns it off. @default DEFAULT_MAX_IN_FLIGHT */
  readonly maxInFlight?: number;
  /** Where `/metrics` reads from; a fresh registry when absent. */
  readonly metrics?: ServingMetrics;
}

/** The standalone scoring server, and what its shutdown waits for. */
export interface ScoringApp {
  readonly app: FastifyInstance;
  readonly metrics: ServingMetrics;
  readonly admission: AdmissionControl;
}

/**
 * The scoring server of one model (`slipway models serve`): MLflow's scoring protocol and
 * OIP v2 through {@link registerScoringRoutes}, Prometheus `/metrics`, a request timeout
 * (504) and admission control (503 + Retry-After). `app.close()` stops accepting
 * connections and waits for the requests in flight (graceful drain).
 */
export function buildScoringServer(options: ScoringAppOptions): ScoringApp {
  const { model } = options;
  const metrics = options.metrics ?? new ServingMetrics();
  const admission = new AdmissionControl({ maxInFlight: options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT, metrics });
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? DEFAULT_SCORING_BODY_LIMIT,
    requestIdHeader: false,
    genReqId: (request) => scoringRequestId(request.headers),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  // While shutting down, answers close their connection, so a keep-alive client cannot hold the drain open.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  app.setNotFoundHandler((request, reply) =>
    sendScoringError(new SlipwayError(ErrorCode.ENDPOINT_NOT_FOUND, `No endpoint ${request.method} ${request.url.split('?')[0]} on this scoring server.`), request, reply),
  );
  const target: ScoringTarget = { name: model.name, version: model.version, model, score: (batch) => model.score(batch) };
  const variant = model.version ?? 'default';
  registerScoringRoutes(app, {
    mlflowPrefix: '',
    version: options.version,
    bodyLimit: options.bodyLimit ?? DEFAULT_SCORING_BODY_LIMIT,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    fastifyRequestIds: true,
    admission,
    resolve: (_request, _reply, ref) => {
      if (ref.name !== undefined && ref.name !== model.name) throw SlipwayError.notFound(`Model '${ref.name}' is not served here; this server serves '${model.name}'.`);
      if (ref.version !== undefined && ref.version !== (model.version ?? '1')) {
        throw SlipwayError.notFound(`Model '${ref.name ?? model.name}' version '${ref.version}' is not served here; this server serves version '${model.version ?? '1'}'.`);
      }
      return target;
    },
    onAnswered: (_request, reply) => {
      if (reply.statusCode === 504) metrics.rejected.inc({ reason: 'timeout' });
      metrics.observe(model.name, variant, reply.statusCode, reply.elapsedTime / 1000);
    },
  });
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await metrics.expose();
    return reply.type(contentType).send(body);
  });
  return { app, metrics, admission };
}

/** {@link buildScoringServer}'s app alone. */
export function buildScoringApp(options: ScoringAppOptions): FastifyInstance {
  return buildScoringServer(options).app;
}

import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { ApprovalService } from '../core/approvals/approval-service.js';
import type { EndpointService } from '../core/endpoints/endpoint-service.js';
import { ErrorCode } from '../core/errors/error-code.js';
import type { PipelineOperations } from '../core/pipelines/execution-model.js';
import type { ScheduleOperations } from '../core/schedules/schedule-operations.js';
import type { ArtifactStore } from '../core/ports/artifact-store.js';
import type { RegistryService } from '../core/registry/registry-service.js';
import type { TrackingService } from '../core/tracking/tracking-service.js';
import type { WebhookService } from '../core/webhooks/webhook-service.js';
import { handleError } from './http/error-handler.js';
import { registerJsonBodyParser } from './http/json-body-parser.js';
import { createValidatorCompiler } from './http/request-validation.js';
import { registerArtifactRoutes } from './mlflow/artifacts-routes.js';
import { experimentsRoutes } from './mlflow/experiments-routes.js';
import { loggedModelsRoutes } from './mlflow/logged-models-routes.js';
import { metricsRoutes } from './mlflow/metrics-routes.js';
import { metricDownsampleRoutes } from './mlflow/metric-downsample-routes.js';
import { registerMlflowRoutes } from './mlflow/mlflow-route.js';
import { runsRoutes } from './mlflow/runs-routes.js';
import { approvalRoutes } from './approvals/approval-routes.js';
import { pipelineRoutes } from './pipelines/pipeline-routes.js';
import { registerHookRoute } from './triggers/hook-route.js';
import { triggerRoutes } from './triggers/trigger-routes.js';
import type { TriggerService } from '../triggers/trigger-service.js';
import { scheduleRoutes } from './schedules/schedule-routes.js';
import { registryRoutes } from './registry/registry-routes.js';
import { SLIPWAY_PREFIXES, slipwayRegistryRoutes } from './registry/slipway-registry-routes.js';
import { SLIPWAY_VERSION, MLFLOW_COMPATIBLE_VERSION } from './version.js';
import { slipwayWebhookRoutes } from './webhooks/slipway-webhook-routes.js';
import { webhookRoutes } from './webhooks/webhook-routes.js';
import { registerUiRoutes, stripStaticPrefix } from './ui-routes.js';
import { endpointRoutes } from './endpoints/endpoint-routes.js';
import type { EndpointServing } from '../serving/endpoints/endpoint-serving.js';
import { registerEndpointServingRoutes } from './endpoints/endpoint-serving-routes.js';
import { registerEndpointStatsRoutes } from './endpoints/endpoint-stats-routes.js';

/**
 * What `GET /api/3.0/mlflow/server-info` reports, with MLflow's keys: a SQL store, no
 * workspaces, no trace archival, and no multipart or presigned artifact transfers (the
 * proxied artifact API streams whole files).
 */
const SERVER_INFO = Object.freeze({
  store_type: 'SqlStore',
  workspaces_enabled: false,
  trace_archival_enabled: false,
  multipart_uploads_enabled: false,
  multipart_downloads_enabled: false,
  presigned_upload_run_id_supported: false,
  presigned_upload_model_id_supported: false,
  features_enabled: { gateway: false },
});

export interface AppDependencies {
  readonly tracking: TrackingService;
  readonly registry: RegistryService;
  readonly webhooks: WebhookService;
  readonly artifacts: ArtifactStore;
  /** The pipeline engine; without it the pipelines API is not mounted. */
  readonly pipelines?: PipelineOperations | undefined;
  /** Event triggers; without them the triggers API and `/hooks/<trigger>` are not mounted. */
  readonly triggers?: TriggerService | undefined;
  /** Approval requests of `slipway/approval` steps; without it the approvals API is not mounted. */
  readonly approvals?: ApprovalService | undefined;
  /** The scheduler; without it the schedules API is not mounted. */
  readonly schedules?: ScheduleOperations | undefined;
  /** Serving endpoints' control plane; without it the endpoints API (`/api/slipway/v1/endpoints…`) is not mounted. */
  readonly endpoints?: EndpointService | undefined;
  /** Serving endpoints' data plane; without it `/endpoints/<name>/…`, `/v2/…`, `/metrics` and the stats API are not mounted. */
  readonly serving?: EndpointServing | undefined;
}

export interface AppOptions {
  /** Largest JSON body accepted, in bytes. Artifact uploads are streamed and not limited by it. */
  readonly bodyLimit: number;
  /** Pino log level. @default 'info' */
  readonly logLevel?: string;
  /** Log one line per request. @default false */
  readonly accessLog?: boolean;
  /** A path prefix (`/slipway`) stripped from request paths, so everything is served under it too; the web UI's base. */
  readonly staticPrefix?: string | undefined;
}

/**
 * Builds the HTTP application: MLflow's tracking REST API under `/api/2.0/mlflow` and
 * `/ajax-api/2.0/mlflow`, the proxied artifact API, `/health`, `/version` and the OpenAPI
 * document at `/api/slipway/v1/openapi.json`. It only wires ports to routes; the caller
 * chooses the adapters.
 */
export async function buildApp(deps: AppDependencies, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: options.logLevel ?? 'info' },
    logController: new LogController({ disableRequestLogging: !(options.accessLog ?? false) }),
    bodyLimit: options.bodyLimit,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    rewriteUrl: (request) => stripStaticPrefix(request.url ?? '/', options.staticPrefix ?? ''),
  });
  app.setValidatorCompiler(createValidatorCompiler());
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error_code: ErrorCode.ENDPOINT_NOT_FOUND,
      message: `No endpoint ${request.method} ${request.url.split('?')[0] ?? ''}`,
    }),
  );
  registerJsonBodyParser(app, options.bodyLimit);
  // While shutting down, responses to in-flight requests close their connection, so a
  // keep-alive client cannot hold the shutdown open until its idle timeout.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  // MLflow treats a missing body as an empty request message.
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.method !== 'GET' && (request.body === undefined || request.body === null)) request.body = {};
    done();
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Slipway API',
        version: SLIPWAY_VERSION,
        description: "Slipway's HTTP API. The MLflow-compatible part follows MLflow's REST protocol.",
      },
    },
  });

  registerMlflowRoutes(app, 'experiments', experimentsRoutes(deps.tracking));
  registerMlflowRoutes(app, 'runs', runsRoutes(deps.tracking));
  registerMlflowRoutes(app, 'metrics', metricsRoutes(deps.tracking));
  registerMlflowRoutes(app, 'logged-models', loggedModelsRoutes(deps.tracking));
  registerMlflowRoutes(app, 'model-registry', registryRoutes(deps.registry));
  registerMlflowRoutes(app, 'slipway-registry', slipwayRegistryRoutes(deps.registry), SLIPWAY_PREFIXES);
  registerMlflowRoutes(app, 'slipway-metrics', metricDownsampleRoutes(deps.tracking), SLIPWAY_PREFIXES);
  registerMlflowRoutes(app, 'webhooks', webhookRoutes(deps.webhooks));
  registerMlflowRoutes(app, 'slipway-webhooks', slipwayWebhookRoutes(deps.webhooks), SLIPWAY_PREFIXES);
  if (deps.pipelines !== undefined) registerMlflowRoutes(app, 'slipway-pipelines', pipelineRoutes(deps.pipelines), SLIPWAY_PREFIXES);
  if (deps.triggers !== undefined) {
    registerMlflowRoutes(app, 'slipway-triggers', triggerRoutes(deps.triggers), SLIPWAY_PREFIXES);
    await registerHookRoute(app, deps.triggers, options.bodyLimit);
  }
  if (deps.schedules !== undefined) registerMlflowRoutes(app, 'slipway-schedules', scheduleRoutes(deps.schedules), SLIPWAY_PREFIXES);
  if (deps.approvals !== undefined) registerMlflowRoutes(app, 'slipway-approvals', approvalRoutes(deps.approvals), SLIPWAY_PREFIXES);
  if (deps.endpoints !== undefined) registerMlflowRoutes(app, 'slipway-endpoints', endpointRoutes(deps.endpoints), SLIPWAY_PREFIXES);
  registerArtifactRoutes(app, deps.artifacts, deps.tracking);

  app.get('/health', { schema: { hide: true } }, (_request, reply) => reply.type('text/plain').send('OK'));
  app.get('/version', { schema: { hide: true } }, (_request, reply) => reply.type('text/plain').send(MLFLOW_COMPATIBLE_VERSION));
  // The 3.x client probes server-info before artifact downloads (multipart capabilities) and
  // for telemetry. It only caches a 200, so a 404 here means one more probe per download.
  for (const prefix of ['/api/3.0/mlflow', '/ajax-api/3.0/mlflow']) {
    app.get(`${prefix}/server-info`, { schema: { hide: true } }, () => SERVER_INFO);
  }
  app.get('/api/slipway/v1/version', { schema: { hide: true } }, () => ({
    slipway: SLIPWAY_VERSION,
    mlflow_api: MLFLOW_COMPATIBLE_VERSION,
  }));
  app.get('/api/slipway/v1/openapi.json', { schema: { hide: true } }, () => app.swagger());
  if (deps.serving !== undefined) {
    await registerEndpointServingRoutes(app, deps.serving);
    registerEndpointStatsRoutes(app, deps.serving);
  }
  // Last, so every API route wins over the UI's index.html fallback.
  registerUiRoutes(app, undefined, { basePath: options.staticPrefix ?? '' });
  return app;
}

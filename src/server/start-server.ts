import type { FastifyInstance } from 'fastify';
import { LocalArtifactStore } from '../artifacts/local-artifact-store.js';
import { LocalExecutor } from '../executors/local-executor.js';
import { PipelineEngine } from '../pipelines/engine/pipeline-engine.js';
import { TrackingService } from '../core/tracking/tracking-service.js';
import { buildApp } from './build-app.js';
import { RegistryService } from '../core/registry/registry-service.js';
import { WebhookService } from '../core/webhooks/webhook-service.js';
import { HttpWebhookSender } from '../webhooks/http-webhook-sender.js';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.js';
import { openStores } from './open-stores.js';
import type { ServerConfig } from './server-config.js';
import { SLIPWAY_VERSION } from './version.js';

/** MLflow's and Slipway's registry endpoints, the only writes that append to the change log. */
const REGISTRY_WRITE_PATH = /\/(registered-models|model-versions)(\/|\?|$)/;

/** A listening Slipway server. */
export interface RunningServer {
  /** `http://host:port` as bound (the real port when 0 was asked for). */
  readonly url: string;
  readonly app: FastifyInstance;
  /**
   * Stops accepting connections, lets in-flight requests finish, stops webhook delivery
   * (requests in flight get a grace period; unfinished ones are sent again after a restart),
   * then closes the database.
   */
  close(): Promise<void>;
}

/**
 * The composition root: opens the adapters the config names, builds the app, starts the
 * webhook dispatcher and listens.
 */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const stores = await openStores(config.backendStoreUri, { defaultArtifactRoot: config.defaultArtifactRoot });
  let app: FastifyInstance | undefined;
  let dispatcher: WebhookDispatcher | undefined;
  let engine: PipelineEngine | undefined;
  try {
    const artifacts = await LocalArtifactStore.open(config.artifactsDirectory);
    const tracking = new TrackingService(stores.tracking);
    const registry = new RegistryService(stores);
    const sender = new HttpWebhookSender({ userAgent: `Slipway-Webhooks/${SLIPWAY_VERSION}` });
    const delivery = config.webhookDelivery ?? {};
    const webhooks = new WebhookService(
      { store: stores.webhooks, sender },
      { testTimeoutMs: delivery.retry?.attemptTimeoutMs },
    );
    const pipelineConfig = config.pipelines ?? { secretNames: [] };
    const secrets: Record<string, string> = {};
    for (const name of pipelineConfig.secretNames) {
      const value = process.env[name];
      if (value !== undefined) secrets[name] = value;
    }
    const pipelines = new PipelineEngine(
      {
        store: stores.pipelines,
        executor: new LocalExecutor({ maxConcurrent: pipelineConfig.maxConcurrentSteps }),
        tracking,
        registry,
        registryStore: stores.registry,
        artifacts,
      },
      {
        dataDir: config.dataDir,
        maxParallelPerExecution: pipelineConfig.maxParallelPerExecution,
        secrets,
        log: { warn: (message) => app?.log.warn(message) },
      },
    );
    engine = pipelines;
    app = await buildApp(
      { tracking, registry, webhooks, artifacts, pipelines },
      { bodyLimit: config.bodyLimit, logLevel: config.logLevel, accessLog: config.accessLog },
    );
    const log = app.log;
    const started = new WebhookDispatcher(
      { registry: stores.registry, webhooks: stores.webhooks, sender },
      { ...delivery, log: { warn: (message) => log.warn(message) } },
    );
    dispatcher = started;
    // A successful registry write appended to the change log: look at once rather than at
    // the next poll. (Tracking writes never do, so metric storms do not wake it up.)
    app.addHook('onResponse', (request, reply, done) => {
      if (request.method !== 'GET' && reply.statusCode < 400 && REGISTRY_WRITE_PATH.test(request.url)) started.nudge();
      done();
    });
    started.start();
    await app.listen({ host: config.host, port: config.port });
    // Steps log to this server (MLFLOW_TRACKING_URI); recovery of what a previous process
    // left running happens here, before the first step starts.
    await pipelines.start(listeningUrl(app, config, true));
  } catch (e) {
    await app?.close();
    await engine?.stop();
    await dispatcher?.stop();
    await stores.close();
    throw e;
  }
  const url = listeningUrl(app, config);
  app.log.info(`Slipway listening on ${url} (store ${stores.description}, artifacts ${config.artifactsDirectory})`);
  const running = app;
  const delivering = dispatcher;
  const stopping = engine;
  let closing: Promise<void> | undefined;
  return {
    url,
    app: running,
    close() {
      closing ??= (async () => {
        await running.close();
        // Running steps are ended and requeued; they run again after a restart.
        await stopping.stop();
        await delivering.stop();
        await stores.close();
      })();
      return closing;
    },
  };
}

/** `http://host:port` as bound (the real port when 0 was asked for). */
function listeningUrl(app: FastifyInstance, config: ServerConfig, forSteps = false): string {
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  // A wildcard address is not one a step can connect to: use the loopback address.
  const bound = !forSteps ? config.host : config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host;
  const host = bound.includes(':') ? `[${bound}]` : bound;
  return `http://${host}:${port}`;
}

import type { FastifyInstance } from 'fastify';
import { LocalArtifactStore } from '../artifacts/local-artifact-store.js';
import { LocalExecutor } from '../executors/local-executor.js';
import { PipelineEngine } from '../pipelines/engine/pipeline-engine.js';
import { TrackingService } from '../core/tracking/tracking-service.js';
import { buildApp } from './build-app.js';
import { RegistryService } from '../core/registry/registry-service.js';
import { WebhookService } from '../core/webhooks/webhook-service.js';
import { ApprovalService } from '../core/approvals/approval-service.js';
import { EndpointService } from '../core/endpoints/endpoint-service.js';
import { HttpWebhookSender } from '../webhooks/http-webhook-sender.js';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.js';
import { openStores } from './open-stores.js';
import { TriggerService } from '../triggers/trigger-service.js';
import { withPipelineUpsertListeners, type PipelineUpsertListener } from './pipeline-upsert-listeners.js';
import { Scheduler } from '../schedules/scheduler.js';
import { schedulerPipelinesOf } from '../schedules/scheduler-pipelines.js';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ServerConfig } from './server-config.js';
import { SLIPWAY_VERSION } from './version.js';
import { EndpointServing } from '../serving/endpoints/endpoint-serving.js';
import { AutoModelRuntime } from '../serving/auto-model-runtime.js';

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
  let scheduler: Scheduler | undefined;
  let triggers: TriggerService | undefined;
  let serving: EndpointServing | undefined;
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
    // One service for the API and the engine: a decision through the API wakes the waiting step at once.
    const approvals = new ApprovalService(stores.approvals);
    const pipelineConfig = config.pipelines ?? { secretNames: [] };
    const secrets: Record<string, string> = {};
    for (const name of pipelineConfig.secretNames) {
      const value = process.env[name];
      if (value !== undefined) secrets[name] = value;
    }
    // This process's name in the scheduler's lease.
    const holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    // One endpoint service for the API, serving and the pipeline engine (slipway/deploy): a write through it wakes this process's host and controller at once.
    const endpointService = new EndpointService({ store: stores.endpoints, registry });
    const pipelines = new PipelineEngine(
      {
        store: stores.pipelines,
        executor: new LocalExecutor({ maxConcurrent: pipelineConfig.maxConcurrentSteps }),
        tracking,
        registry,
        registryStore: stores.registry,
        artifacts,
        approvals,
        endpoints: endpointService,
        leases: stores.leases,
      },
      {
        dataDir: config.dataDir,
        // The engine's lease names the machine and data directory, not the process: a server
        // restarted after a crash takes its own lease back at once and recovers its steps
        // (their process groups are on this machine), rather than waiting out the TTL.
        holder: `${hostname()}:${resolve(config.dataDir)}`,
        leaseTtlMs: config.scheduler?.leaseTtlMs,
        maxParallelPerExecution: pipelineConfig.maxParallelPerExecution,
        secrets,
        log: { warn: (message) => app?.log.warn(message) },
      },
    );
    engine = pipelines;
    // Schedules fire on the server that holds the `scheduler` lease in the database.
    const schedules = new Scheduler(
      { store: stores.schedules, leases: stores.leases, pipelines: schedulerPipelinesOf(pipelines) },
      {
        now: Date.now,
        holder,
        intervalMs: config.scheduler?.intervalMs,
        leaseTtlMs: config.scheduler?.leaseTtlMs,
        log: { warn: (message) => app?.log.warn(message) },
      },
    );
    scheduler = schedules;
    // What runs after a pipeline upsert: the scheduler syncs `on: schedule:`.
    // Event triggers (`on: push | webhook | data | registry | pipeline`) start executions through the engine.
    const eventTriggers = new TriggerService(
      {
        store: stores.triggers,
        pipelines,
        registry: stores.registry,
        artifacts,
        codeDirOf: (pipeline) => stores.pipelines.getPipelineCodeDir(pipeline),
        leases: stores.leases,
        startExecution: (pipelineName, params, trigger) => pipelines.startExecution({ pipelineName, params, trigger }, 'slipway-trigger'),
      },
      { secrets, log: { warn: (message) => app?.log.warn(message) } },
    );
    triggers = eventTriggers;
    const upsertListeners: PipelineUpsertListener[] = [(version) => schedules.syncPipeline(version), (version) => eventTriggers.syncPipeline(version)];
    // Serving endpoints: every server routes and scores; the `endpoints` lease holder also drives rollouts.
    serving = new EndpointServing(
      { store: stores.endpoints, registry, registryStore: stores.registry, leases: stores.leases, runtime: new AutoModelRuntime({ python: { python: config.serving?.python }, compileCacheDir: resolve(config.dataDir, 'cache', 'onnx') }), artifactsRoot: config.artifactsDirectory, dataDir: config.dataDir, subscribe: (listener) => endpointService.onChange(listener), notify: (name, endpoint) => endpointService.notifyChange(name, endpoint) },
      {
        // Like the engine's, the lease names the machine and data directory: a server
        // restarted after a crash drives its rollouts again at once instead of waiting out
        // the TTL of the lease its previous process held.
        holder: `${hostname()}:${resolve(config.dataDir)}`,
        leaseTtlMs: config.scheduler?.leaseTtlMs,
        bodyLimit: config.bodyLimit,
        version: SLIPWAY_VERSION,
        requestTimeoutMs: config.serving?.requestTimeoutMs,
        maxInFlight: config.serving?.maxInFlight,
        log: { warn: (message) => app?.log.warn(message) },
      },
    );
    app = await buildApp(
      { tracking, registry, webhooks, artifacts, pipelines: withPipelineUpsertListeners(pipelines, upsertListeners), schedules, approvals, triggers: eventTriggers, serving, endpoints: endpointService },
      { bodyLimit: config.bodyLimit, logLevel: config.logLevel, accessLog: config.accessLog, staticPrefix: config.staticPrefix },
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
    await schedules.start();
    await eventTriggers.start();
    await serving.start();
  } catch (e) {
    await app?.close();
    await serving?.stop();
    await scheduler?.stop();
    await triggers?.stop();
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
  const firing = scheduler;
  const watching = triggers;
  const scoring = serving;
  let closing: Promise<void> | undefined;
  return {
    url,
    app: running,
    close() {
      closing ??= (async () => {
        // The HTTP server finishes the requests in flight (scoring ones included) before this returns.
        await running.close();
        await scoring.stop();
        await firing?.stop();
        await watching?.stop();
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

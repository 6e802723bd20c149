import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { LocalArtifactStore } from '../../src/artifacts/local-artifact-store.js';
import type { Execution, ExecutionStatus } from '../../src/core/pipelines/execution-model.js';
import { RegistryService } from '../../src/core/registry/registry-service.js';
import { TrackingService } from '../../src/core/tracking/tracking-service.js';
import { WebhookService } from '../../src/core/webhooks/webhook-service.js';
import { LocalExecutor } from '../../src/executors/local-executor.js';
import { PipelineEngine } from '../../src/pipelines/engine/pipeline-engine.js';
import { buildApp } from '../../src/server/build-app.js';
import { withPipelineUpsertListeners } from '../../src/server/pipeline-upsert-listeners.js';
import { SqlPipelineStore } from '../../src/store-sql/sql-pipeline-store.js';
import { SqlRegistryStore } from '../../src/store-sql/sql-registry-store.js';
import { SqlTrackingStore } from '../../src/store-sql/sql-tracking-store.js';
import { SqlTriggerStore } from '../../src/store-sql/sql-trigger-store.js';
import { SqlWebhookStore } from '../../src/store-sql/sql-webhook-store.js';
import { HttpWebhookSender } from '../../src/webhooks/http-webhook-sender.js';
import { TriggerService, type TriggerServiceOptions } from '../../src/triggers/trigger-service.js';
import type { SqlDatabase } from '../../src/store-sql/sql-database.js';
import type { TestBackend } from './test-databases.js';

/**
 * A pipeline engine and a {@link TriggerService} over one fresh database (wired as the
 * server wires them: upserts sync the pipeline's triggers, executions start through the
 * engine), optionally with the HTTP app listening on a random port. The service's poll
 * loop is not started: tests call `triggers.poll()` when they want a poll.
 */
export interface TriggerHarness {
  readonly database: SqlDatabase;
  readonly engine: PipelineEngine;
  readonly registry: RegistryService;
  readonly triggers: TriggerService;
  readonly triggerStore: SqlTriggerStore;
  readonly registryStore: SqlRegistryStore;
  readonly artifacts: LocalArtifactStore;
  readonly root: string;
  /** `http://127.0.0.1:<port>` when started with `http: true`. */
  readonly url: string;
  readonly app: FastifyInstance | undefined;
  /** Stores a pipeline (YAML) through the same path as the API: its triggers are synced. */
  upsert(yaml: string): Promise<void>;
  executions(pipeline?: string): Promise<readonly Execution[]>;
  wait(executionId: string, timeoutMs?: number): Promise<Execution>;
  /** A second TriggerService on the same database (another server, or a restart). */
  another(options?: TriggerServiceOptions): TriggerService;
  close(): Promise<void>;
}

const DONE: readonly ExecutionStatus[] = ['succeeded', 'failed', 'cancelled'];

export async function createTriggerHarness(
  backend: TestBackend,
  options: { readonly http?: boolean; readonly service?: TriggerServiceOptions } = {},
): Promise<TriggerHarness> {
  const db = await backend.create();
  const root = mkdtempSync(join(tmpdir(), 'slipway-triggers-'));
  const trackingStore = await SqlTrackingStore.open(db.database, { defaultArtifactRoot: 'mlflow-artifacts:/' });
  const registryStore = await SqlRegistryStore.open(db.database);
  const webhookStore = await SqlWebhookStore.open(db.database);
  const store = await SqlPipelineStore.open(db.database);
  const triggerStore = await SqlTriggerStore.open(db.database);
  const artifacts = await LocalArtifactStore.open(join(root, 'artifacts'));
  const tracking = new TrackingService(trackingStore);
  const registry = new RegistryService({ registry: registryStore, tracking: trackingStore });
  const engine = new PipelineEngine(
    { store, executor: new LocalExecutor({ killGraceMs: 1_000 }), tracking, registry, registryStore, artifacts },
    { dataDir: join(root, 'data'), pollIntervalMs: 50 },
  );
  await engine.start('http://127.0.0.1:9');
  const makeService = (serviceOptions: TriggerServiceOptions = {}): TriggerService =>
    new TriggerService(
      {
        store: triggerStore,
        pipelines: engine,
        registry: registryStore,
        artifacts,
        startExecution: (pipelineName, params, trigger) => engine.startExecution({ pipelineName, params, trigger }, 'slipway-trigger'),
      },
      { cwd: root, ...options.service, ...serviceOptions },
    );
  const triggers = makeService();
  const pipelines = withPipelineUpsertListeners(engine, [(version) => triggers.syncPipeline(version)]);
  let app: FastifyInstance | undefined;
  let url = '';
  if (options.http === true) {
    const webhooks = new WebhookService({ store: webhookStore, sender: new HttpWebhookSender() });
    app = await buildApp({ tracking, registry, webhooks, artifacts, pipelines, triggers }, { bodyLimit: 1024 * 1024, logLevel: 'silent' });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  }
  return {
    database: db.database,
    engine,
    registry,
    triggers,
    triggerStore,
    registryStore,
    artifacts,
    root,
    url,
    app,
    async upsert(yaml) {
      await pipelines.upsertPipeline({ source: yaml, sourceFormat: 'yaml' }, 'tester');
    },
    async executions(pipeline) {
      return (await engine.listExecutions({ pipelineName: pipeline, maxResults: 1000 })).items;
    },
    async wait(executionId, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const e = await engine.getExecution(executionId);
        if (DONE.includes(e.status)) return e;
        if (Date.now() > deadline) throw new Error(`execution ${executionId} still ${e.status}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    another: makeService,
    async close() {
      await app?.close();
      await triggers.stop();
      await engine.stop();
      await db.dispose();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

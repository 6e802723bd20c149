import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { LocalArtifactStore } from '../../src/artifacts/local-artifact-store.js';
import { TrackingService } from '../../src/core/tracking/tracking-service.js';
import { buildApp } from '../../src/server/build-app.js';
import { SqlRegistryStore } from '../../src/store-sql/sql-registry-store.js';
import { SqlTrackingStore } from '../../src/store-sql/sql-tracking-store.js';
import { RegistryService } from '../../src/core/registry/registry-service.js';
import type { RegistryStore } from '../../src/core/ports/registry-store.js';
import type { WebhookStore } from '../../src/core/ports/webhook-store.js';
import { WebhookService } from '../../src/core/webhooks/webhook-service.js';
import { SqlWebhookStore } from '../../src/store-sql/sql-webhook-store.js';
import { HttpWebhookSender } from '../../src/webhooks/http-webhook-sender.js';
import type { TestBackend } from './test-databases.js';
import { LocalExecutor } from '../../src/executors/local-executor.js';
import { PipelineEngine } from '../../src/pipelines/engine/pipeline-engine.js';
import { SqlPipelineStore } from '../../src/store-sql/sql-pipeline-store.js';

/** The whole HTTP app on a fresh database and artifact directory, driven in-process. */
export interface TestApp {
  readonly app: FastifyInstance;
  readonly artifactsDir: string;
  /** The stores behind the app, for tests that run a webhook dispatcher beside it. */
  readonly registryStore: RegistryStore;
  readonly webhookStore: WebhookStore;
  /** The pipeline engine behind `/api/slipway/v1/pipelines…`, when asked for with `pipelines: true`. */
  readonly engine?: PipelineEngine | undefined;
  /** POST (or another method) a JSON body to an MLflow path (`/runs/create`). */
  call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * With `pipelines: true` the app gets a started {@link PipelineEngine} (local executor, data
 * directory beside the artifacts, steps told MLFLOW_TRACKING_URI=`trackingUri`).
 */
export async function createTestApp(
  backend: TestBackend,
  options: { bodyLimit?: number; pipelines?: boolean; trackingUri?: string } = {},
): Promise<TestApp> {
  const db = await backend.create();
  const store = await SqlTrackingStore.open(db.database, { defaultArtifactRoot: 'mlflow-artifacts:/' });
  const registryStore = await SqlRegistryStore.open(db.database);
  const webhookStore = await SqlWebhookStore.open(db.database);
  const webhooks = new WebhookService({ store: webhookStore, sender: new HttpWebhookSender() }, { testTimeoutMs: 5_000 });
  const artifactsDir = mkdtempSync(join(tmpdir(), 'slipway-artifacts-'));
  const artifacts = await LocalArtifactStore.open(artifactsDir);
  const tracking = new TrackingService(store);
  const registry = new RegistryService({ registry: registryStore, tracking: store });
  const engineDir = options.pipelines === true ? mkdtempSync(join(tmpdir(), 'slipway-engine-data-')) : undefined;
  const engine =
    engineDir !== undefined
      ? new PipelineEngine(
          {
            store: await SqlPipelineStore.open(db.database),
            executor: new LocalExecutor({ killGraceMs: 1_000 }),
            tracking,
            registry,
            registryStore,
            artifacts,
          },
          { dataDir: engineDir, pollIntervalMs: 50 },
        )
      : undefined;
  const app = await buildApp(
    {
      tracking,
      registry,
      webhooks,
      artifacts,
      ...(engine === undefined ? {} : { pipelines: engine }),
    },
    { bodyLimit: options.bodyLimit ?? 16 * 1024 * 1024, logLevel: 'silent' },
  );
  await app.ready();
  await engine?.start(options.trackingUri ?? 'http://127.0.0.1:9');
  return {
    app,
    artifactsDir,
    registryStore,
    webhookStore,
    engine,
    call(method, path, body) {
      const url = `/api/2.0/mlflow${path}`;
      if (method === 'GET') {
        return app.inject({ method, url, query: (body ?? {}) as Record<string, string | string[]> });
      }
      return app.inject({ method, url, payload: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    },
    async close() {
      await app.close();
      await engine?.stop();
      await db.dispose();
      if (engineDir !== undefined) rmSync(engineDir, { recursive: true, force: true });
      rmSync(artifactsDir, { recursive: true, force: true });
    },
  };
}

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
import type { TestBackend } from './test-databases.js';

/** The whole HTTP app on a fresh database and artifact directory, driven in-process. */
export interface TestApp {
  readonly app: FastifyInstance;
  readonly artifactsDir: string;
  /** POST (or another method) a JSON body to an MLflow path (`/runs/create`). */
  call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function createTestApp(backend: TestBackend, options: { bodyLimit?: number } = {}): Promise<TestApp> {
  const db = await backend.create();
  const store = await SqlTrackingStore.open(db.database, { defaultArtifactRoot: 'mlflow-artifacts:/' });
  const registryStore = await SqlRegistryStore.open(db.database);
  const artifactsDir = mkdtempSync(join(tmpdir(), 'slipway-artifacts-'));
  const artifacts = await LocalArtifactStore.open(artifactsDir);
  const app = await buildApp(
    { tracking: new TrackingService(store), registry: new RegistryService({ registry: registryStore, tracking: store }), artifacts },
    { bodyLimit: options.bodyLimit ?? 16 * 1024 * 1024, logLevel: 'silent' },
  );
  await app.ready();
  return {
    app,
    artifactsDir,
    call(method, path, body) {
      const url = `/api/2.0/mlflow${path}`;
      if (method === 'GET') {
        return app.inject({ method, url, query: (body ?? {}) as Record<string, string | string[]> });
      }
      return app.inject({ method, url, payload: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    },
    async close() {
      await app.close();
      await db.dispose();
      rmSync(artifactsDir, { recursive: true, force: true });
    },
  };
}

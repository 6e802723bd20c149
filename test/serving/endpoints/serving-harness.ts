import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { LocalArtifactStore } from '../../../src/artifacts/local-artifact-store.js';
import type { Endpoint, EndpointEvent } from '../../../src/core/endpoints/endpoint.js';
import { EndpointService } from '../../../src/core/endpoints/endpoint-service.js';
import { isSlipwayError } from '../../../src/core/errors/slipway-error.js';
import type { ModelRuntime } from '../../../src/core/ports/model-runtime.js';
import { RegistryService } from '../../../src/core/registry/registry-service.js';
import { registerEndpointServingRoutes } from '../../../src/server/endpoints/endpoint-serving-routes.js';
import { registerEndpointStatsRoutes } from '../../../src/server/endpoints/endpoint-stats-routes.js';
import { handleError } from '../../../src/server/http/error-handler.js';
import { registerJsonBodyParser } from '../../../src/server/http/json-body-parser.js';
import { openStores, type OpenStores } from '../../../src/server/open-stores.js';
import { EndpointServing } from '../../../src/serving/endpoints/endpoint-serving.js';
import { OnnxModelRuntime } from '../../../src/serving/onnx/onnx-model-runtime.js';
import type { TestBackend, TestDatabase } from '../../support/test-databases.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/models/', import.meta.url));

export interface Expected {
  predictions: number[];
  rows: { columns: string[]; data: number[][] };
}

export function expected(fixture: string): Expected {
  return JSON.parse(readFileSync(`${FIXTURES}${fixture}/expected.json`, 'utf8')) as Expected;
}

/**
 * The endpoints' data plane and controller over a real database (SQLite or PostgreSQL),
 * a real artifact store with the fixture models registered through RegistryService, real
 * onnxruntime, and the real HTTP routes on a listening Fastify app. The controller's clock
 * is `clock.now` (tests move it), and nothing ticks on its own: `settle()` ticks.
 */
export interface ServingHarness {
  readonly url: string;
  readonly clock: { now: number };
  readonly service: EndpointService;
  readonly serving: EndpointServing;
  readonly stores: OpenStores;
  readonly dataDir: string;
  readonly app: FastifyInstance;
  /** Registers `fixture` (a directory of test/fixtures/models) as a new version of `model`; `corrupt` swaps model.onnx for garbage. */
  register(model: string, fixture: string, options?: { corrupt?: boolean }): Promise<string>;
  /** Controller ticks (and host syncs) until `until(endpoint)` holds; the endpoint as it then is. */
  settle(name: string, until: (endpoint: Endpoint) => boolean, maxTicks?: number): Promise<Endpoint>;
  events(name: string): Promise<EndpointEvent[]>;
  /** Models the runtime has loaded so far (warm-ups included). */
  loads(): number;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly maxInFlight?: number;
  readonly requestTimeoutMs?: number;
  readonly bodyLimit?: number;
  /** Default: a real OnnxModelRuntime. */
  readonly runtime?: ModelRuntime;
}

export async function startServingHarness(backend: TestBackend, options: HarnessOptions = {}): Promise<ServingHarness> {
  const db: TestDatabase = await backend.create();
  const dir = mkdtempSync(join(tmpdir(), 'slipway-serving-'));
  const stores = await openStores(db.uri, { defaultArtifactRoot: 'mlflow-artifacts:/' });
  const artifactsRoot = join(dir, 'artifacts');
  const artifacts = await LocalArtifactStore.open(artifactsRoot);
  const registry = new RegistryService(stores);
  const clock = { now: Date.UTC(2026, 0, 1) };
  const now = () => clock.now;
  const service = new EndpointService({ store: stores.endpoints, registry }, { clock: now });
  const dataDir = join(dir, 'data');
  let loads = 0;
  const base = options.runtime ?? new OnnxModelRuntime();
  const runtime: ModelRuntime = {
    load: (modelDir, mlmodel, loadOptions) => {
      loads++;
      return base.load(modelDir, mlmodel, loadOptions);
    },
  };
  const serving = new EndpointServing(
    { store: stores.endpoints, registry, registryStore: stores.registry, leases: stores.leases, runtime, artifactsRoot, dataDir, subscribe: (listener) => service.onChange(listener), notify: (name, endpoint) => service.notifyChange(name, endpoint) },
    {
      holder: 'test-holder',
      now,
      pollIntervalMs: 0,
      bodyLimit: options.bodyLimit ?? 16 * 1024 * 1024,
      version: '9.9.9',
      maxInFlight: options.maxInFlight ?? 0,
      requestTimeoutMs: options.requestTimeoutMs ?? 0,
    },
  );
  const app = Fastify({ logger: false, return503OnClosing: true, forceCloseConnections: 'idle' });
  app.setErrorHandler(handleError);
  registerJsonBodyParser(app, 1024 * 1024);
  await registerEndpointServingRoutes(app, serving);
  registerEndpointStatsRoutes(app, serving);
  await app.listen({ host: '127.0.0.1', port: 0 });
  await serving.start();
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const uploads = new Map<string, string>();

  return {
    url,
    clock,
    service,
    serving,
    stores,
    dataDir,
    app,
    async register(model, fixture, registerOptions = {}) {
      const folder = `models/${fixture}${registerOptions.corrupt === true ? '-corrupt' : ''}`;
      if (!uploads.has(folder)) {
        for (const file of readdirSync(`${FIXTURES}${fixture}`)) {
          const bytes = file === 'model.onnx' && registerOptions.corrupt === true ? Buffer.from('this is not an ONNX graph') : readFileSync(`${FIXTURES}${fixture}/${file}`);
          await artifacts.put(`${folder}/${file}`, bytes);
        }
        uploads.set(folder, folder);
      }
      await registry.createRegisteredModel({ name: model }, 'test').catch((error: unknown) => {
        if (!isSlipwayError(error) || error.code !== 'RESOURCE_ALREADY_EXISTS') throw error;
      });
      const version = await registry.createModelVersion({ name: model, source: `mlflow-artifacts:/${folder}` }, 'test');
      return String(version.version);
    },
    async settle(name, until, maxTicks = 50) {
      for (let i = 0; i < maxTicks; i++) {
        const endpoint = await stores.endpoints.getEndpoint(name);
        if (until(endpoint)) return endpoint;
        await serving.controller.tick();
      }
      const last = await stores.endpoints.getEndpoint(name);
      throw new Error(`endpoint '${name}' did not settle: ${JSON.stringify(last, null, 1)}`);
    },
    async events(name) {
      return (await service.events(name, { maxResults: 1000 })).items;
    },
    loads: () => loads,
    async close() {
      await app.close();
      await serving.stop();
      await stores.close();
      await db.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Scored {
  readonly status: number;
  readonly variant: string | null;
  readonly headers: Headers;
  readonly json: { predictions?: number[]; error_code?: string; message?: string };
}

/** POSTs rows to `/endpoints/<name>/invocations`. */
export async function invoke(url: string, name: string, body: unknown, headers: Record<string, string> = {}): Promise<Scored> {
  const response = await fetch(`${url}/endpoints/${name}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, variant: response.headers.get('x-slipway-variant'), headers: response.headers, json: (text === '' ? {} : JSON.parse(text)) as Scored['json'] };
}

export function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b));
}

/** The real ONNX runtime, with every prediction after the warm-up held back `delayMs` (to keep requests in flight). */
export function slowRuntime(delayMs: number): ModelRuntime {
  const runtime: ModelRuntime = new OnnxModelRuntime();
  return {
    async load(dir, mlmodel, options) {
      const loaded = await runtime.load(dir, mlmodel, options);
      let warm = false;
      return {
        runtime: loaded.runtime,
        runtimeReason: loaded.runtimeReason,
        signature: loaded.signature,
        inputs: loaded.inputs,
        outputs: loaded.outputs,
        predict: async (batch) => {
          if (warm) await new Promise((resolve) => setTimeout(resolve, delayMs));
          warm = true;
          return loaded.predict(batch);
        },
        close: () => loaded.close(),
      };
    },
  };
}

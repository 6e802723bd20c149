import type { Endpoint, NewEndpointEvent } from '../../src/core/endpoints/endpoint.js';
import { EndpointService } from '../../src/core/endpoints/endpoint-service.js';
import type { EndpointStore } from '../../src/core/ports/endpoint-store.js';
import { RegistryService } from '../../src/core/registry/registry-service.js';
import { TrackingService } from '../../src/core/tracking/tracking-service.js';
import { SqlEndpointStore } from '../../src/store-sql/sql-endpoint-store.js';
import { SqlRegistryStore } from '../../src/store-sql/sql-registry-store.js';
import { SqlTrackingStore } from '../../src/store-sql/sql-tracking-store.js';
import type { TestBackend, TestDatabase } from '../support/test-databases.js';

/** An endpoint service over a fresh database whose registry has `housing` v1–v3 (`champion` → 2) and `iris` v1. */
export interface EndpointFixture {
  readonly database: TestDatabase;
  readonly store: SqlEndpointStore;
  readonly registry: RegistryService;
  readonly tracking: TrackingService;
  readonly service: EndpointService;
  /** What the controller would do: read, change, compare-and-set write through the store. */
  controllerWrite(name: string, change: (e: Endpoint) => Endpoint, events?: NewEndpointEvent[]): Promise<Endpoint>;
  close(): Promise<void>;
}

export async function createEndpointFixture(backend: TestBackend, options: { store?: (s: EndpointStore) => EndpointStore } = {}): Promise<EndpointFixture> {
  const database = await backend.create();
  const trackingStore = await SqlTrackingStore.open(database.database, { defaultArtifactRoot: 'mlflow-artifacts:/' });
  const registryStore = await SqlRegistryStore.open(database.database);
  const store = await SqlEndpointStore.open(database.database);
  const registry = new RegistryService({ registry: registryStore, tracking: trackingStore });
  await seedRegistry(registry);
  const service = new EndpointService({ store: options.store?.(store) ?? store, registry });
  return {
    database,
    store,
    registry,
    tracking: new TrackingService(trackingStore),
    service,
    async controllerWrite(name, change, events = []) {
      const current = await store.getEndpoint(name);
      return store.replaceEndpoint(change(current), events);
    },
    close: () => database.dispose(),
  };
}

export async function seedRegistry(registry: RegistryService): Promise<void> {
  await registry.createRegisteredModel({ name: 'housing' }, 'trainer');
  for (let i = 1; i <= 3; i++) await registry.createModelVersion({ name: 'housing', source: `mlflow-artifacts:/housing/v${i}/model` }, 'trainer');
  await registry.setAlias('housing', 'champion', '2', 'trainer');
  await registry.createRegisteredModel({ name: 'iris' }, 'trainer');
  await registry.createModelVersion({ name: 'iris', source: 'mlflow-artifacts:/iris/model' }, 'trainer');
}

/** The controller's verdict after loading: every variant Ready, the endpoint InService. */
export function allReady(e: Endpoint, now = 5_000): Endpoint {
  return { ...e, status: 'InService', variants: e.variants.map((v) => ({ ...v, status: 'Ready', servingRuntime: 'onnx', runtimeReason: 'compiled', servingSince: now })) };
}

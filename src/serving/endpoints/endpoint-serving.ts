import type { Endpoint } from '../../core/endpoints/endpoint.js';
import type { EndpointStore } from '../../core/ports/endpoint-store.js';
import type { LeaseStore } from '../../core/ports/lease-store.js';
import type { ModelRuntime } from '../../core/ports/model-runtime.js';
import type { RegistryStore } from '../../core/ports/registry-store.js';
import type { MicroBatchOptions } from '../../core/serving/micro-batcher.js';
import { AdmissionControl } from '../admission-control.js';
import { EndpointController } from './endpoint-controller.js';
import { EndpointHost } from './endpoint-host.js';
import { registryModelResolver, type ModelVersionLookup } from './resolve-registry-model.js';
import { ServingMetrics } from './serving-metrics.js';
import { ShadowRecorder } from './shadow-recorder.js';
import { VariantStats } from './variant-stats.js';

/** Scoring requests one server answers at once by default before 503s. */
export const DEFAULT_ENDPOINT_MAX_IN_FLIGHT = 512;
/** How long a scoring request may take on the main server by default before a 504. */
export const DEFAULT_ENDPOINT_REQUEST_TIMEOUT_MS = 30_000;

export interface EndpointServingDeps {
  readonly store: EndpointStore;
  /** Pinned versions → their storage location (RegistryService). */
  readonly registry: ModelVersionLookup;
  readonly registryStore: Pick<RegistryStore, 'addLineageLink'>;
  readonly leases?: LeaseStore | undefined;
  readonly runtime: ModelRuntime;
  /** The local artifact store's root: registered models are read in place. */
  readonly artifactsRoot: string;
  /** Shadow records go to `<dataDir>/endpoints/<name>/shadow.jsonl`. */
  readonly dataDir: string;
  /** Called after each controller write (EndpointService.notifyChange), so in-process waiters wake at once. */
  readonly notify?: ((name: string, endpoint: Endpoint | undefined) => void) | undefined;
  /** Write notifications of this process (EndpointService.onChange); returns the unsubscribe. */
  readonly subscribe?: ((listener: (change: { readonly endpoint: Endpoint | undefined }) => void) => () => void) | undefined;
}

export interface EndpointServingOptions {
  /** This process in the `endpoints` lease. */
  readonly holder: string;
  /** The controller's clock (rollout steps, bakes) and the live stats' clock. @default Date.now */
  readonly now?: (() => number) | undefined;
  /** Store polling of the hosts and ticks of the controller. 0: only when told. @default 1000 */
  readonly pollIntervalMs?: number | undefined;
  readonly leaseTtlMs?: number | undefined;
  readonly requestTimeoutMs?: number | undefined;
  readonly maxInFlight?: number | undefined;
  readonly bodyLimit: number;
  /** Reported by `/version` and OIP server metadata. */
  readonly version: string;
  readonly microBatch?: MicroBatchOptions | false | undefined;
  /** For traffic splits and shadow sampling. @default Math.random */
  readonly random?: (() => number) | undefined;
  readonly log?: { warn(message: string): void } | undefined;
}

/**
 * Serving endpoints in one server process: the host (data plane), the controller (on the
 * lease holder), their shared live stats, Prometheus metrics, shadow records and admission
 * control. Built before the HTTP app (whose routes use it), started once it listens,
 * stopped after it closed (the requests in flight have finished then).
 */
export class EndpointServing {
  readonly host: EndpointHost;
  readonly controller: EndpointController;
  readonly stats: VariantStats;
  readonly metrics: ServingMetrics;
  readonly shadows: ShadowRecorder;
  readonly admission: AdmissionControl;
  readonly options: EndpointServingOptions;
  /** 504 after this long; 0: no timeout. */
  readonly requestTimeoutMs: number;
  readonly #subscribe: EndpointServingDeps['subscribe'];
  #unsubscribe: (() => void) | undefined;

  constructor(deps: EndpointServingDeps, options: EndpointServingOptions) {
    this.options = options;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_ENDPOINT_REQUEST_TIMEOUT_MS;
    this.#subscribe = deps.subscribe;
    const now = options.now ?? Date.now;
    const warn = (message: string): void => options.log?.warn(message);
    this.metrics = new ServingMetrics();
    this.stats = new VariantStats({ now });
    this.shadows = new ShadowRecorder(deps.dataDir, { onError: (error) => warn(`endpoints: writing a shadow record failed: ${String(error)}`) });
    this.admission = new AdmissionControl({ maxInFlight: options.maxInFlight ?? DEFAULT_ENDPOINT_MAX_IN_FLIGHT, metrics: this.metrics });
    this.host = new EndpointHost(
      {
        store: deps.store,
        runtime: deps.runtime,
        resolveModel: registryModelResolver(deps.registry, deps.artifactsRoot),
        metrics: this.metrics,
        stats: this.stats,
        shadows: this.shadows,
      },
      { pollIntervalMs: options.pollIntervalMs, microBatch: options.microBatch, random: options.random, log: options.log },
    );
    this.controller = new EndpointController(
      { store: deps.store, host: this.host, stats: this.stats, registry: deps.registryStore, leases: deps.leases, notify: deps.notify },
      { now, holder: options.holder, intervalMs: options.pollIntervalMs, leaseTtlMs: options.leaseTtlMs, log: options.log },
    );
  }

  async start(): Promise<void> {
    this.#unsubscribe = this.#subscribe?.((change) => {
      if (change.endpoint !== undefined) this.host.apply(change.endpoint);
      else void this.host.sync();
      this.controller.nudge();
    });
    await this.host.start();
    this.controller.start();
  }

  /** After the HTTP server closed: stops the controller (releasing its lease), then unloads every model. */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    await this.controller.stop();
    await this.admission.drained();
    await this.host.stop();
    await this.shadows.flush();
  }
}

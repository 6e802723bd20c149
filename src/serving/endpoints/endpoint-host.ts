import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Endpoint, Variant } from '../../core/endpoints/endpoint.js';
import { ErrorCode } from '../../core/errors/error-code.js';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { EndpointStore } from '../../core/ports/endpoint-store.js';
import type { ModelRuntime, Prediction } from '../../core/ports/model-runtime.js';
import { toPredictionsBody } from '../../core/serving/format-prediction.js';
import type { MicroBatchOptions } from '../../core/serving/micro-batcher.js';
import type { ScoringInput } from '../../core/serving/scoring-input.js';
import { toFeatureBatch } from '../../core/serving/to-feature-batch.js';
import { loadServedModel, type ServedModel } from '../load-served-model.js';
import type { ScoringTarget } from '../scoring-routes.js';
import { listAllEndpoints } from './list-all-endpoints.js';
import { ModelCache } from './model-cache.js';
import { observeBatches } from './observe-batches.js';
import type { RegistryModelResolver } from './resolve-registry-model.js';
import type { ServingMetrics } from './serving-metrics.js';
import { outputsMatch, type ShadowRecorder } from './shadow-recorder.js';
import { chooseVariant, sampled, shadowVariants, trafficShares, type TrafficShare } from './traffic-router.js';
import type { VariantRole, VariantStats } from './variant-stats.js';

export interface EndpointHostDeps {
  readonly store: EndpointStore;
  /** Loads models (ONNX today; an auto runtime that also runs Python models later). */
  readonly runtime: ModelRuntime;
  readonly resolveModel: RegistryModelResolver;
  readonly metrics: ServingMetrics;
  readonly stats: VariantStats;
  readonly shadows: ShadowRecorder;
}

export interface EndpointHostOptions {
  /** How often the store is read for changes other processes made. 0: only on `sync()`. @default 1000 */
  readonly pollIntervalMs?: number | undefined;
  readonly microBatch?: MicroBatchOptions | false | undefined;
  readonly random?: () => number;
  readonly log?: { warn(message: string): void } | undefined;
}

/** Where a request was routed. */
export interface RouteInfo {
  readonly endpoint: string;
  readonly variant: string;
  readonly role: VariantRole;
  /** Candidate traffic of a baking rollout: the step its numbers count for. */
  readonly step: { readonly rolloutId: string; readonly step: number } | undefined;
}

/** A variant this host holds a model for. */
interface Slot {
  readonly variant: Variant;
  readonly role: VariantRole;
  readonly key: string;
  readonly holder: string;
}

interface Table {
  readonly endpoint: Endpoint;
  readonly slots: ReadonlyMap<string, Slot>;
  readonly shares: readonly TrafficShare[];
  readonly shadows: readonly Variant[];
}

/** What warming a variant gave. */
export interface Warmed {
  readonly model: ServedModel;
}

const slotId = (role: VariantRole, name: string): string => `${role}:${name}`;

/**
 * The data plane of one server process: follows the store (every endpoint's variants, its
 * rollout's target and traffic step), keeps the models they need loaded (a shared,
 * reference-counted {@link ModelCache}), routes each request to a variant by weight or by a
 * sticky routing key, mirrors sampled requests to shadow variants, and drains what is no
 * longer wanted: a removed variant takes no new request, its in-flight ones finish, then
 * its model is closed (unless another variant still uses it).
 */
export class EndpointHost {
  readonly #deps: EndpointHostDeps;
  readonly #options: EndpointHostOptions;
  readonly #cache: ModelCache;
  readonly #random: () => number;
  readonly #tables = new Map<string, Table>();
  /** Endpoints seen `Deleting`: a slower read of an older revision must not bring them back. */
  readonly #deleted = new Map<string, { readonly id: string; readonly revision: number }>();
  readonly #routes = new WeakMap<ScoringTarget, RouteInfo>();
  /** In-flight requests per endpoint name (for a delete's drain). */
  readonly #inFlight = new Map<string, number>();
  readonly #idle = new Map<string, Array<() => void>>();
  #timer: NodeJS.Timeout | undefined;
  #syncing: Promise<void> | undefined;
  #stopped = false;

  constructor(deps: EndpointHostDeps, options: EndpointHostOptions = {}) {
    this.#deps = deps;
    this.#options = options;
    this.#random = options.random ?? Math.random;
    this.#cache = new ModelCache({ onCloseError: (error) => this.#warn(`closing a model failed: ${String(error)}`) });
  }

  async start(): Promise<void> {
    await this.sync();
    // A restarted server answers its first requests from loaded models, not with 503s: the
    // models of what the store says serves are loaded before start returns (a model that
    // fails is the controller's to record; it does not hold the start up).
    await Promise.allSettled([...this.#tables.values()].flatMap((table) => [...table.slots.values()].map((slot) => this.#cache.acquire(slot.key, slot.holder, () => this.#load(slot.variant)))));
    const interval = this.#options.pollIntervalMs ?? 1000;
    if (interval > 0) {
      this.#timer = setInterval(() => void this.sync(), interval);
      this.#timer.unref();
    }
  }

  /** Stops following the store, waits for in-flight requests, and closes every model. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#syncing;
    for (const name of [...this.#tables.keys()]) this.#drop(name);
    await Promise.all([...this.#inFlight.keys()].map((name) => this.drained(name)));
    await this.#cache.closed();
  }

  /** Reads every endpoint from the store and follows it. Overlapping calls share one read. */
  sync(): Promise<void> {
    this.#syncing ??= this.#syncOnce().finally(() => (this.#syncing = undefined));
    return this.#syncing;
  }

  async #syncOnce(): Promise<void> {
    try {
      const seen = new Set<string>();
      for (const endpoint of await listAllEndpoints(this.#deps.store)) {
        seen.add(endpoint.name);
        this.apply(endpoint);
      }
      for (const name of [...this.#tables.keys()]) if (!seen.has(name)) this.#drop(name);
    } catch (error) {
      this.#warn(`reading the endpoints failed: ${String(error)}`);
    }
  }

  /** Follows one endpoint as stored (ignored when older than what this host has). */
  apply(endpoint: Endpoint): void {
    if (this.#stopped) return;
    const current = this.#tables.get(endpoint.name);
    if (current !== undefined && current.endpoint.id === endpoint.id && current.endpoint.revision > endpoint.revision) return;
    const deleted = this.#deleted.get(endpoint.name);
    if (deleted !== undefined && deleted.id === endpoint.id && deleted.revision >= endpoint.revision) return;
    if (deleted !== undefined && deleted.id !== endpoint.id) this.#deleted.delete(endpoint.name);
    if (endpoint.status === 'Deleting') {
      this.#deleted.set(endpoint.name, { id: endpoint.id, revision: endpoint.revision });
      this.#drop(endpoint.name);
      return;
    }
    const slots = new Map<string, Slot>();
    const want = (variant: Variant, role: VariantRole): void => {
      if (variant.status !== 'Pending' && variant.status !== 'Loading' && variant.status !== 'Ready') return;
      const key = modelKey(variant);
      const slot: Slot = { variant, role, key, holder: `${endpoint.id}:${slotId(role, variant.name)}:${key}` };
      slots.set(slotId(role, variant.name), slot);
    };
    for (const variant of endpoint.variants) want(variant, 'serving');
    const rollout = endpoint.rollout;
    if (rollout !== undefined && (rollout.phase === 'Warming' || rollout.phase === 'Baking')) for (const variant of rollout.target) want(variant, 'candidate');
    for (const slot of slots.values()) {
      this.#cache
        .acquire(slot.key, slot.holder, () => this.#load(slot.variant))
        .catch(() => undefined); // the controller records load failures; a request never waits on them here
    }
    if (current !== undefined) {
      for (const old of current.slots.values()) {
        const kept = slots.get(slotId(old.role, old.variant.name));
        if (kept?.holder !== old.holder) this.#cache.release(old.key, old.holder);
      }
    }
    this.#tables.set(endpoint.name, { endpoint, slots, shares: trafficShares(endpoint), shadows: shadowVariants(endpoint) });
  }

  /**
   * Loads (or finds loaded) the model of a variant the controller is bringing up, and keeps
   * it for the endpoint: the same hold the host takes when it follows the variant, so a
   * Ready variant takes traffic without loading again. Throws the loader's error.
   */
  async warm(endpoint: Endpoint, role: VariantRole, variant: Variant): Promise<Warmed> {
    const key = modelKey(variant);
    const holder = `${endpoint.id}:${slotId(role, variant.name)}:${key}`;
    try {
      return { model: await this.#cache.acquire(key, holder, () => this.#load(variant)) };
    } catch (error) {
      this.#cache.release(key, holder);
      throw error;
    }
  }

  /** Gives up the hold `warm` took (a variant that will not serve). */
  unwarm(endpoint: Endpoint, role: VariantRole, variant: Variant): void {
    const key = modelKey(variant);
    this.#cache.release(key, `${endpoint.id}:${slotId(role, variant.name)}:${key}`);
  }

  /**
   * The target of one request to endpoint `name`: `version` pins a variant (by variant name
   * or model version), else `routingKey` picks one stably, else the weights at random.
   * 404 for an unknown or deleting endpoint, 503 when no variant is ready.
   */
  route(name: string, version: string | undefined, routingKey: string | undefined, onDone: (release: () => void) => void): ScoringTarget {
    const table = this.#tables.get(name);
    if (table === undefined) throw SlipwayError.notFound(`Endpoint '${name}' does not exist.`);
    let slot: Slot | undefined;
    if (version !== undefined) {
      const matches = [...table.slots.values()].filter(
        (candidate) => candidate.variant.shadow === undefined && candidate.variant.status === 'Ready' && (candidate.variant.name === version || candidate.variant.modelVersion === version),
      );
      slot = matches.find((candidate) => this.#cache.loaded(candidate.key) !== undefined);
      if (matches.length === 0) throw SlipwayError.notFound(`Endpoint '${name}' has no live variant named '${version}' or serving model version '${version}'.`);
    } else {
      const ready = table.shares.filter((share) => this.#cache.loaded(this.#slotOf(table, share)?.key ?? '') !== undefined);
      const share = chooseVariant(ready, routingKey, this.#random);
      slot = share === undefined ? undefined : this.#slotOf(table, share);
    }
    const model = slot === undefined ? undefined : this.#cache.loaded(slot.key);
    const release = slot === undefined ? undefined : this.#cache.use(slot.key);
    if (slot === undefined || model === undefined || release === undefined) {
      throw new SlipwayError(ErrorCode.TEMPORARILY_UNAVAILABLE, `Endpoint '${name}' has no variant ready to serve (status ${table.endpoint.status}).`);
    }
    const doneRequest = this.#enter(name);
    onDone(() => {
      release();
      doneRequest();
    });
    const chosen = slot;
    const rollout = table.endpoint.rollout;
    const target: ScoringTarget = {
      name,
      version: chosen.variant.modelVersion,
      model,
      score: async (batch) => {
        const releaseRun = this.#cache.use(chosen.key);
        try {
          return await model.score(batch);
        } finally {
          releaseRun?.();
        }
      },
    };
    this.#routes.set(target, {
      endpoint: name,
      variant: chosen.variant.name,
      role: chosen.role,
      step: chosen.role === 'candidate' && rollout !== undefined && rollout.phase === 'Baking' ? { rolloutId: rollout.id, step: rollout.step } : undefined,
    });
    return target;
  }

  /** Where a target from {@link route} was routed. */
  routeOf(target: ScoringTarget): RouteInfo | undefined {
    return this.#routes.get(target);
  }

  /**
   * Mirrors a scored request to the endpoint's shadow variants that sample it, after the
   * current turn (the live answer goes out first), and records both outputs.
   */
  mirror(target: ScoringTarget, input: ScoringInput, prediction: Prediction, requestId: string, liveLatencyMs: number): void {
    const route = this.#routes.get(target);
    const table = route === undefined ? undefined : this.#tables.get(route.endpoint);
    if (route === undefined || table === undefined || table.shadows.length === 0) return;
    for (const shadow of table.shadows) {
      if (!sampled(shadow.shadow?.samplePercent ?? 0, this.#random)) continue;
      const slot = [...table.slots.values()].find((candidate) => candidate.variant === shadow);
      if (slot === undefined) continue;
      void this.#shadowScore(route, slot, input, prediction, requestId, liveLatencyMs);
    }
  }

  async #shadowScore(route: RouteInfo, slot: Slot, input: ScoringInput, prediction: Prediction, requestId: string, liveLatencyMs: number): Promise<void> {
    await nextTurn();
    const release = this.#cache.use(slot.key);
    const model = this.#cache.loaded(slot.key);
    if (release === undefined || model === undefined) return;
    const started = performance.now();
    let shadowOutput: unknown;
    let shadowError: string | undefined;
    try {
      shadowOutput = toPredictionsBody(await model.score(toFeatureBatch(input, model.mlmodel.signature))).predictions;
    } catch (error) {
      shadowError = error instanceof Error ? error.message : String(error);
    } finally {
      release();
    }
    const shadowLatencyMs = performance.now() - started;
    const liveOutput = toPredictionsBody(prediction).predictions;
    this.#deps.metrics.shadow.inc({ endpoint: route.endpoint, variant: slot.variant.name, outcome: shadowError === undefined ? 'ok' : 'error' });
    this.#deps.shadows.record({
      time: Date.now(),
      requestId,
      endpoint: route.endpoint,
      liveVariant: route.variant,
      liveOutput,
      liveLatencyMs,
      shadowVariant: slot.variant.name,
      ...(shadowError === undefined ? { shadowOutput } : { shadowError }),
      shadowLatencyMs,
      match: shadowError === undefined && outputsMatch(liveOutput, shadowOutput),
    });
  }

  /** The endpoint as this host follows it (undefined when unknown or deleting). */
  endpoint(name: string): Endpoint | undefined {
    return this.#tables.get(name)?.endpoint;
  }

  /** Live traffic shares this host routes by now. */
  shares(name: string): readonly TrafficShare[] {
    return this.#tables.get(name)?.shares ?? [];
  }

  /** Resolves once no request to endpoint `name` is in flight on this host. */
  drained(name: string): Promise<void> {
    if ((this.#inFlight.get(name) ?? 0) === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const waiting = this.#idle.get(name) ?? [];
      waiting.push(resolve);
      this.#idle.set(name, waiting);
    });
  }

  /** Stops routing to an endpoint (deleted or being deleted); its models drain and close. */
  #drop(name: string): void {
    const table = this.#tables.get(name);
    if (table === undefined) return;
    this.#tables.delete(name);
    for (const slot of table.slots.values()) this.#cache.release(slot.key, slot.holder);
  }

  #slotOf(table: Table, share: TrafficShare): Slot | undefined {
    return table.slots.get(slotId(share.candidate ? 'candidate' : 'serving', share.variant));
  }

  #enter(name: string): () => void {
    this.#inFlight.set(name, (this.#inFlight.get(name) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (this.#inFlight.get(name) ?? 1) - 1;
      if (left > 0) {
        this.#inFlight.set(name, left);
        return;
      }
      this.#inFlight.delete(name);
      for (const resolve of this.#idle.get(name) ?? []) resolve();
      this.#idle.delete(name);
    };
  }

  async #load(variant: Variant): Promise<ServedModel> {
    const dir = await this.#deps.resolveModel(variant.modelName, variant.modelVersion);
    const label = `${variant.modelName}/${variant.modelVersion}`;
    const runtime = observeBatches(this.#deps.runtime, (rows) => this.#deps.metrics.batchRows.observe({ model: label }, rows));
    return loadServedModel(
      { dir, name: variant.modelName, version: variant.modelVersion, downloaded: false },
      { runtime, microBatch: this.#options.microBatch ?? undefined, prefer: variant.runtime },
    );
  }

  #warn(message: string): void {
    this.#options.log?.warn(`endpoints: ${message}`);
  }
}

/** Variants serving the same model version with the same runtime preference share one loaded model. */
export function modelKey(variant: Variant): string {
  return `${variant.modelName}\0${variant.modelVersion}\0${variant.runtime ?? 'auto'}`;
}

/**
 * The endpoint controller: makes every endpoint what its last write asked for, on the one
 * server holding the `endpoints` lease. It loads new variants (through the host, so the
 * model it warmed is the one that serves), marks them Ready or Failed with the loader's
 * message, moves a rollout's traffic step by step after each bake, rolls back when the
 * candidates breach a threshold, completes rollouts and deletes endpoints once drained.
 *
 * Every transition is one compare-and-set write with its events; on a conflict (the API or
 * another process wrote first) it reads the endpoint again and decides again. It keeps
 * nothing that matters in memory: a new leader picks up where the store says.
 * @module
 */

import type { Endpoint, EndpointEvent, NewEndpointEvent, Rollout, Variant } from '../../core/endpoints/endpoint.js';
import { LINEAGE_NODE_KINDS, lineageNodeId } from '../../core/entities/lineage.js';
import { ErrorCode } from '../../core/errors/error-code.js';
import { isSlipwayError } from '../../core/errors/slipway-error.js';
import type { EndpointStore } from '../../core/ports/endpoint-store.js';
import type { LeaseStore } from '../../core/ports/lease-store.js';
import type { RegistryStore } from '../../core/ports/registry-store.js';
import type { EndpointHost } from './endpoint-host.js';
import { listAllEndpoints } from './list-all-endpoints.js';
import { trafficShares } from './traffic-router.js';
import type { VariantStats, WindowStats } from './variant-stats.js';

/** The lease whose holder drives endpoints. */
export const ENDPOINTS_LEASE = 'endpoints';
/** Who the controller's events name. */
export const CONTROLLER_ACTOR = 'slipway';
const MAX_ATTEMPTS = 5;

export interface EndpointControllerDeps {
  readonly store: EndpointStore;
  readonly host: EndpointHost;
  readonly stats: VariantStats;
  /** For the `deployed_as` lineage link of a variant that first takes live traffic. */
  readonly registry: Pick<RegistryStore, 'addLineageLink'>;
  /** Without one, this process is always the leader (one server). */
  readonly leases?: LeaseStore | undefined;
  /** Told after each write (EndpointService.notifyChange: wakes in-process waiters); `undefined` once deleted. */
  readonly notify?: ((name: string, endpoint: Endpoint | undefined) => void) | undefined;
}

export interface EndpointControllerOptions {
  /** ms since the epoch; every time the controller writes or judges comes from here. */
  readonly now: () => number;
  /** This process in the lease. */
  readonly holder: string;
  /** How often it looks on its own; 0: only on `tick()`. @default 1000 */
  readonly intervalMs?: number | undefined;
  /** @default 15000 */
  readonly leaseTtlMs?: number | undefined;
  readonly log?: { warn(message: string): void } | undefined;
}

export class EndpointController {
  readonly #deps: EndpointControllerDeps;
  readonly #now: () => number;
  readonly #holder: string;
  readonly #intervalMs: number;
  readonly #leaseTtlMs: number;
  readonly #warn: (message: string) => void;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #leader = false;

  constructor(deps: EndpointControllerDeps, options: EndpointControllerOptions) {
    this.#deps = deps;
    this.#now = options.now;
    this.#holder = options.holder;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#leaseTtlMs = options.leaseTtlMs ?? 15_000;
    this.#warn = (message) => options.log?.warn(`endpoint controller: ${message}`);
  }

  /** Starts ticking (the first pass begins now, without waiting for it: it may load models). */
  start(): void {
    void this.tick();
    if (this.#intervalMs > 0) {
      this.#timer = setInterval(() => void this.tick(), this.#intervalMs);
      this.#timer.unref();
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#ticking;
    if (this.#leader && this.#deps.leases !== undefined) await this.#deps.leases.release(ENDPOINTS_LEASE, this.#holder).catch(() => undefined);
    this.#leader = false;
  }

  /** Something changed (an API write): look now rather than at the next interval. */
  nudge(): void {
    if (!this.#stopped) void this.tick();
  }

  /** One pass over every endpoint. A call during a pass runs another pass after it. */
  tick(): Promise<void> {
    if (this.#ticking !== undefined) {
      this.#again = true;
      return this.#ticking;
    }
    this.#ticking = (async () => {
      do {
        this.#again = false;
        await this.#pass();
      } while (this.#again && !this.#stopped);
    })().finally(() => (this.#ticking = undefined));
    return this.#ticking;
  }

  async #pass(): Promise<void> {
    if (this.#stopped || !(await this.#lead())) return;
    let endpoints: Endpoint[];
    try {
      endpoints = await this.#listAll();
    } catch (error) {
      this.#warn(`reading the endpoints failed: ${String(error)}`);
      return;
    }
    for (const endpoint of endpoints) {
      if (this.#stopped) return;
      if (!needsWork(endpoint)) continue;
      try {
        await this.#driveWithRetries(endpoint);
      } catch (error) {
        this.#warn(`driving endpoint '${endpoint.name}' failed: ${String(error)}`);
      }
    }
  }

  async #lead(): Promise<boolean> {
    const leases = this.#deps.leases;
    if (leases === undefined) return (this.#leader = true);
    try {
      this.#leader = await leases.tryAcquire(ENDPOINTS_LEASE, this.#holder, this.#leaseTtlMs, this.#now());
    } catch {
      this.#leader = false;
    }
    return this.#leader;
  }

  async #listAll(): Promise<Endpoint[]> {
    return listAllEndpoints(this.#deps.store);
  }

  async #driveWithRetries(first: Endpoint): Promise<void> {
    let endpoint: Endpoint | undefined = first;
    for (let attempt = 0; attempt < MAX_ATTEMPTS && endpoint !== undefined; attempt++) {
      try {
        await this.#drive(endpoint);
        return;
      } catch (error) {
        if (!isSlipwayError(error) || error.code !== ErrorCode.RESOURCE_CONFLICT) throw error;
        endpoint = await this.#deps.store.getEndpoint(first.name).catch(() => undefined);
        if (endpoint !== undefined && endpoint.id !== first.id) return;
      }
    }
  }

  /** Moves one endpoint as far as it can go now. */
  async #drive(start: Endpoint): Promise<void> {
    let endpoint = start;
    for (let step = 0; step < 10 && needsWork(endpoint) && !this.#stopped; step++) {
      const next = await this.#advance(endpoint);
      if (next === undefined) return;
      endpoint = next;
    }
  }

  /** One transition: the endpoint as written, or undefined when there is nothing to do yet. */
  async #advance(endpoint: Endpoint): Promise<Endpoint | undefined> {
    switch (endpoint.status) {
      case 'Creating':
        return this.#create(endpoint);
      case 'Updating':
        return this.#update(endpoint);
      case 'Deleting':
        await this.#delete(endpoint);
        return undefined;
      default:
        return undefined;
    }
  }

  // --- Creating ----------------------------------------------------------------------

  async #create(endpoint: Endpoint): Promise<Endpoint | undefined> {
    if (endpoint.variants.some((variant) => variant.status === 'Pending')) return this.#markLoading(endpoint, 'serving');
    const now = this.#now();
    const { variants, events } = await this.#load(endpoint, endpoint.variants, 'serving', now);
    const live = variants.filter((variant) => variant.shadow === undefined);
    const failed = live.filter((variant) => variant.status === 'Failed');
    const ready = live.filter((variant) => variant.status === 'Ready');
    const servingVariants = variants.map((variant) => (variant.status === 'Ready' && variant.shadow === undefined ? { ...variant, servingSince: variant.servingSince ?? now } : variant));
    const next: Endpoint = { ...endpoint, variants: servingVariants, lastUpdateTime: now };
    if (failed.length === 0) {
      const shares = sharesOf({ ...next, status: 'InService' });
      events.push(this.#event(now, 'traffic_shifted', `Endpoint '${endpoint.name}' is in service: ${describeShares(shares)}.`, { details: { shares } }));
      const written = await this.#write({ ...next, status: 'InService', statusReason: undefined }, events);
      await this.#linkLineage(written.name, ready);
      return written;
    }
    const reason = failed.map((variant) => `variant '${variant.name}' failed to load: ${variant.statusReason ?? 'unknown error'}`).join('; ');
    events.push(this.#event(now, 'failed', `Endpoint '${endpoint.name}' failed: ${reason}`, { details: { failed: failed.map((variant) => variant.name) } }));
    const written = await this.#write({ ...next, status: 'Failed', statusReason: reason }, events);
    if (ready.length > 0) await this.#linkLineage(written.name, ready);
    return written;
  }

  // --- Updating: a rollout -------------------------------------------------------------

  async #update(endpoint: Endpoint): Promise<Endpoint | undefined> {
    const rollout = endpoint.rollout;
    const now = this.#now();
    if (rollout === undefined || rollout.phase === 'Completed' || rollout.phase === 'RolledBack' || rollout.phase === 'Failed') {
      // Nothing in progress (e.g. a manual rollback already ended it): back in service.
      return this.#write({ ...endpoint, status: hasReadyLive(endpoint.variants) ? 'InService' : 'Failed', lastUpdateTime: now }, []);
    }
    if (rollout.phase === 'Warming') {
      if (rollout.target.some((variant) => variant.status === 'Pending')) return this.#markLoading(endpoint, 'candidate');
      return this.#warmed(endpoint, rollout);
    }
    return this.#bake(endpoint, rollout);
  }

  async #warmed(endpoint: Endpoint, rollout: Rollout): Promise<Endpoint> {
    const now = this.#now();
    const { variants: target, events } = await this.#load(endpoint, rollout.target, 'candidate', now);
    const failed = target.filter((variant) => variant.shadow === undefined && variant.status === 'Failed');
    if (failed.length > 0) {
      const reason = failed.map((variant) => `variant '${variant.name}' failed to load: ${variant.statusReason ?? 'unknown error'}`).join('; ');
      const keepsServing = hasReadyLive(endpoint.variants);
      events.push(
        this.#event(now, 'failed', `Rollout ${rollout.id} failed: ${reason}${keepsServing ? '; the previous variants keep serving' : ''}.`, {
          rolloutId: rollout.id,
          details: { failed: failed.map((variant) => variant.name) },
        }),
      );
      const written = await this.#write(
        {
          ...endpoint,
          status: keepsServing ? 'InService' : 'Failed',
          statusReason: `Rollout ${rollout.id} failed: ${reason}`,
          rollout: { ...rollout, target, phase: 'Failed', endedTime: now, reason },
          lastUpdateTime: now,
        },
        events,
      );
      // The host let go of the target when it followed the write; this covers a host that had not seen it.
      for (const variant of target) this.#deps.host.unwarm(endpoint, 'candidate', variant);
      return written;
    }
    const serving = new Map(endpoint.variants.map((variant) => [variant.name, variant]));
    const liveTarget = target.map((variant) => {
      if (variant.status !== 'Ready' || variant.shadow !== undefined) return variant;
      const same = serving.get(variant.name);
      const kept = same !== undefined && same.modelName === variant.modelName && same.modelVersion === variant.modelVersion ? same.servingSince : undefined;
      return { ...variant, servingSince: variant.servingSince ?? kept ?? now };
    });
    const baking: Endpoint = { ...endpoint, rollout: { ...rollout, target: liveTarget, phase: 'Baking', step: 0, stepStartedTime: now }, lastUpdateTime: now };
    events.push(this.#shiftEvent(baking, now));
    const written = await this.#write(baking, events);
    await this.#linkLineage(written.name, liveTarget.filter((variant) => variant.status === 'Ready' && variant.shadow === undefined));
    return written;
  }

  async #bake(endpoint: Endpoint, rollout: Rollout): Promise<Endpoint | undefined> {
    const now = this.#now();
    const policy = rollout.policy;
    const candidates = rollout.target.filter((variant) => variant.shadow === undefined && variant.status === 'Ready').map((variant) => variant.name);
    const measured = this.#deps.stats.step(endpoint.name, rollout.id, rollout.step, candidates);
    const breach = breachOf(measured, policy.rollback);
    if (breach !== undefined) {
      const share = policy.steps[rollout.step] ?? 100;
      const reason = `${breach} over ${measured.requests} requests at step ${rollout.step + 1} of ${policy.steps.length} (${share} %)`;
      const details = { errorRate: measured.errorRate, errors: measured.errors, requests: measured.requests, p50Ms: measured.p50Ms, p99Ms: measured.p99Ms, step: rollout.step, share, thresholds: policy.rollback };
      const written = await this.#write(
        {
          ...endpoint,
          status: hasReadyLive(endpoint.variants) ? 'InService' : 'Failed',
          statusReason: `Rolled back rollout ${rollout.id}: ${reason}`,
          rollout: { ...rollout, phase: 'RolledBack', endedTime: now, reason },
          lastUpdateTime: now,
        },
        [this.#event(now, 'rolled_back', `Rolled back rollout ${rollout.id}: ${reason}; the previous variants serve all traffic again.`, { rolloutId: rollout.id, details })],
      );
      for (const variant of rollout.target) this.#deps.host.unwarm(endpoint, 'candidate', variant);
      return written;
    }
    if (now - (rollout.stepStartedTime ?? rollout.startedTime) < policy.bakeSeconds * 1000) return undefined;
    if (rollout.step < policy.steps.length - 1) {
      const next: Endpoint = { ...endpoint, rollout: { ...rollout, step: rollout.step + 1, stepStartedTime: now }, lastUpdateTime: now };
      return this.#write(next, [this.#shiftEvent(next, now, measured)]);
    }
    // Done: the target becomes the endpoint's variants; hosts drain the old ones.
    const kept = new Set(rollout.target.filter((variant) => variant.status === 'Ready').map((variant) => `${variant.name}\0${variant.modelName}\0${variant.modelVersion}`));
    const drained = endpoint.variants.filter((variant) => !kept.has(`${variant.name}\0${variant.modelName}\0${variant.modelVersion}`));
    const variants = rollout.target.filter((variant) => variant.status === 'Ready');
    const events: NewEndpointEvent[] = [
      this.#event(now, 'rollout_completed', `Rollout ${rollout.id} completed: ${variants.map((variant) => `'${variant.name}' (${variant.modelName} v${variant.modelVersion})`).join(', ')} serve the endpoint.`, {
        rolloutId: rollout.id,
        details: { requests: measured.requests, errorRate: measured.errorRate, p99Ms: measured.p99Ms },
      }),
      ...drained.map((variant) =>
        this.#event(now, 'variant_drained', `Variant '${variant.name}' (${variant.modelName} v${variant.modelVersion}) takes no new requests; in-flight ones finish, then it is unloaded.`, {
          rolloutId: rollout.id,
          variant: variant.name,
        }),
      ),
    ];
    return this.#write(
      {
        ...endpoint,
        status: 'InService',
        statusReason: `Rollout ${rollout.id} completed.`,
        variants,
        rollout: { ...rollout, phase: 'Completed', endedTime: now },
        lastUpdateTime: now,
      },
      events,
    );
  }

  // --- Deleting ------------------------------------------------------------------------

  async #delete(endpoint: Endpoint): Promise<void> {
    this.#deps.host.apply(endpoint);
    await this.#deps.host.drained(endpoint.name);
    const now = this.#now();
    await this.#deps.store.deleteEndpoint(endpoint.name, endpoint.revision, [this.#event(now, 'deleted', `Endpoint '${endpoint.name}' deleted after its in-flight requests finished.`)]);
    this.#deps.stats.forget(endpoint.name);
    this.#deps.notify?.(endpoint.name, undefined);
  }

  // --- shared steps ----------------------------------------------------------------------

  /** Pending → Loading, one write with a `variant_loading` event each. */
  async #markLoading(endpoint: Endpoint, role: 'serving' | 'candidate'): Promise<Endpoint> {
    const now = this.#now();
    const rollout = endpoint.rollout;
    const list = role === 'serving' ? endpoint.variants : (rollout?.target ?? []);
    const events = list
      .filter((variant) => variant.status === 'Pending')
      .map((variant) =>
        this.#event(now, 'variant_loading', `Loading variant '${variant.name}': ${variant.modelName} version ${variant.modelVersion}.`, {
          variant: variant.name,
          rolloutId: role === 'candidate' ? rollout?.id : undefined,
        }),
      );
    const loading = list.map((variant): Variant => (variant.status === 'Pending' ? { ...variant, status: 'Loading', statusReason: undefined } : variant));
    const next: Endpoint = role === 'serving' || rollout === undefined ? { ...endpoint, variants: loading } : { ...endpoint, rollout: { ...rollout, target: loading } };
    return this.#write({ ...next, lastUpdateTime: now }, events);
  }

  /** Warms every Loading variant (in parallel); Ready with its runtime or Failed with the loader's message. */
  async #load(endpoint: Endpoint, list: readonly Variant[], role: 'serving' | 'candidate', now: number): Promise<{ variants: Variant[]; events: NewEndpointEvent[] }> {
    const rolloutId = role === 'candidate' ? endpoint.rollout?.id : undefined;
    const events: NewEndpointEvent[] = [];
    const variants = await Promise.all(
      list.map(async (variant): Promise<Variant> => {
        if (variant.status !== 'Loading') return variant;
        try {
          const { model } = await this.#deps.host.warm(endpoint, role, variant);
          events.push(
            this.#event(now, 'variant_ready', `Variant '${variant.name}' is ready (${model.model.runtime}${model.model.runtimeReason === undefined ? '' : `: ${model.model.runtimeReason}`}).`, {
              variant: variant.name,
              rolloutId,
              details: { runtime: model.model.runtime },
            }),
          );
          return { ...variant, status: 'Ready', statusReason: undefined, servingRuntime: model.model.runtime, runtimeReason: model.model.runtimeReason };
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          events.push(this.#event(now, 'variant_failed', `Variant '${variant.name}' failed to load: ${message}`, { variant: variant.name, rolloutId }));
          return { ...variant, status: 'Failed', statusReason: message };
        }
      }),
    );
    return { variants, events };
  }

  #shiftEvent(endpoint: Endpoint, now: number, measured?: WindowStats): NewEndpointEvent {
    const rollout = endpoint.rollout!;
    const share = rollout.policy.steps[rollout.step] ?? 100;
    const shares = sharesOf(endpoint);
    const switched = share >= 100 && rollout.step === 0;
    const message = switched
      ? `Switched all live traffic to the new variants (${describeShares(shares)}); the previous ones stay loaded for ${rollout.policy.bakeSeconds} s of bake.`
      : `Step ${rollout.step + 1} of ${rollout.policy.steps.length}: the new variants take ${share} % (${describeShares(shares)}) for ${rollout.policy.bakeSeconds} s.`;
    return this.#event(now, switched ? 'switched' : 'traffic_shifted', message, {
      rolloutId: rollout.id,
      details: { step: rollout.step, share, shares, ...(measured === undefined ? {} : { previousStep: { requests: measured.requests, errorRate: measured.errorRate, p99Ms: measured.p99Ms } }) },
    });
  }

  async #write(endpoint: Endpoint, events: readonly NewEndpointEvent[]): Promise<Endpoint> {
    const written = await this.#deps.store.replaceEndpoint(endpoint, events);
    this.#deps.host.apply(written);
    this.#deps.notify?.(written.name, written);
    return written;
  }

  async #linkLineage(endpoint: string, variants: readonly Variant[]): Promise<void> {
    for (const variant of variants) {
      try {
        await this.#deps.registry.addLineageLink({
          from: lineageNodeId(LINEAGE_NODE_KINDS.MODEL_VERSION, `${variant.modelName}/${variant.modelVersion}`),
          to: lineageNodeId(LINEAGE_NODE_KINDS.DEPLOYMENT, `${endpoint}/${variant.name}`),
          relation: 'deployed_as',
        });
      } catch (error) {
        this.#warn(`recording the lineage of '${endpoint}/${variant.name}' failed: ${String(error)}`);
      }
    }
  }

  #event(
    time: number,
    kind: EndpointEvent['kind'],
    message: string,
    extra: { readonly variant?: string | undefined; readonly rolloutId?: string | undefined; readonly details?: Readonly<Record<string, unknown>> } = {},
  ): NewEndpointEvent {
    return {
      time,
      kind,
      message,
      actor: CONTROLLER_ACTOR,
      ...(extra.rolloutId === undefined ? {} : { rolloutId: extra.rolloutId }),
      ...(extra.variant === undefined ? {} : { variant: extra.variant }),
      details: extra.details ?? {},
    };
  }
}

function needsWork(endpoint: Endpoint): boolean {
  return endpoint.status === 'Creating' || endpoint.status === 'Updating' || endpoint.status === 'Deleting';
}

function hasReadyLive(variants: readonly Variant[]): boolean {
  return variants.some((variant) => variant.shadow === undefined && variant.status === 'Ready');
}

function sharesOf(endpoint: Endpoint): Array<{ variant: string; percent: number; candidate: boolean }> {
  return trafficShares(endpoint).map((share) => ({ variant: share.variant, percent: Math.round(share.percent * 100) / 100, candidate: share.candidate }));
}

function describeShares(shares: ReadonlyArray<{ variant: string; percent: number; candidate: boolean }>): string {
  if (shares.length === 0) return 'no live variant';
  return shares.map((share) => `'${share.variant}'${share.candidate ? ' (new)' : ''} ${share.percent} %`).join(', ');
}

/** What threshold the candidates' numbers breach, once they have enough requests. */
function breachOf(measured: WindowStats, thresholds: Rollout['policy']['rollback']): string | undefined {
  if (measured.requests < Math.max(1, thresholds.minRequests)) return undefined;
  if (thresholds.maxErrorRate !== undefined && measured.errorRate > thresholds.maxErrorRate) {
    return `error rate ${measured.errorRate.toFixed(3)} (${measured.errors} of ${measured.requests} requests answered 5xx) exceeded max error rate ${thresholds.maxErrorRate}`;
  }
  if (thresholds.maxP99Ms !== undefined && measured.p99Ms !== undefined && measured.p99Ms > thresholds.maxP99Ms) {
    return `p99 latency ${measured.p99Ms.toFixed(1)} ms exceeded max p99 ${thresholds.maxP99Ms} ms`;
  }
  return undefined;
}

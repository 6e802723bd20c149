import { randomUUID } from 'node:crypto';
import type { ModelVersion } from '../entities/model-version.js';
import { ErrorCode } from '../errors/error-code.js';
import { isSlipwayError, SlipwayError } from '../errors/slipway-error.js';
import type { EndpointStore } from '../ports/endpoint-store.js';
import { decodePageToken, nextPageToken } from '../tracking/page-token.js';
import { pageSize } from '../tracking/validation.js';
import {
  ENDPOINT_STATUSES,
  type Endpoint,
  type EndpointEvent,
  type EndpointStatus,
  type NewEndpointEvent,
  type RolloutPolicy,
  type Variant,
  type VariantStatus,
} from './endpoint.js';
import {
  nameVariants,
  readDescription,
  readReason,
  readRolloutPolicy,
  readTags,
  readVariants,
  validateEndpointName,
  variantSpec,
  type ReadVariant,
  type RolloutPolicyInput,
  type VariantInput,
} from './read-endpoint-spec.js';
import { rolloutActive, trafficShares } from './traffic-shares.js';

/** What the service needs of the registry: resolving the model URIs variants name. */
export interface EndpointModelResolver {
  getModelVersion(name: string, version: string | number): Promise<ModelVersion>;
  getVersionByAlias(name: string, alias: string): Promise<ModelVersion>;
}

export interface CreateEndpointInput {
  readonly name: string;
  readonly description?: string | undefined;
  readonly tags?: Readonly<Record<string, string>> | undefined;
  readonly variants: readonly VariantInput[];
}

/**
 * A new variant set (a rollout, with an optional policy), and/or a new description or
 * tags (written at once, no rollout).
 */
export interface UpdateEndpointInput {
  readonly description?: string | undefined;
  readonly tags?: Readonly<Record<string, string>> | undefined;
  readonly variants?: readonly VariantInput[] | undefined;
  readonly rollout?: RolloutPolicyInput | undefined;
}

export interface PageInput {
  readonly maxResults?: number | undefined;
  readonly pageToken?: string | undefined;
}

export interface ListEndpointsInput extends PageInput {
  readonly status?: string | undefined;
}

export interface EndpointEventsInput extends PageInput {
  /** The id of an earlier incarnation (a deleted endpoint's history); default: the current one. */
  readonly endpointId?: string | undefined;
}

export interface PageOf<T> {
  readonly items: T[];
  readonly nextPageToken?: string | undefined;
}

/** A variant serving a model version now. */
export interface Deployment {
  readonly endpointName: string;
  readonly endpointStatus: EndpointStatus;
  readonly variant: string;
  readonly variantStatus: VariantStatus;
  readonly modelName: string;
  readonly modelVersion: string;
  readonly modelUri: string;
  readonly weight: number;
  readonly shadow?: { readonly samplePercent: number } | undefined;
  /** Share of the endpoint's live traffic it gets now (rollout steps included); 0 for a shadow. */
  readonly trafficPercent: number;
  /** A variant of a rollout that has not completed yet. */
  readonly inRollout: boolean;
  readonly servingSince?: number | undefined;
}

/** What changed: `endpoint` is the stored endpoint after the write, `undefined` once deleted. */
export interface EndpointChange {
  readonly name: string;
  readonly endpoint: Endpoint | undefined;
}

export type EndpointChangeListener = (change: EndpointChange) => void;

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  /** How often the store is read (other processes write too). @default 500 */
  readonly pollMs?: number | undefined;
}

const TRANSITIONAL: readonly EndpointStatus[] = ['Creating', 'Updating', 'Deleting'];
const CAS_TRIES = 8;

/**
 * The endpoint use cases behind the API, the CLI and the deploy step: validate what is
 * asked, resolve and pin the model versions, and record the request (`Creating`,
 * `Updating` with a rollout, `Deleting`, or a manual rollback) with its event in one
 * compare-and-set write. Making it so is the controller's job; it learns of each write
 * through {@link onChange} (this process) or by polling the store (others).
 */
export class EndpointService {
  readonly #store: EndpointStore;
  readonly #registry: EndpointModelResolver;
  readonly #now: () => number;
  readonly #listeners = new Set<EndpointChangeListener>();

  constructor(deps: { readonly store: EndpointStore; readonly registry: EndpointModelResolver }, options: { readonly clock?: (() => number) | undefined } = {}) {
    this.#store = deps.store;
    this.#registry = deps.registry;
    this.#now = options.clock ?? Date.now;
  }

  // --- reading ---------------------------------------------------------------------------

  get(name: string): Promise<Endpoint> {
    return this.#store.getEndpoint(name);
  }

  async list(input: ListEndpointsInput = {}): Promise<PageOf<Endpoint>> {
    const limit = pageSize(input.maxResults, 100, 1_000);
    const offset = decodePageToken(input.pageToken);
    const page = await this.#store.listEndpoints({ limit, offset, status: parseEndpointStatus(input.status) });
    return { items: page.items, nextPageToken: nextPageToken(offset, page.items.length, page.hasMore) };
  }

  /** The events of the endpoint's current incarnation (or of `endpointId`'s), oldest first. */
  async events(name: string, input: EndpointEventsInput = {}): Promise<PageOf<EndpointEvent>> {
    const limit = pageSize(input.maxResults, 100, 1_000);
    const offset = decodePageToken(input.pageToken);
    const endpointId = input.endpointId === undefined || input.endpointId === '' ? (await this.#store.getEndpoint(name)).id : input.endpointId;
    const page = await this.#store.listEvents(endpointId, { limit, offset });
    if (input.endpointId !== undefined && page.items.some((e) => e.endpointName !== name)) {
      throw SlipwayError.notFound(`Endpoint '${name}' never had the id '${input.endpointId}'.`);
    }
    return { items: page.items, nextPageToken: nextPageToken(offset, page.items.length, page.hasMore) };
  }

  /** Every variant serving `modelName` version `version` now: Ready, in an endpoint not being deleted, with live traffic or as a shadow. */
  async deploymentsOf(modelName: string, version: string | number): Promise<Deployment[]> {
    if (modelName.trim() === '') throw SlipwayError.invalidParameter("Missing value for required parameter 'name'.");
    const wanted = String(version).trim();
    if (!/^[1-9][0-9]{0,8}$/.test(wanted)) {
      throw SlipwayError.invalidParameter(`Invalid value '${String(version)}' for parameter 'version': a model version is a positive integer.`);
    }
    const out: Deployment[] = [];
    for (let offset = 0; ; offset += 1_000) {
      const page = await this.#store.listEndpoints({ limit: 1_000, offset });
      for (const endpoint of page.items) {
        if (endpoint.status === 'Deleting') continue;
        for (const share of trafficShares(endpoint)) {
          const v = share.variant;
          if (v.modelName !== modelName || v.modelVersion !== wanted || v.status !== 'Ready') continue;
          if (v.shadow === undefined && share.percent <= 0) continue;
          out.push({
            endpointName: endpoint.name,
            endpointStatus: endpoint.status,
            variant: v.name,
            variantStatus: v.status,
            modelName: v.modelName,
            modelVersion: v.modelVersion,
            modelUri: v.modelUri,
            weight: v.weight,
            ...(v.shadow === undefined ? {} : { shadow: v.shadow }),
            trafficPercent: share.percent,
            inRollout: share.inRollout,
            ...(v.servingSince === undefined ? {} : { servingSince: v.servingSince }),
          });
        }
      }
      if (!page.hasMore) return out;
    }
  }

  // --- writing ---------------------------------------------------------------------------

  /** A new endpoint, `Creating`, its variants `Pending` (pinned to the versions their URIs name now). */
  async create(input: CreateEndpointInput, actor: string): Promise<Endpoint> {
    const name = validateEndpointName(input.name);
    const description = readDescription(input.description);
    const tags = readTags(input.tags) ?? {};
    const variants = await this.#resolve(readVariants(input.variants));
    const now = this.#now();
    const endpoint: Endpoint = {
      name,
      id: randomUUID(),
      ...(description === undefined ? {} : { description }),
      tags,
      status: 'Creating',
      variants,
      creationTime: now,
      lastUpdateTime: now,
      revision: 1,
    };
    const created = await this.#store.createEndpoint(endpoint, [
      {
        time: now,
        kind: 'created',
        actor,
        message: `Created by ${actor} with ${describeVariants(variants)}.`,
        details: { variants: variants.map(variantDetails) },
      },
    ]);
    this.#emit(created.name, created);
    return created;
  }

  /**
   * With `variants`: starts a rollout to them (`Updating`; the serving variants keep
   * serving until it completes) — refused (409) while the endpoint is Creating, Updating
   * or Deleting. Description and tags alone are written at once in any state but Deleting.
   */
  async update(name: string, input: UpdateEndpointInput, actor: string): Promise<Endpoint> {
    const description = readDescription(input.description);
    const tags = readTags(input.tags);
    if (input.rollout !== undefined && input.variants === undefined) {
      throw SlipwayError.invalidParameter("Missing value for required parameter 'variants': a rollout policy comes with the variants to roll out.");
    }
    const read = input.variants === undefined ? undefined : readVariants(input.variants);
    const policy = read === undefined ? undefined : readRolloutPolicy(input.rollout);
    if (read === undefined && description === undefined && tags === undefined) {
      throw SlipwayError.invalidParameter("Missing value for required parameter 'variants': an update names the new variants (or a new description or tags).");
    }
    const target = read === undefined ? undefined : await this.#resolve(read);
    return this.#mutate(name, (current) => {
      const now = this.#now();
      if (current.status === 'Deleting') throw conflict(`Endpoint '${name}' is being deleted; it cannot be updated.`);
      const meta = { ...(description === undefined ? {} : { description }), ...(tags === undefined ? {} : { tags }) };
      if (target === undefined || policy === undefined) {
        return {
          endpoint: { ...current, ...meta, lastUpdateTime: now },
          events: [],
        };
      }
      if (current.status === 'Creating' || current.status === 'Updating') {
        throw conflict(
          `Endpoint '${name}' is ${current.status}${current.rollout !== undefined && rolloutActive(current) ? ` (rollout ${current.rollout.id} is ${current.rollout.phase})` : ''}; ` +
            'wait for it to settle (or roll the rollout back) before updating it again.',
        );
      }
      const rolloutId = randomUUID();
      const endpoint: Endpoint = {
        ...current,
        ...meta,
        status: 'Updating',
        statusReason: undefined,
        rollout: { id: rolloutId, policy, target, phase: 'Warming', step: -1, startedTime: now },
        lastUpdateTime: now,
      };
      const event: NewEndpointEvent = {
        time: now,
        kind: 'update_requested',
        actor,
        rolloutId,
        message: `Update requested by ${actor}: ${policy.strategy} rollout to ${describeVariants(target)}${policy.strategy === 'canary' ? `, steps ${policy.steps.join('/')} %` : ''}${policy.bakeSeconds > 0 ? `, ${policy.bakeSeconds} s bake` : ''}.`,
        details: { variants: target.map(variantDetails), policy: policyDetails(policy) },
      };
      return { endpoint, events: [event] };
    });
  }

  /** Asks for the endpoint to be removed (`Deleting`); the controller drains and deletes it. Deleting twice is a no-op. */
  async delete(name: string, actor: string): Promise<Endpoint> {
    return this.#mutate(name, (current) => {
      if (current.status === 'Deleting') return 'unchanged';
      const now = this.#now();
      return {
        endpoint: { ...current, status: 'Deleting', statusReason: `Deletion requested by ${actor}.`, lastUpdateTime: now },
        events: [{ time: now, kind: 'delete_requested', actor, message: `Deletion requested by ${actor} (it was ${current.status}).`, details: { previous_status: current.status } }],
      };
    });
  }

  /**
   * Undoes the rollout in progress (Warming or Baking): phase `RolledBack`, the target
   * discarded, the serving variants keep all traffic, status back to `InService` (`Failed`
   * when none of them is Ready). 409 when no rollout is in progress.
   */
  async rollback(name: string, actor: string, reason?: string): Promise<Endpoint> {
    const why = readReason(reason);
    return this.#mutate(name, (current) => {
      const rollout = current.rollout;
      if (current.status === 'Deleting') throw conflict(`Endpoint '${name}' is being deleted; there is nothing to roll back.`);
      if (rollout === undefined || !rolloutActive(current)) {
        throw conflict(
          `Endpoint '${name}' has no rollout in progress${rollout === undefined ? '' : ` (the last one, ${rollout.id}, is ${rollout.phase})`}; there is nothing to roll back.`,
        );
      }
      const now = this.#now();
      const servingReady = current.variants.some((v) => v.shadow === undefined && v.status === 'Ready');
      const message = `Rollout ${rollout.id} rolled back by ${actor}${why === undefined ? '' : `: ${why}`}`;
      const endpoint: Endpoint = {
        ...current,
        status: servingReady ? 'InService' : 'Failed',
        statusReason: servingReady ? `${message}.` : `${message}; no serving variant is Ready.`,
        rollout: { ...rollout, phase: 'RolledBack', endedTime: now, reason: `${message}.` },
        lastUpdateTime: now,
      };
      const details = {
        manual: true,
        phase: rollout.phase,
        step: rollout.step,
        target_percent: rollout.step >= 0 ? (rollout.policy.steps[rollout.step] ?? 0) : 0,
        ...(why === undefined ? {} : { reason: why }),
      };
      return { endpoint, events: [{ time: now, kind: 'rolled_back', actor, rolloutId: rollout.id, message: `${message}.`, details }] };
    });
  }

  // --- notifications and waiting -----------------------------------------------------------

  /** Calls `listener` after every successful write through this service; returns the unsubscribe. */
  onChange(listener: EndpointChangeListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Tells this process's listeners (and waiters) about a write made elsewhere, e.g. by the controller through the store. */
  notifyChange(name: string, endpoint: Endpoint | undefined): void {
    this.#emit(name, endpoint);
  }

  /**
   * Resolves with the endpoint once it is neither Creating, Updating nor Deleting and no
   * rollout is warming or baking. Reads the store every `pollMs` and on every change
   * through this service. DEADLINE_EXCEEDED naming where it is after `timeoutMs`;
   * RESOURCE_DOES_NOT_EXIST when it is (or gets) deleted; the signal's reason when aborted.
   */
  async waitUntilSettled(name: string, options: WaitOptions): Promise<Endpoint> {
    let last: Endpoint | undefined;
    await this.#poll(name, options, async () => {
      last = await this.#store.getEndpoint(name);
      return !TRANSITIONAL.includes(last.status) && !rolloutActive(last);
    }, () => (last === undefined ? 'unread' : describeProgress(last)));
    return last!;
  }

  /** Resolves once the endpoint is gone (the controller finished deleting it). */
  async waitUntilDeleted(name: string, options: WaitOptions): Promise<void> {
    let last: Endpoint | undefined;
    await this.#poll(name, options, async () => {
      try {
        last = await this.#store.getEndpoint(name);
        return false;
      } catch (e) {
        if (isSlipwayError(e) && e.code === ErrorCode.RESOURCE_DOES_NOT_EXIST) return true;
        throw e;
      }
    }, () => (last === undefined ? 'unread' : describeProgress(last)));
  }

  // --- internals ---------------------------------------------------------------------------

  async #poll(name: string, options: WaitOptions, done: () => Promise<boolean>, where: () => string): Promise<void> {
    const deadline = Date.now() + options.timeoutMs;
    const pollMs = Math.max(10, options.pollMs ?? 500);
    let wake: (() => void) | undefined;
    const unsubscribe = this.onChange((change) => {
      if (change.name === name) wake?.();
    });
    try {
      for (;;) {
        options.signal?.throwIfAborted();
        if (await done()) return;
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new SlipwayError(ErrorCode.DEADLINE_EXCEEDED, `Endpoint '${name}' did not settle within ${formatMs(options.timeoutMs)}: ${where()}.`);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(finish, Math.min(pollMs, left));
          const onAbort = () => finish();
          options.signal?.addEventListener('abort', onAbort, { once: true });
          function finish(): void {
            clearTimeout(timer);
            options.signal?.removeEventListener('abort', onAbort);
            wake = undefined;
            resolve();
          }
          wake = finish;
        });
      }
    } finally {
      unsubscribe();
    }
  }

  /** Resolves every variant's model URI and pins the version; unknown model, version or alias → 404 naming the field. */
  async #resolve(read: readonly ReadVariant[]): Promise<Variant[]> {
    const pinned: (ReadVariant & { modelName: string; modelVersion: string })[] = [];
    for (const [i, v] of read.entries()) {
      const field = `variants[${i}].model_uri`;
      let version: ModelVersion;
      try {
        version = v.model.kind === 'version' ? await this.#registry.getModelVersion(v.model.name, v.model.version) : await this.#registry.getVersionByAlias(v.model.name, v.model.alias);
      } catch (e) {
        // The registry answers an unknown alias with INVALID_PARAMETER_VALUE (as MLflow does); the URI's form was checked already.
        const missing = isSlipwayError(e) && (e.code === ErrorCode.RESOURCE_DOES_NOT_EXIST || (v.model.kind === 'alias' && e.code === ErrorCode.INVALID_PARAMETER_VALUE));
        if (missing) {
          throw SlipwayError.notFound(`Model URI '${v.modelUri}' (parameter '${field}') names nothing in the registry: ${e.message}`);
        }
        if (isSlipwayError(e) && e.code === ErrorCode.INVALID_PARAMETER_VALUE) {
          throw SlipwayError.invalidParameter(`Invalid value '${v.modelUri}' for parameter '${field}': ${e.message}`);
        }
        throw e;
      }
      pinned.push({ ...v, modelName: version.name, modelVersion: String(version.version) });
    }
    const names = nameVariants(pinned);
    return pinned.map((v, i) => ({ ...variantSpec(v, names[i]!), modelName: v.modelName, modelVersion: v.modelVersion, status: 'Pending' }));
  }

  /** Read, decide, compare-and-set write; on a conflicting write re-read and decide again. */
  async #mutate(name: string, decide: (current: Endpoint) => { endpoint: Endpoint; events: NewEndpointEvent[] } | 'unchanged'): Promise<Endpoint> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.#store.getEndpoint(name);
      const decision = decide(current);
      if (decision === 'unchanged') return current;
      try {
        const written = await this.#store.replaceEndpoint(decision.endpoint, decision.events);
        this.#emit(name, written);
        return written;
      } catch (e) {
        if (!(isSlipwayError(e) && e.code === ErrorCode.RESOURCE_CONFLICT) || attempt >= CAS_TRIES) throw e;
      }
    }
  }

  #emit(name: string, endpoint: Endpoint | undefined): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener({ name, endpoint });
      } catch {
        // A listener's failure is its own; the write is done.
      }
    }
  }
}

/** `undefined` for none; a status in any case → its spelling; anything else → INVALID_PARAMETER_VALUE. */
export function parseEndpointStatus(value: string | undefined, field = 'status'): EndpointStatus | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const found = ENDPOINT_STATUSES.find((s) => s.toLowerCase() === value.trim().toLowerCase());
  if (found === undefined) {
    throw SlipwayError.invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter '${field}': it is one of ${ENDPOINT_STATUSES.join(', ')}.`);
  }
  return found;
}

/** Where an endpoint is, in a few words: "Updating (rollout abc Baking, step 2 of 3: 50 %)". */
export function describeProgress(endpoint: Endpoint): string {
  const r = endpoint.rollout;
  const rollout =
    r === undefined || !rolloutActive(endpoint)
      ? ''
      : ` (rollout ${r.id} ${r.phase}${r.step >= 0 ? `, step ${r.step + 1} of ${r.policy.steps.length}: ${r.policy.steps[r.step]} %` : ''})`;
  return `${endpoint.status}${rollout}${endpoint.statusReason === undefined ? '' : ` — ${endpoint.statusReason}`}`;
}

function conflict(message: string): SlipwayError {
  return new SlipwayError(ErrorCode.RESOURCE_CONFLICT, message);
}

function describeVariants(variants: readonly Variant[]): string {
  return variants
    .map((v) => `${v.name} (${v.modelName}/${v.modelVersion}, ${v.shadow === undefined ? `${v.weight} %` : `shadow ${v.shadow.samplePercent} %`})`)
    .join(', ');
}

function variantDetails(v: Variant): Record<string, unknown> {
  return {
    name: v.name,
    model_uri: v.modelUri,
    model_name: v.modelName,
    model_version: v.modelVersion,
    weight: v.weight,
    ...(v.shadow === undefined ? {} : { sample_percent: v.shadow.samplePercent }),
    runtime: v.runtime ?? 'auto',
  };
}

function policyDetails(p: RolloutPolicy): Record<string, unknown> {
  return {
    strategy: p.strategy,
    steps: [...p.steps],
    bake_seconds: p.bakeSeconds,
    min_requests: p.rollback.minRequests,
    ...(p.rollback.maxErrorRate === undefined ? {} : { max_error_rate: p.rollback.maxErrorRate }),
    ...(p.rollback.maxP99Ms === undefined ? {} : { max_p99_ms: p.rollback.maxP99Ms }),
  };
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

import { setTimeout as sleep } from 'node:timers/promises';
import { SlipwayApiError, SlipwayClientError } from '../errors.js';
import type { HttpTransport, QueryValue } from '../http-transport.js';
import { iterate, type Page } from '../paging.js';
import type { Deployment, Endpoint, EndpointEvent, EndpointStatus, RuntimePreference } from './endpoint-types.js';

const SLIPWAY = '/api/slipway/v1';

export interface VariantOptions {
  /** Default: the model version (`housing-3`). */
  readonly name?: string | undefined;
  /** `models:/<name>/<version>` or `models:/<name>@<alias>`. */
  readonly modelUri: string;
  /** Share of the live traffic; one live variant may leave it out and gets the rest of 100. */
  readonly weight?: number | undefined;
  /** Makes the variant a shadow that gets a copy of this share of requests (0–100]. */
  readonly shadowPercent?: number | undefined;
  readonly runtime?: RuntimePreference | undefined;
}

export interface RolloutOptions {
  readonly strategy?: 'blue-green' | 'canary' | undefined;
  readonly steps?: readonly number[] | undefined;
  readonly bakeSeconds?: number | undefined;
  readonly maxErrorRate?: number | undefined;
  readonly maxP99Ms?: number | undefined;
  readonly minRequests?: number | undefined;
}

export interface CreateEndpointOptions {
  readonly name: string;
  readonly variants: readonly VariantOptions[];
  readonly description?: string | undefined;
  readonly tags?: Readonly<Record<string, string>> | undefined;
}

export interface UpdateEndpointOptions {
  /** The new variant set: starts a rollout. */
  readonly variants?: readonly VariantOptions[] | undefined;
  readonly rollout?: RolloutOptions | undefined;
  readonly description?: string | undefined;
  readonly tags?: Readonly<Record<string, string>> | undefined;
}

export interface ListEndpointsOptions {
  readonly status?: EndpointStatus | undefined;
  readonly maxResults?: number | undefined;
  readonly pageToken?: string | undefined;
}

export interface EndpointWaitOptions {
  /** Time between requests (default 1000 ms). */
  readonly intervalMs?: number | undefined;
  /** Gives up with a {@link SlipwayClientError} after this long (default: waits as long as it takes). */
  readonly timeoutMs?: number | undefined;
  /** Stops waiting (the promise rejects with the signal's reason). */
  readonly signal?: AbortSignal | undefined;
  /** Called with the endpoint after every poll. */
  readonly onUpdate?: ((endpoint: Endpoint) => void | Promise<void>) | undefined;
}

/** How a settled endpoint ended: `failed` when it is Failed, `rolled-back`/`rollout-failed` for its last rollout. */
export type EndpointOutcome = 'ok' | 'failed' | 'rolled-back' | 'rollout-failed';

/**
 * Serving endpoints (`/api/slipway/v1/endpoints`): create, update (rollouts), roll back,
 * delete, read their events, and find where a model version serves.
 *
 * ```ts
 * await client.endpoints.create({ name: 'prices', variants: [{ modelUri: 'models:/housing@champion' }] });
 * const ready = await client.endpoints.waitUntilSettled('prices');
 * await client.endpoints.update('prices', { variants: [{ modelUri: 'models:/housing/4' }], rollout: { strategy: 'canary', steps: [10, 50, 100] } });
 * ```
 */
export class EndpointsClient {
  readonly #http: HttpTransport;

  constructor(transport: HttpTransport) {
    this.#http = transport;
  }

  async create(options: CreateEndpointOptions): Promise<Endpoint> {
    const body: Record<string, unknown> = { name: options.name, variants: options.variants.map(wireVariant) };
    if (options.description !== undefined) body.description = options.description;
    if (options.tags !== undefined) body.tags = options.tags;
    return (await this.#http.request<{ endpoint: Endpoint }>({ method: 'POST', path: `${SLIPWAY}/endpoints`, body })).endpoint;
  }

  async get(name: string): Promise<Endpoint> {
    return (await this.#get<{ endpoint: Endpoint }>(endpointPath(name))).endpoint;
  }

  async list(options: ListEndpointsOptions = {}): Promise<Page<Endpoint>> {
    const res = await this.#get<{ endpoints?: Endpoint[]; next_page_token?: string }>(`${SLIPWAY}/endpoints`, {
      status: options.status,
      max_results: options.maxResults,
      page_token: options.pageToken,
    });
    return { items: res.endpoints ?? [], nextPageToken: res.next_page_token };
  }

  iterate(options: Omit<ListEndpointsOptions, 'pageToken' | 'maxResults'> & { pageSize?: number | undefined } = {}): AsyncGenerator<Endpoint, void, undefined> {
    return iterate((pageToken) => this.list({ ...options, maxResults: options.pageSize, pageToken }));
  }

  /** New variants start a rollout (409 while one is in progress); description and tags alone are written at once. */
  async update(name: string, options: UpdateEndpointOptions): Promise<Endpoint> {
    const body: Record<string, unknown> = {};
    if (options.variants !== undefined) body.variants = options.variants.map(wireVariant);
    if (options.rollout !== undefined) body.rollout = wireRollout(options.rollout);
    if (options.description !== undefined) body.description = options.description;
    if (options.tags !== undefined) body.tags = options.tags;
    return (await this.#http.request<{ endpoint: Endpoint }>({ method: 'PATCH', path: endpointPath(name), body })).endpoint;
  }

  /** Asks for deletion; the endpoint is `Deleting` until the server has drained and removed it. */
  async delete(name: string): Promise<Endpoint> {
    return (await this.#http.request<{ endpoint: Endpoint }>({ method: 'DELETE', path: endpointPath(name), body: {} })).endpoint;
  }

  /** Rolls back the rollout in progress (409 when there is none). */
  async rollback(name: string, options: { reason?: string | undefined } = {}): Promise<Endpoint> {
    const body = options.reason === undefined ? {} : { reason: options.reason };
    return (await this.#http.request<{ endpoint: Endpoint }>({ method: 'POST', path: `${endpointPath(name)}/rollback`, body })).endpoint;
  }

  /** One page of the endpoint's events, oldest first. */
  async events(name: string, options: { maxResults?: number | undefined; pageToken?: string | undefined; endpointId?: string | undefined } = {}): Promise<Page<EndpointEvent>> {
    const res = await this.#get<{ events?: EndpointEvent[]; next_page_token?: string }>(`${endpointPath(name)}/events`, {
      endpoint_id: options.endpointId,
      max_results: options.maxResults,
      page_token: options.pageToken,
    });
    return { items: res.events ?? [], nextPageToken: res.next_page_token };
  }

  iterateEvents(name: string, options: { pageSize?: number | undefined; endpointId?: string | undefined } = {}): AsyncGenerator<EndpointEvent, void, undefined> {
    return iterate((pageToken) => this.events(name, { maxResults: options.pageSize, endpointId: options.endpointId, pageToken }));
  }

  /** Where a model version serves now. */
  async deploymentsOf(modelName: string, version: string | number): Promise<Deployment[]> {
    return (await this.#get<{ deployments?: Deployment[] }>(`${SLIPWAY}/model-versions/deployments`, { name: modelName, version: String(version) })).deployments ?? [];
  }

  /** Polls until the endpoint is neither Creating, Updating nor Deleting and no rollout is warming or baking. */
  async waitUntilSettled(name: string, options: EndpointWaitOptions = {}): Promise<Endpoint> {
    return this.#poll(options, async () => {
      const endpoint = await this.get(name);
      await options.onUpdate?.(endpoint);
      return isSettled(endpoint) ? endpoint : undefined;
    }, `endpoint '${name}' did not settle`);
  }

  /** Polls until the endpoint is gone. */
  async waitUntilDeleted(name: string, options: EndpointWaitOptions = {}): Promise<void> {
    await this.#poll(options, async () => {
      try {
        // Read first: `onUpdate?.(…)` would skip evaluating its argument when there is no onUpdate.
        const endpoint = await this.get(name);
        await options.onUpdate?.(endpoint);
        return undefined;
      } catch (e) {
        if (e instanceof SlipwayApiError && e.isNotFound) return true;
        throw e;
      }
    }, `endpoint '${name}' was not deleted`);
  }

  async #poll<T>(options: EndpointWaitOptions, check: () => Promise<T | undefined>, what: string): Promise<T> {
    const interval = options.intervalMs ?? 1_000;
    const deadline = options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
    for (;;) {
      options.signal?.throwIfAborted();
      const done = await check();
      if (done !== undefined) return done;
      const left = deadline - Date.now();
      if (left <= 0) throw new SlipwayClientError(`${what} within ${(options.timeoutMs ?? 0) / 1000} s`);
      try {
        await sleep(Math.min(interval, left), undefined, { signal: options.signal });
      } catch (e) {
        if (options.signal?.aborted) throw options.signal.reason;
        throw e;
      }
    }
  }

  #get<T>(path: string, query?: Record<string, QueryValue>): Promise<T> {
    return this.#http.request<T>({ method: 'GET', path, query });
  }
}

/** Neither Creating, Updating nor Deleting, and no rollout warming or baking. */
export function isSettled(endpoint: Endpoint): boolean {
  const phase = endpoint.rollout?.phase;
  return !['Creating', 'Updating', 'Deleting'].includes(endpoint.status) && phase !== 'Warming' && phase !== 'Baking';
}

/** How a settled endpoint ended; pass `rolloutId` to judge only that rollout (an update's). */
export function endpointOutcome(endpoint: Endpoint, rolloutId?: string): EndpointOutcome {
  const rollout = endpoint.rollout;
  if (rollout !== undefined && (rolloutId === undefined || rollout.rollout_id === rolloutId)) {
    if (rollout.phase === 'RolledBack') return 'rolled-back';
    if (rollout.phase === 'Failed') return 'rollout-failed';
  }
  return endpoint.status === 'Failed' ? 'failed' : 'ok';
}

function wireVariant(v: VariantOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { model_uri: v.modelUri };
  if (v.name !== undefined) out.name = v.name;
  if (v.weight !== undefined) out.weight = v.weight;
  if (v.shadowPercent !== undefined) out.shadow = { sample_percent: v.shadowPercent };
  if (v.runtime !== undefined) out.runtime = v.runtime;
  return out;
}

function wireRollout(r: RolloutOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.strategy !== undefined) out.strategy = r.strategy;
  if (r.steps !== undefined) out.steps = [...r.steps];
  if (r.bakeSeconds !== undefined) out.bake_seconds = r.bakeSeconds;
  if (r.maxErrorRate !== undefined) out.max_error_rate = r.maxErrorRate;
  if (r.maxP99Ms !== undefined) out.max_p99_ms = r.maxP99Ms;
  if (r.minRequests !== undefined) out.min_requests = r.minRequests;
  return out;
}

function endpointPath(name: string): string {
  return `${SLIPWAY}/endpoints/${encodeURIComponent(name)}`;
}

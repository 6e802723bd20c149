import type { HttpTransport, QueryValue } from '../http-transport.js';
import { iterate, type Page } from '../paging.js';
import type { Trigger, TriggerEvent, TriggerType } from './trigger-types.js';

const SLIPWAY = '/api/slipway/v1';

export interface CreateTriggerOptions {
  readonly name: string;
  /** The pipeline it starts (must exist). */
  readonly pipeline: string;
  readonly type: TriggerType;
  /** The YAML keys of one `on:` entry of that type (without `params` and `name`). */
  readonly config?: Readonly<Record<string, unknown>> | undefined;
  /** Param values; may use `${{ event.… }}` placeholders. */
  readonly params?: Readonly<Record<string, string | number | boolean>> | undefined;
  /** The HMAC key of a webhook or push trigger. Write-only: the server never returns it. */
  readonly secret?: string | undefined;
  /** Default true. */
  readonly enabled?: boolean | undefined;
}

export interface ListTriggersOptions {
  readonly pipeline?: string | undefined;
  readonly maxResults?: number | undefined;
  readonly pageToken?: string | undefined;
}

/**
 * Event triggers (`/api/slipway/v1/triggers`): list, get, create, delete, enable,
 * disable, and each trigger's event history.
 *
 * ```ts
 * await client.triggers.create({ name: 'ci', pipeline: 'housing', type: 'webhook', secret });
 * for await (const e of client.triggers.iterateEvents('housing.push')) console.log(e.outcome, e.reason);
 * ```
 */
export class TriggersClient {
  readonly #http: HttpTransport;

  constructor(transport: HttpTransport) {
    this.#http = transport;
  }

  async create(options: CreateTriggerOptions): Promise<Trigger> {
    return (await this.#send<{ trigger: Trigger }>('POST', `${SLIPWAY}/triggers`, { ...options })).trigger;
  }

  /** One page of triggers, by name. */
  async list(options: ListTriggersOptions = {}): Promise<Page<Trigger>> {
    const res = await this.#get<{ triggers?: Trigger[]; next_page_token?: string }>(`${SLIPWAY}/triggers`, {
      pipeline: options.pipeline,
      max_results: options.maxResults,
      page_token: options.pageToken,
    });
    return page(res.triggers, res.next_page_token);
  }

  iterate(options: { pipeline?: string | undefined; pageSize?: number | undefined } = {}): AsyncGenerator<Trigger, void, undefined> {
    return iterate((pageToken) => this.list({ pipeline: options.pipeline, maxResults: options.pageSize, pageToken }));
  }

  async get(name: string): Promise<Trigger> {
    return (await this.#get<{ trigger: Trigger }>(triggerPath(name))).trigger;
  }

  /** Deletes the trigger and its history. */
  async delete(name: string): Promise<void> {
    await this.#send('DELETE', triggerPath(name), {});
  }

  async enable(name: string): Promise<Trigger> {
    return (await this.#send<{ trigger: Trigger }>('POST', `${triggerPath(name)}/enable`, {})).trigger;
  }

  /** A disabled trigger records its events as ignored. */
  async disable(name: string): Promise<Trigger> {
    return (await this.#send<{ trigger: Trigger }>('POST', `${triggerPath(name)}/disable`, {})).trigger;
  }

  /** One page of the trigger's events, newest first. */
  async listEvents(name: string, options: { maxResults?: number | undefined; pageToken?: string | undefined } = {}): Promise<Page<TriggerEvent>> {
    const res = await this.#get<{ events?: TriggerEvent[]; next_page_token?: string }>(`${triggerPath(name)}/events`, {
      max_results: options.maxResults,
      page_token: options.pageToken,
    });
    return page(res.events, res.next_page_token);
  }

  iterateEvents(name: string, options: { pageSize?: number | undefined } = {}): AsyncGenerator<TriggerEvent, void, undefined> {
    return iterate((pageToken) => this.listEvents(name, { maxResults: options.pageSize, pageToken }));
  }

  #get<T>(path: string, query?: Record<string, QueryValue>): Promise<T> {
    return this.#http.request<T>({ method: 'GET', path, query });
  }

  #send<T = unknown>(method: 'POST' | 'DELETE', path: string, body: Record<string, unknown>): Promise<T> {
    return this.#http.request<T>({ method, path, body });
  }
}

function triggerPath(name: string): string {
  return `${SLIPWAY}/triggers/${encodeURIComponent(name)}`;
}

function page<T>(items: T[] | undefined, token: string | undefined): Page<T> {
  return token === undefined || token === '' ? { items: items ?? [] } : { items: items ?? [], nextPageToken: token };
}

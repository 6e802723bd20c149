import type { HttpTransport, QueryValue } from '../http-transport.js';
import { iterate, type Page } from '../paging.js';
import type { DeliveryStatus, Webhook, WebhookDelivery, WebhookEventInput, WebhookStatus, WebhookTestResult } from './webhook-types.js';

const MLFLOW = '/api/2.0/mlflow';
const SLIPWAY = '/api/slipway/v1';

export interface CreateWebhookOptions {
  /** 1–63 letters, digits, `.`, `_`, `-`, starting and ending with a letter or digit. */
  readonly name: string;
  /** An absolute http(s) URL. */
  readonly url: string;
  /** At least one; duplicates are dropped. */
  readonly events: readonly WebhookEventInput[];
  readonly description?: string | undefined;
  /** The HMAC-SHA256 key deliveries are signed with. Write-only: the server never returns it. */
  readonly secret?: string | undefined;
  /** Default `ACTIVE`. */
  readonly status?: WebhookStatus | undefined;
}

/** MLflow's update semantics: an absent or empty field (`''`, `[]`) is left as it is. */
export type UpdateWebhookOptions = Partial<CreateWebhookOptions>;

export interface ListWebhooksOptions {
  /** Page size (1–1000; server default 100). */
  readonly maxResults?: number | undefined;
  /** A `nextPageToken` from the previous page. */
  readonly pageToken?: string | undefined;
}

export interface ListDeliveriesOptions extends ListWebhooksOptions {
  /** Only deliveries in this status. */
  readonly status?: DeliveryStatus | undefined;
}

/**
 * Registry webhooks: MLflow's webhook API (`/api/2.0/mlflow/webhooks`) and Slipway's
 * delivery log (`/api/slipway/v1/webhooks/{id}/deliveries`).
 *
 * ```ts
 * const hook = await client.webhooks.create({ name: 'ci', url: 'https://ci.example.com/hook', events: ['model_version.created'], secret });
 * for await (const d of client.webhooks.iterateDeliveries(hook.webhook_id, { status: 'failed' })) console.log(d.last_error);
 * ```
 */
export class WebhooksClient {
  readonly #http: HttpTransport;

  constructor(transport: HttpTransport) {
    this.#http = transport;
  }

  async create(options: CreateWebhookOptions): Promise<Webhook> {
    return (await this.#send<{ webhook: Webhook }>('POST', `${MLFLOW}/webhooks`, webhookBody(options))).webhook;
  }

  /** One page of webhooks, newest first. */
  async list(options: ListWebhooksOptions = {}): Promise<Page<Webhook>> {
    const res = await this.#get<{ webhooks?: Webhook[]; next_page_token?: string }>(`${MLFLOW}/webhooks`, {
      max_results: options.maxResults,
      page_token: options.pageToken,
    });
    return page(res.webhooks, res.next_page_token);
  }

  /** Every webhook, newest first, fetched `pageSize` at a time as the loop goes. */
  iterate(options: { pageSize?: number | undefined } = {}): AsyncGenerator<Webhook, void, undefined> {
    return iterate((pageToken) => this.list({ maxResults: options.pageSize, pageToken }));
  }

  async get(webhookId: string): Promise<Webhook> {
    return (await this.#get<{ webhook: Webhook }>(webhookPath(webhookId))).webhook;
  }

  /** Changes the given fields; absent or empty ones are left as they are (a description cannot be cleared). */
  async update(webhookId: string, update: UpdateWebhookOptions): Promise<Webhook> {
    return (await this.#send<{ webhook: Webhook }>('PATCH', webhookPath(webhookId), webhookBody(update))).webhook;
  }

  /** Deletes the webhook and its delivery log. */
  async delete(webhookId: string): Promise<void> {
    await this.#send('DELETE', webhookPath(webhookId), {});
  }

  /**
   * Sends one signed example payload of `event` (default: the webhook's first event) and
   * reports the answer. Not retried and not logged. A receiver's refusal is a result with
   * `success: false`, not an error; errors are for an unknown webhook or event.
   */
  async test(webhookId: string, options: { event?: WebhookEventInput | undefined } = {}): Promise<WebhookTestResult> {
    return (await this.#send<{ result: WebhookTestResult }>('POST', `${webhookPath(webhookId)}/test`, { event: options.event })).result;
  }

  /** One page of a webhook's delivery log, newest first. */
  async listDeliveries(webhookId: string, options: ListDeliveriesOptions = {}): Promise<Page<WebhookDelivery>> {
    const res = await this.#get<{ deliveries?: WebhookDelivery[]; next_page_token?: string }>(
      `${SLIPWAY}/webhooks/${segment(webhookId)}/deliveries`,
      { status: options.status, max_results: options.maxResults, page_token: options.pageToken },
    );
    return page(res.deliveries, res.next_page_token);
  }

  /** A webhook's whole delivery log (or the deliveries in one status), newest first, page by page. */
  iterateDeliveries(
    webhookId: string,
    options: { status?: DeliveryStatus | undefined; pageSize?: number | undefined } = {},
  ): AsyncGenerator<WebhookDelivery, void, undefined> {
    return iterate((pageToken) => this.listDeliveries(webhookId, { status: options.status, maxResults: options.pageSize, pageToken }));
  }

  // --- plumbing ----------------------------------------------------------------------

  #get<T>(path: string, query?: Record<string, QueryValue>): Promise<T> {
    return this.#http.request<T>({ method: 'GET', path, query });
  }

  #send<T = unknown>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body: Record<string, unknown>): Promise<T> {
    // JSON.stringify leaves undefined fields out.
    return this.#http.request<T>({ method, path, body });
  }
}

function webhookBody(options: UpdateWebhookOptions): Record<string, unknown> {
  return {
    name: options.name,
    url: options.url,
    events: options.events,
    description: options.description,
    secret: options.secret,
    status: options.status,
  };
}

function webhookPath(webhookId: string): string {
  return `${MLFLOW}/webhooks/${segment(webhookId)}`;
}

function page<T>(items: T[] | undefined, token: string | undefined): Page<T> {
  return token === undefined || token === '' ? { items: items ?? [] } : { items: items ?? [], nextPageToken: token };
}

/** An id as one path segment. */
function segment(text: string): string {
  return encodeURIComponent(text);
}

import { DELIVERY_STATUSES, type DeliveryStatus, type Webhook, type WebhookDelivery, type WebhookStatus } from '../entities/webhook.js';
import { SlipwayError } from '../errors/slipway-error.js';
import type { WebhookSender } from '../ports/webhook-sender.js';
import type { WebhookStore } from '../ports/webhook-store.js';
import { decodePageToken, nextPageToken } from '../tracking/page-token.js';
import type { ResultPage } from '../tracking/tracking-service.js';
import { pageSize } from '../tracking/validation.js';
import { parseWebhookEvent, parseWebhookEvents } from './webhook-events.js';
import { exampleEventData, webhookBody } from './webhook-payload.js';
import {
  WEBHOOK_LIMITS,
  validateWebhookDescription,
  validateWebhookName,
  validateWebhookSecret,
  validateWebhookUrl,
} from './webhook-validation.js';

export interface CreateWebhookRequest {
  readonly name: string;
  readonly url: string;
  /** As clients send them; see `parseWebhookEvents`. */
  readonly events: readonly unknown[];
  readonly description?: string | undefined;
  readonly secret?: string | undefined;
  readonly status?: WebhookStatus | undefined;
}

/** MLflow's update semantics: an absent or empty field leaves the stored value as it is. */
export type UpdateWebhookRequest = Partial<CreateWebhookRequest>;

/** What `POST /webhooks/{id}/test` reports (MLflow's `WebhookTestResult`). */
export interface WebhookTestResult {
  readonly success: boolean;
  readonly responseStatus?: number | undefined;
  readonly responseBody?: string | undefined;
  readonly errorMessage?: string | undefined;
}

export interface WebhookServiceOptions {
  /** How long a test delivery may take. @default 10000 */
  readonly testTimeoutMs?: number;
  /** Milliseconds since the epoch. @default Date.now */
  readonly clock?: () => number;
}

/** The webhook use cases: validation and defaults, paging, and test deliveries. */
export class WebhookService {
  readonly #store: WebhookStore;
  readonly #sender: WebhookSender;
  readonly #testTimeoutMs: number;
  readonly #now: () => number;

  constructor(deps: { readonly store: WebhookStore; readonly sender: WebhookSender }, options: WebhookServiceOptions = {}) {
    this.#store = deps.store;
    this.#sender = deps.sender;
    this.#testTimeoutMs = options.testTimeoutMs ?? 10_000;
    this.#now = options.clock ?? Date.now;
  }

  createWebhook(request: CreateWebhookRequest): Promise<Webhook> {
    validateWebhookName(request.name);
    validateWebhookUrl(request.url);
    const events = parseWebhookEvents(request.events);
    if (request.description) validateWebhookDescription(request.description);
    if (request.secret) validateWebhookSecret(request.secret);
    return this.#store.createWebhook({
      name: request.name,
      url: request.url,
      events,
      description: request.description || undefined,
      secret: request.secret || undefined,
      status: request.status ?? 'ACTIVE',
    });
  }

  getWebhook(id: string): Promise<Webhook> {
    return this.#store.getWebhook(id);
  }

  async listWebhooks(request: { maxResults?: number | undefined; pageToken?: string | undefined }): Promise<ResultPage<Webhook>> {
    const limit = pageSize(request.maxResults, WEBHOOK_LIMITS.listDefault, WEBHOOK_LIMITS.listMax);
    const offset = decodePageToken(request.pageToken);
    const page = await this.#store.listWebhooks({ limit, offset });
    return { items: page.items, nextPageToken: nextPageToken(offset, page.items.length, page.hasMore) };
  }

  updateWebhook(id: string, request: UpdateWebhookRequest): Promise<Webhook> {
    if (request.name) validateWebhookName(request.name);
    if (request.url) validateWebhookUrl(request.url);
    const events = request.events !== undefined && request.events.length > 0 ? parseWebhookEvents(request.events) : undefined;
    if (request.description) validateWebhookDescription(request.description);
    if (request.secret) validateWebhookSecret(request.secret);
    return this.#store.updateWebhook(id, {
      name: request.name || undefined,
      url: request.url || undefined,
      events,
      description: request.description || undefined,
      secret: request.secret || undefined,
      status: request.status,
    });
  }

  deleteWebhook(id: string): Promise<void> {
    return this.#store.deleteWebhook(id);
  }

  /** A webhook's delivery log, newest first, optionally only deliveries in one status. */
  async listDeliveries(
    webhookId: string,
    request: { status?: string | undefined; maxResults?: number | undefined; pageToken?: string | undefined },
  ): Promise<ResultPage<WebhookDelivery>> {
    const status = request.status ? parseDeliveryStatus(request.status) : undefined;
    const limit = pageSize(request.maxResults, WEBHOOK_LIMITS.deliveriesDefault, WEBHOOK_LIMITS.deliveriesMax);
    const offset = decodePageToken(request.pageToken);
    const page = await this.#store.listDeliveries(webhookId, { status, limit, offset });
    return { items: page.items, nextPageToken: nextPageToken(offset, page.items.length, page.hasMore) };
  }

  /**
   * Sends an example payload of `event` (by default the webhook's first event), signed like
   * a real delivery, once and synchronously. It is not retried and not logged.
   */
  async testWebhook(id: string, event?: unknown): Promise<WebhookTestResult> {
    const webhook = await this.#store.getWebhook(id);
    const target = await this.#store.getWebhookTarget(id);
    const name = event === undefined ? webhook.events[0]! : parseWebhookEvent(event, 'event');
    const deliveryId = crypto.randomUUID();
    const body = webhookBody({ deliveryId, event: name, timestamp: this.#now(), data: exampleEventData(name), test: true });
    const result = await this.#sender.send(target, { deliveryId, event: name, body }, { timeoutMs: this.#testTimeoutMs });
    return {
      success: result.ok,
      responseStatus: result.statusCode,
      responseBody: result.responseBody,
      // As MLflow: an answer (even a 500) is described by its status and body, not an error.
      errorMessage: result.ok || result.statusCode !== undefined ? undefined : `Failed to test webhook: ${result.error ?? 'no answer'}`,
    };
  }
}

function parseDeliveryStatus(status: string): DeliveryStatus {
  const found = DELIVERY_STATUSES.find((s) => s === status.trim().toLowerCase());
  if (found === undefined) {
    throw SlipwayError.invalidParameter(`Invalid value '${status}' for parameter 'status': one of ${DELIVERY_STATUSES.join(', ')}.`);
  }
  return found;
}

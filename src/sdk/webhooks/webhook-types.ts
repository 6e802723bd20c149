/**
 * Registry webhooks as the server sends them: MLflow's proto-JSON `Webhook` and
 * `WebhookTestResult` (snake_case, enums by name, timestamps in milliseconds, unset fields
 * left out) and Slipway's delivery-log entries. Wire types: the SDK returns the JSON the
 * server sent, unchanged. A webhook's secret is write-only and never appears here.
 * @module
 */

/**
 * The events a webhook can subscribe to, as `entity.action`. The first six are MLflow's;
 * the last two are Slipway's (MLflow's Python client cannot parse webhooks that use them).
 */
export const WEBHOOK_EVENTS = [
  'registered_model.created',
  'model_version.created',
  'model_version_tag.set',
  'model_version_tag.deleted',
  'model_version_alias.created',
  'model_version_alias.deleted',
  'model_version.stage_changed',
  'model_version.approval_changed',
] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

/** An event as MLflow's API shows it: enum names, e.g. `{entity: 'MODEL_VERSION', action: 'CREATED'}`. */
export interface WebhookEvent {
  entity: string;
  action: string;
}

/**
 * An event as requests take it: the `entity.action` name (`'model_version.created'`) or
 * MLflow's `{entity, action}` (enum names in any case, or enum numbers). Typed open so that
 * newer servers' events can be sent; the server refuses unknown ones.
 */
export type WebhookEventInput = WebhookEventName | (string & {}) | { entity: string | number; action: string | number };

/** A DISABLED webhook gets no new deliveries. */
export type WebhookStatus = 'ACTIVE' | 'DISABLED';
export const WEBHOOK_STATUSES: readonly WebhookStatus[] = ['ACTIVE', 'DISABLED'];

/** A webhook, as MLflow's API returns it. */
export interface Webhook {
  /** A UUID. */
  webhook_id: string;
  name: string;
  description?: string;
  url: string;
  /** In the order they were given, without duplicates. */
  events: WebhookEvent[];
  status: WebhookStatus;
  creation_timestamp: number;
  last_updated_timestamp: number;
}

/** The answer to a test delivery (MLflow's `WebhookTestResult`). */
export interface WebhookTestResult {
  /** True for a 2xx answer. */
  success: boolean;
  /** The receiver's HTTP status, when it answered. */
  response_status?: number;
  response_body?: string;
  /** Set only when no answer came (refused, timed out). */
  error_message?: string;
}

/** pending: waiting for its next attempt; succeeded: a 2xx answer; failed: out of attempts. */
export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'succeeded', 'failed'];

/** One event sent (or to be sent) to one webhook, with the outcome of its attempts (Slipway's delivery log). */
export interface WebhookDelivery {
  /** A UUID; sent as `X-MLflow-Delivery-Id` and in the body, the same on every retry. */
  delivery_id: string;
  webhook_id: string;
  /** An `entity.action` name; typed open so newer servers' events still parse. */
  event: WebhookEventName | (string & {});
  /** The registry audit-log entry the event came from. */
  change_id: number;
  status: DeliveryStatus;
  attempts: number;
  last_status_code?: number;
  /** The most recent failure, kept even after a later attempt succeeded. */
  last_error?: string;
  /** When the next attempt is due (pending deliveries only). */
  next_attempt_timestamp?: number;
  creation_timestamp: number;
  last_attempt_timestamp?: number;
  /** When it succeeded or finally failed. */
  completed_timestamp?: number;
}

/** `{entity: 'MODEL_VERSION', action: 'CREATED'}` → `'model_version.created'`. */
export function webhookEventName(event: WebhookEvent): WebhookEventName | (string & {}) {
  return `${event.entity.toLowerCase()}.${event.action.toLowerCase()}`;
}

/**
 * Registry webhooks: where to POST which registry events, and the log of each delivery.
 * The event names are MLflow's `entity.action` names, plus Slipway's stage and approval
 * events (see `core/webhooks/webhook-events.ts` for the catalogue).
 * @module
 */

/** MLflow's webhook statuses: a DISABLED webhook receives nothing. */
export const WEBHOOK_STATUSES = ['ACTIVE', 'DISABLED'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

/**
 * The events a webhook can subscribe to. The first six are MLflow's (same names, same
 * payloads); the last two are Slipway's.
 */
export const WEBHOOK_EVENT_NAMES = [
  'registered_model.created',
  'model_version.created',
  'model_version_tag.set',
  'model_version_tag.deleted',
  'model_version_alias.created',
  'model_version_alias.deleted',
  'model_version.stage_changed',
  'model_version.approval_changed',
] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENT_NAMES)[number];

/** A webhook as the API shows it. The secret is write-only: it never leaves the server. */
export interface Webhook {
  /** A UUID, as MLflow assigns. */
  readonly id: string;
  readonly name: string;
  readonly description?: string | undefined;
  readonly url: string;
  /** In the order they were given, without duplicates; never empty. */
  readonly events: readonly WebhookEventName[];
  readonly status: WebhookStatus;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
}

/** What the sender needs to reach and sign for a webhook. Only the delivery side sees it. */
export interface WebhookTarget {
  readonly webhookId: string;
  readonly url: string;
  /** HMAC key; unsigned deliveries when absent. */
  readonly secret?: string | undefined;
}

/** pending: waiting for its next attempt; succeeded: a 2xx answer; failed: out of attempts. */
export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One event sent (or to be sent) to one webhook, with the outcome of its attempts. */
export interface WebhookDelivery {
  /** A UUID; sent as `X-MLflow-Delivery-Id` and in the body, the same on every retry. */
  readonly id: string;
  readonly webhookId: string;
  readonly event: WebhookEventName;
  /** The registry change-log entry the event came from. */
  readonly changeId: number;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastStatusCode?: number | undefined;
  readonly lastError?: string | undefined;
  /** When the next attempt is due (pending deliveries only). */
  readonly nextAttemptTimestamp?: number | undefined;
  readonly creationTimestamp: number;
  readonly lastAttemptTimestamp?: number | undefined;
  /** When it succeeded or finally failed. */
  readonly completedTimestamp?: number | undefined;
}

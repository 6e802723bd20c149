import type { Webhook, WebhookDelivery } from '../../core/entities/webhook.js';
import type { WebhookTestResult } from '../../core/webhooks/webhook-service.js';
import { eventParts } from '../../core/webhooks/webhook-events.js';
import type { Wire } from '../mlflow/wire-format.js';

/**
 * Webhooks in MLflow's proto-JSON (`Webhook`, `WebhookTestResult`; enums by name, never
 * the secret), and Slipway's delivery log entries.
 * @module
 */

export function wireWebhook(w: Webhook): Wire {
  const out: Wire = {
    webhook_id: w.id,
    name: w.name,
    url: w.url,
    events: w.events.map(eventParts),
    status: w.status,
    creation_timestamp: w.creationTimestamp,
    last_updated_timestamp: w.lastUpdatedTimestamp,
  };
  if (w.description !== undefined) out.description = w.description;
  return out;
}

export function wireTestResult(r: WebhookTestResult): Wire {
  const out: Wire = { success: r.success };
  if (r.responseStatus !== undefined) out.response_status = r.responseStatus;
  if (r.responseBody !== undefined) out.response_body = r.responseBody;
  if (r.errorMessage !== undefined) out.error_message = r.errorMessage;
  return out;
}

export function wireDelivery(d: WebhookDelivery): Wire {
  const out: Wire = {
    delivery_id: d.id,
    webhook_id: d.webhookId,
    event: d.event,
    change_id: d.changeId,
    status: d.status,
    attempts: d.attempts,
    creation_timestamp: d.creationTimestamp,
  };
  if (d.lastStatusCode !== undefined) out.last_status_code = d.lastStatusCode;
  if (d.lastError !== undefined) out.last_error = d.lastError;
  if (d.nextAttemptTimestamp !== undefined) out.next_attempt_timestamp = d.nextAttemptTimestamp;
  if (d.lastAttemptTimestamp !== undefined) out.last_attempt_timestamp = d.lastAttemptTimestamp;
  if (d.completedTimestamp !== undefined) out.completed_timestamp = d.completedTimestamp;
  return out;
}

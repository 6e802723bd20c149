import { webhookEventName, type Webhook, type WebhookDelivery, type WebhookTestResult } from '../sdk/index.js';
import { formatTime, keyValueBlock } from './models-view.js';
import { formatTable, singleLine, truncate } from './text-table.js';

/**
 * What `slipway webhooks …` prints for people (scripts use `--json`). Pure functions from
 * the SDK's wire objects to text, so they are tested without a server. Nothing here ever
 * sees a webhook's secret: the server does not return it.
 * @module
 */

/** A receiver's answer in one line, cut to this many characters. */
const BODY_WIDTH = 200;

/** `model_version.created, model_version.stage_changed` */
export function formatEvents(w: Pick<Webhook, 'events'>): string {
  return w.events.map(webhookEventName).join(', ');
}

export function renderWebhookList(webhooks: readonly Webhook[]): string {
  if (webhooks.length === 0) return 'No webhooks.\n';
  return formatTable(
    [{ header: 'WEBHOOK ID' }, { header: 'NAME', maxWidth: 40 }, { header: 'STATUS' }, { header: 'EVENTS', maxWidth: 60 }, { header: 'URL', maxWidth: 60 }, { header: 'UPDATED' }],
    webhooks.map((w) => [w.webhook_id, w.name, w.status, formatEvents(w), w.url, formatTime(w.last_updated_timestamp)]),
  );
}

export function renderWebhookDetail(w: Webhook): string {
  return keyValueBlock([
    ['Webhook ID', [w.webhook_id]],
    ['Name', [w.name]],
    ['Description', [w.description === undefined || w.description === '' ? '-' : singleLine(w.description)]],
    ['URL', [w.url]],
    ['Status', [w.status]],
    ['Events', w.events.length === 0 ? ['-'] : w.events.map(webhookEventName)],
    ['Created', [formatTime(w.creation_timestamp)]],
    ['Last updated', [formatTime(w.last_updated_timestamp)]],
  ]);
}

export function renderDeliveries(deliveries: readonly WebhookDelivery[]): string {
  if (deliveries.length === 0) return 'No deliveries.\n';
  return formatTable(
    [
      { header: 'DELIVERY ID' },
      { header: 'EVENT' },
      { header: 'CHANGE', align: 'right' },
      { header: 'STATUS' },
      { header: 'ATTEMPTS', align: 'right' },
      { header: 'LAST CODE', align: 'right' },
      { header: 'LAST ERROR', maxWidth: 50 },
      { header: 'CREATED' },
    ],
    deliveries.map((d) => [
      d.delivery_id,
      d.event,
      String(d.change_id),
      d.status,
      String(d.attempts),
      d.last_status_code === undefined ? '' : String(d.last_status_code),
      d.last_error ?? '',
      formatTime(d.creation_timestamp),
    ]),
  );
}

/** A test delivery and what came of it. */
export interface TestOutcome {
  readonly webhook: Webhook;
  /** The event whose example payload was sent. */
  readonly event: string;
  readonly result: WebhookTestResult;
}

/** `Test delivery of model_version.created to http://…: HTTP 200.` and the receiver's answer. */
export function renderTestSuccess(t: TestOutcome): string {
  const status = t.result.response_status === undefined ? '' : `: HTTP ${t.result.response_status}`;
  const body = answer(t.result);
  return `Test delivery of ${t.event} to ${t.webhook.url} succeeded${status}.\n${body === '' ? '' : `Response: ${body}\n`}`;
}

/** Why a test delivery failed, in one line (without the `slipway: ` prefix); undefined when it succeeded. */
export function describeTestFailure(t: TestOutcome): string | undefined {
  if (t.result.success) return undefined;
  const prefix = `test delivery of ${t.event} to ${t.webhook.url} failed`;
  if (t.result.response_status !== undefined) {
    const body = answer(t.result);
    return `${prefix}: HTTP ${t.result.response_status}${body === '' ? '' : `: ${body}`}`;
  }
  const error = singleLine(t.result.error_message ?? 'no answer').replace(/^Failed to test webhook:\s*/, '');
  return `${prefix}: ${error}`;
}

function answer(result: WebhookTestResult): string {
  return truncate(singleLine(result.response_body ?? ''), BODY_WIDTH);
}

import type { RegistryChangeType } from '../entities/registry-change.js';
import { WEBHOOK_EVENT_NAMES, type WebhookEventName } from '../entities/webhook.js';
import { SlipwayError } from '../errors/slipway-error.js';

/**
 * The webhook event catalogue. MLflow's protocol names an event by two enums,
 * `{entity, action}` (`{"entity": "MODEL_VERSION", "action": "CREATED"}`); payloads and
 * Slipway's API use the dotted lower-case form (`model_version.created`).
 * @module
 */

/** MLflow's `WebhookEntity` enum numbers (`webhooks.proto`); PROMPT… and BUDGET_POLICY are never sent by Slipway. */
export const WEBHOOK_ENTITIES: Readonly<Record<string, number>> = {
  REGISTERED_MODEL: 1,
  MODEL_VERSION: 2,
  MODEL_VERSION_TAG: 3,
  MODEL_VERSION_ALIAS: 4,
  PROMPT: 5,
  PROMPT_VERSION: 6,
  PROMPT_TAG: 7,
  PROMPT_VERSION_TAG: 8,
  PROMPT_ALIAS: 9,
  BUDGET_POLICY: 10,
};

/**
 * MLflow's `WebhookAction` enum numbers, and Slipway's two actions. Theirs are numbered
 * far from MLflow's so a future MLflow action cannot collide with them.
 */
export const WEBHOOK_ACTIONS: Readonly<Record<string, number>> = {
  CREATED: 1,
  UPDATED: 2,
  DELETED: 3,
  SET: 4,
  EXCEEDED: 5,
  STAGE_CHANGED: 101,
  APPROVAL_CHANGED: 102,
};

/** Events MLflow defines that Slipway has nothing to send for (prompts, AI gateway budgets). */
const MLFLOW_ONLY_EVENTS = new Set([
  'prompt.created',
  'prompt_version.created',
  'prompt_tag.set',
  'prompt_tag.deleted',
  'prompt_version_tag.set',
  'prompt_version_tag.deleted',
  'prompt_alias.created',
  'prompt_alias.deleted',
  'budget_policy.exceeded',
]);

/** Slipway's additions; MLflow clients cannot parse these (see docs/webhooks.md). */
export const SLIPWAY_WEBHOOK_EVENTS: ReadonlySet<WebhookEventName> = new Set(['model_version.stage_changed', 'model_version.approval_changed']);

/** `{entity, action}` of an event, as MLflow's enum names. */
export function eventParts(event: WebhookEventName): { entity: string; action: string } {
  const [entity, action] = event.split('.') as [string, string];
  return { entity: entity.toUpperCase(), action: action.toUpperCase() };
}

/** The webhook event a registry change raises, if any (the names are the same by design). */
export function webhookEventOf(change: RegistryChangeType): WebhookEventName | undefined {
  return (WEBHOOK_EVENT_NAMES as readonly string[]).includes(change) ? (change as WebhookEventName) : undefined;
}

/**
 * Reads a list of events as clients send them: proto-JSON objects `{entity, action}` with
 * enum names (any case) or numbers, or Slipway's shorthand `"model_version.created"`.
 * Duplicates are dropped; an empty list, an unknown name or a combination Slipway does
 * not send → INVALID_PARAMETER_VALUE naming the item.
 */
export function parseWebhookEvents(items: readonly unknown[], field = 'events'): WebhookEventName[] {
  if (items.length === 0) throw SlipwayError.invalidParameter(`Missing value for required parameter '${field}'.`);
  const out = new Set<WebhookEventName>();
  items.forEach((item, i) => out.add(parseWebhookEvent(item, `${field}[${i}]`)));
  return [...out];
}

/** One event (see {@link parseWebhookEvents}). */
export function parseWebhookEvent(item: unknown, field: string): WebhookEventName {
  let entity: string;
  let action: string;
  if (typeof item === 'string') {
    const parts = item.split('.');
    if (parts.length !== 2) {
      throw SlipwayError.invalidParameter(
        `Invalid value '${item}' for parameter '${field}': expected 'entity.action' (e.g. 'model_version.created') or {"entity": …, "action": …}.`,
      );
    }
    entity = enumName(parts[0], WEBHOOK_ENTITIES, `${field}.entity`);
    action = enumName(parts[1], WEBHOOK_ACTIONS, `${field}.action`);
  } else if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
    const o = item as { entity?: unknown; action?: unknown };
    entity = enumName(o.entity, WEBHOOK_ENTITIES, `${field}.entity`);
    action = enumName(o.action, WEBHOOK_ACTIONS, `${field}.action`);
  } else {
    throw SlipwayError.invalidParameter(`Invalid value for parameter '${field}': expected {"entity": …, "action": …}.`);
  }
  const name = `${entity.toLowerCase()}.${action.toLowerCase()}`;
  if ((WEBHOOK_EVENT_NAMES as readonly string[]).includes(name)) return name as WebhookEventName;
  if (MLFLOW_ONLY_EVENTS.has(name)) {
    throw SlipwayError.invalidParameter(
      `Invalid value '${name}' for parameter '${field}': Slipway does not send ${entity.toLowerCase()} events. Supported events: ${WEBHOOK_EVENT_NAMES.join(', ')}.`,
    );
  }
  const valid = WEBHOOK_EVENT_NAMES.filter((e) => e.startsWith(`${entity.toLowerCase()}.`)).map((e) => e.split('.')[1]);
  throw SlipwayError.invalidParameter(
    valid.length > 0
      ? `Invalid action '${action.toLowerCase()}' for entity '${entity.toLowerCase()}' (parameter '${field}'). Valid actions are: ${valid.join(', ')}.`
      : `Invalid value '${name}' for parameter '${field}'. Supported events: ${WEBHOOK_EVENT_NAMES.join(', ')}.`,
  );
}

function enumName(value: unknown, table: Readonly<Record<string, number>>, field: string): string {
  if (value === undefined || value === null || value === '') {
    throw SlipwayError.invalidParameter(`Missing value for required parameter '${field}'.`);
  }
  if (typeof value === 'string' && !/^[0-9]+$/.test(value)) {
    const name = value.trim().toUpperCase();
    if (name in table) return name;
  } else if (typeof value === 'number' || typeof value === 'string') {
    const n = Number(value);
    const found = Object.entries(table).find(([, v]) => v === n);
    if (found !== undefined) return found[0];
  }
  throw SlipwayError.invalidParameter(
    `Invalid value ${JSON.stringify(value)} for parameter '${field}': one of ${Object.keys(table).join(', ')}.`,
  );
}

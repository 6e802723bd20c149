import type { RegistryChange } from '../entities/registry-change.js';
import type { Tag } from '../entities/tag.js';
import type { WebhookEventName } from '../entities/webhook.js';
import type { RegistryStore } from '../ports/registry-store.js';

/**
 * Webhook request bodies. MLflow's envelope is `{entity, action, timestamp, data}` with a
 * per-event `data` shape; Slipway keeps those keys and shapes, and adds `delivery_id`,
 * `event`, `change_id` and `actor`, which MLflow receivers ignore.
 * @module
 */

export type EventData = Record<string, unknown>;

export interface WebhookBodyInput {
  readonly deliveryId: string;
  readonly event: WebhookEventName;
  /** When the change happened (ms since the epoch). */
  readonly timestamp: number;
  readonly data: EventData;
  readonly changeId?: number | undefined;
  readonly actor?: string | undefined;
  /** A test delivery (`POST /webhooks/{id}/test`) with example data. */
  readonly test?: boolean | undefined;
}

/** The JSON text of a request body. */
export function webhookBody(input: WebhookBodyInput): string {
  const [entity, action] = input.event.split('.') as [string, string];
  return JSON.stringify({
    entity,
    action,
    // Python's isoformat() spelling, which every Python version's fromisoformat() reads.
    timestamp: new Date(input.timestamp).toISOString().replace('Z', '+00:00'),
    data: input.data,
    delivery_id: input.deliveryId,
    event: input.event,
    ...(input.changeId === undefined ? {} : { change_id: input.changeId }),
    ...(input.actor === undefined ? {} : { actor: input.actor }),
    ...(input.test === true ? { test: true } : {}),
  });
}

/**
 * The `data` of the event a change raised. Entries that carry everything (tags, aliases,
 * stages, approvals) are read from the change itself; `created` events read the model or
 * version for its tags and description, falling back to what the entry says when it is
 * gone already (deleted or renamed since).
 */
export async function eventData(event: WebhookEventName, change: RegistryChange, registry: RegistryStore): Promise<EventData> {
  const name = change.modelName;
  const version = change.version === undefined ? null : String(change.version);
  const suffix = (prefix: string): string => (change.field?.startsWith(prefix) ? change.field.slice(prefix.length) : (change.field ?? ''));
  switch (event) {
    case 'registered_model.created': {
      const model = await registry.getRegisteredModel(name).catch(() => undefined);
      return { name, tags: tagMap(model?.tags ?? []), description: model?.description ?? null };
    }
    case 'model_version.created': {
      const mv = change.version === undefined ? undefined : await registry.getModelVersion(name, change.version).catch(() => undefined);
      return {
        name,
        version,
        source: mv?.source ?? change.to ?? '',
        run_id: mv?.runId ?? null,
        tags: tagMap(mv?.tags ?? []),
        description: mv?.description ?? null,
      };
    }
    case 'model_version_tag.set':
      return { name, version, key: suffix('tag:'), value: change.to ?? '' };
    case 'model_version_tag.deleted':
      return { name, version, key: suffix('tag:') };
    case 'model_version_alias.created':
      return { name, alias: suffix('alias:'), version };
    case 'model_version_alias.deleted':
      return { name, alias: suffix('alias:') };
    case 'model_version.stage_changed':
      return { name, version, from_stage: change.from ?? null, to_stage: change.to ?? null, comment: change.comment ?? null };
    case 'model_version.approval_changed':
      return { name, version, from_status: change.from ?? null, to_status: change.to ?? null, comment: change.comment ?? null };
  }
}

/** Example `data` for a test delivery, in each event's shape. */
export function exampleEventData(event: WebhookEventName): EventData {
  const base = { name: 'example_model', version: '1' };
  switch (event) {
    case 'registered_model.created':
      return { name: base.name, tags: { example_key: 'example_value' }, description: 'An example registered model' };
    case 'model_version.created':
      return {
        ...base,
        source: 'models:/m-0123456789abcdef0123456789abcdef',
        run_id: '0123456789abcdef0123456789abcdef',
        tags: { example_key: 'example_value' },
        description: 'An example model version',
      };
    case 'model_version_tag.set':
      return { ...base, key: 'example_key', value: 'example_value' };
    case 'model_version_tag.deleted':
      return { ...base, key: 'example_key' };
    case 'model_version_alias.created':
      return { name: base.name, alias: 'example_alias', version: base.version };
    case 'model_version_alias.deleted':
      return { name: base.name, alias: 'example_alias' };
    case 'model_version.stage_changed':
      return { ...base, from_stage: 'Staging', to_stage: 'Production', comment: null };
    case 'model_version.approval_changed':
      return { ...base, from_status: 'PendingManualApproval', to_status: 'Approved', comment: 'An example approval' };
  }
}

function tagMap(tags: readonly Tag[]): Record<string, string> {
  return Object.fromEntries(tags.map((t) => [t.key, t.value]));
}

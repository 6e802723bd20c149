import { describe, expect, it } from 'vitest';
import { eventParts, parseWebhookEvents, webhookEventOf } from './webhook-events.js';

describe('webhook events', () => {
  it('reads proto-JSON names and numbers, any case, and the dotted shorthand; drops duplicates', () => {
    expect(
      parseWebhookEvents([
        { entity: 'MODEL_VERSION', action: 'CREATED' },
        { entity: 'model_version_alias', action: 'deleted' },
        { entity: 3, action: '4' },
        'model_version.stage_changed',
        { entity: 'MODEL_VERSION', action: 102 },
        'MODEL_VERSION.CREATED',
      ]),
    ).toEqual([
      'model_version.created',
      'model_version_alias.deleted',
      'model_version_tag.set',
      'model_version.stage_changed',
      'model_version.approval_changed',
    ]);
  });

  it('names the item that is wrong', () => {
    expect(() => parseWebhookEvents([])).toThrow("Missing value for required parameter 'events'.");
    expect(() => parseWebhookEvents(['model_version.created', { entity: 'MODEL_VERSION', action: 'DELETED' }])).toThrow(
      "Invalid action 'deleted' for entity 'model_version' (parameter 'events[1]'). Valid actions are: created, stage_changed, approval_changed.",
    );
    expect(() => parseWebhookEvents([{ action: 'CREATED' }])).toThrow("Missing value for required parameter 'events[0].entity'.");
    expect(() => parseWebhookEvents([{ entity: 99, action: 1 }])).toThrow(/events\[0\]\.entity/);
    expect(() => parseWebhookEvents(['budget_policy.exceeded'])).toThrow(/does not send budget_policy events/);
    expect(() => parseWebhookEvents(['created'])).toThrow(/expected 'entity\.action'/);
    expect(() => parseWebhookEvents([null])).toThrow(/parameter 'events\[0\]'/);
  });

  it('maps change-log entries to events and events to MLflow enum names', () => {
    expect(webhookEventOf('model_version_alias.created')).toBe('model_version_alias.created');
    expect(webhookEventOf('registered_model.renamed')).toBeUndefined();
    expect(eventParts('model_version_tag.set')).toEqual({ entity: 'MODEL_VERSION_TAG', action: 'SET' });
  });
});

import { describe, expect, it } from 'vitest';
import { describeTestFailure, renderDeliveries, renderTestSuccess, renderWebhookDetail, renderWebhookList } from '../../src/cli/webhooks-view.js';
import type { Webhook, WebhookDelivery } from '../../src/sdk/index.js';

const T = Date.UTC(2025, 5, 1, 12, 0, 0);
const hook: Webhook = {
  webhook_id: '5e0d2b9c-0000-4000-8000-000000000001',
  name: 'ci',
  url: 'https://ci.example.com/hook',
  events: [
    { entity: 'MODEL_VERSION', action: 'CREATED' },
    { entity: 'MODEL_VERSION', action: 'STAGE_CHANGED' },
  ],
  status: 'ACTIVE',
  creation_timestamp: T,
  last_updated_timestamp: T,
};

describe('webhooks CLI output', () => {
  it('lists webhooks with their events by name, and says so when there are none', () => {
    expect(renderWebhookList([])).toBe('No webhooks.\n');
    expect(renderWebhookList([hook])).toBe(
      [
        'WEBHOOK ID                            NAME  STATUS  EVENTS                                              URL                          UPDATED',
        '5e0d2b9c-0000-4000-8000-000000000001  ci    ACTIVE  model_version.created, model_version.stage_changed  https://ci.example.com/hook  2025-06-01T12:00:00Z',
        '',
      ].join('\n'),
    );
  });

  it('shows a webhook with one event per line and "-" for no description', () => {
    expect(renderWebhookDetail({ ...hook, description: 'line one\nline two' })).toContain('Description:  line one line two\n');
    const text = renderWebhookDetail(hook);
    expect(text).toContain('Description:  -\n');
    expect(text).toContain('Events:       model_version.created\n              model_version.stage_changed\n');
  });

  it('tabulates deliveries: numbers right-aligned, the last error on one line and cut', () => {
    const d: WebhookDelivery = {
      delivery_id: 'd1',
      webhook_id: hook.webhook_id,
      event: 'model_version.created',
      change_id: 42,
      status: 'pending',
      attempts: 3,
      last_status_code: 502,
      last_error: `HTTP 502: ${'bad gateway\n'.repeat(10)}`,
      creation_timestamp: T,
    };
    expect(renderDeliveries([])).toBe('No deliveries.\n');
    const [header, row] = renderDeliveries([d, { ...d, delivery_id: 'd2', change_id: 7, status: 'succeeded', attempts: 1, last_status_code: undefined, last_error: undefined }]).split('\n');
    expect(header).toBe('DELIVERY ID  EVENT                  CHANGE  STATUS     ATTEMPTS  LAST CODE  LAST ERROR                                          CREATED');
    expect(row).toBe('d1           model_version.created      42  pending           3        502  HTTP 502: bad gateway bad gateway bad gateway bad…  2025-06-01T12:00:00Z');
  });

  it('describes test deliveries: the answer on success, the status or the error on failure', () => {
    const event = 'model_version.created';
    expect(renderTestSuccess({ webhook: hook, event, result: { success: true, response_status: 204 } })).toBe(
      'Test delivery of model_version.created to https://ci.example.com/hook succeeded: HTTP 204.\n',
    );
    expect(describeTestFailure({ webhook: hook, event, result: { success: true, response_status: 200 } })).toBeUndefined();
    expect(describeTestFailure({ webhook: hook, event, result: { success: false, response_status: 404, response_body: 'no\nroute' } })).toBe(
      'test delivery of model_version.created to https://ci.example.com/hook failed: HTTP 404: no route',
    );
    expect(describeTestFailure({ webhook: hook, event, result: { success: false, error_message: 'Failed to test webhook: connect ECONNREFUSED 127.0.0.1:9' } })).toBe(
      'test delivery of model_version.created to https://ci.example.com/hook failed: connect ECONNREFUSED 127.0.0.1:9',
    );
  });
});

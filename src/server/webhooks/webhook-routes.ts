import { Type } from '@sinclair/typebox';
import { WEBHOOK_STATUSES } from '../../core/entities/webhook.js';
import type { WebhookService } from '../../core/webhooks/webhook-service.js';
import { Int64, ProtoEnum, Repeated, Required } from '../http/proto-schema.js';
import { mlflowRoute, type MlflowRoute } from '../mlflow/mlflow-route.js';
import { withPageToken } from '../mlflow/wire-format.js';
import { wireTestResult, wireWebhook } from './webhook-wire-format.js';

const WebhookId = Required(Type.String({ description: 'Webhook id.' }));
/** Checked by `parseWebhookEvent`, which names the offending item. */
const Event = Type.Unsafe<unknown>({
  type: ['object', 'string'],
  description:
    'An event: {"entity": "MODEL_VERSION", "action": "CREATED"} (enum names or numbers), or Slipway\'s shorthand "model_version.created".',
});
const Status = ProtoEnum(WEBHOOK_STATUSES);

/** MLflow's webhook API (`webhooks.proto`): `/mlflow/webhooks` and `/mlflow/webhooks/{webhook_id}[/test]`. */
export function webhookRoutes(webhooks: WebhookService): MlflowRoute[] {
  return [
    mlflowRoute({
      methods: ['POST'],
      path: '/webhooks',
      summary: 'Create a webhook for registry events',
      request: Type.Object({
        name: Required(Type.String()),
        url: Required(Type.String()),
        events: Repeated(Event),
        description: Type.Optional(Type.String()),
        secret: Type.Optional(Type.String({ description: 'HMAC-SHA256 key for the signatures; write-only.' })),
        status: Type.Optional(Status),
      }),
      handler: async (r) => ({ webhook: wireWebhook(await webhooks.createWebhook(r)) }),
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/webhooks',
      summary: 'List webhooks, newest first',
      request: Type.Object({ max_results: Type.Optional(Int64()), page_token: Type.Optional(Type.String()) }),
      handler: async (r) => {
        const page = await webhooks.listWebhooks({ maxResults: r.max_results, pageToken: r.page_token });
        return withPageToken({ webhooks: page.items.map(wireWebhook) }, page.nextPageToken);
      },
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/webhooks/:webhook_id',
      summary: 'Get a webhook',
      request: Type.Object({ webhook_id: WebhookId }),
      handler: async (r) => ({ webhook: wireWebhook(await webhooks.getWebhook(r.webhook_id)) }),
    }),
    mlflowRoute({
      methods: ['PATCH'],
      path: '/webhooks/:webhook_id',
      summary: 'Update a webhook (absent or empty fields are left as they are)',
      request: Type.Object({
        webhook_id: WebhookId,
        name: Type.Optional(Type.String()),
        description: Type.Optional(Type.String()),
        url: Type.Optional(Type.String()),
        events: Type.Optional(Repeated(Event)),
        secret: Type.Optional(Type.String()),
        status: Type.Optional(Status),
      }),
      handler: async (r) => ({ webhook: wireWebhook(await webhooks.updateWebhook(r.webhook_id, r)) }),
    }),
    mlflowRoute({
      methods: ['DELETE'],
      path: '/webhooks/:webhook_id',
      summary: 'Delete a webhook and its delivery log',
      request: Type.Object({ webhook_id: WebhookId }),
      handler: async (r) => {
        await webhooks.deleteWebhook(r.webhook_id);
        return {};
      },
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/webhooks/:webhook_id/test',
      summary: "Send a signed example payload of one event (by default the webhook's first) and report the answer",
      request: Type.Object({ webhook_id: WebhookId, event: Type.Optional(Event) }),
      handler: async (r) => ({ result: wireTestResult(await webhooks.testWebhook(r.webhook_id, r.event)) }),
    }),
  ];
}

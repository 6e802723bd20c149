import { Type } from '@sinclair/typebox';
import type { WebhookService } from '../../core/webhooks/webhook-service.js';
import { Int64, Required } from '../http/proto-schema.js';
import { mlflowRoute, type MlflowRoute } from '../mlflow/mlflow-route.js';
import { withPageToken } from '../mlflow/wire-format.js';
import { wireDelivery } from './webhook-wire-format.js';

/** Slipway's addition: the delivery log of a webhook. */
export function slipwayWebhookRoutes(webhooks: WebhookService): MlflowRoute[] {
  return [
    mlflowRoute({
      methods: ['GET'],
      path: '/webhooks/:webhook_id/deliveries',
      summary: "A webhook's deliveries, newest first: status, attempts, last answer and error, next attempt",
      request: Type.Object({
        webhook_id: Required(Type.String({ description: 'Webhook id.' })),
        status: Type.Optional(Type.String({ description: 'pending, succeeded or failed.' })),
        max_results: Type.Optional(Int64()),
        page_token: Type.Optional(Type.String()),
      }),
      handler: async (r) => {
        const page = await webhooks.listDeliveries(r.webhook_id, { status: r.status, maxResults: r.max_results, pageToken: r.page_token });
        return withPageToken({ deliveries: page.items.map(wireDelivery) }, page.nextPageToken);
      },
    }),
  ];
}

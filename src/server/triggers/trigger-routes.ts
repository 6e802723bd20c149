import { Type } from '@sinclair/typebox';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { TriggerService } from '../../triggers/trigger-service.js';
import { Bool, Int64, Required } from '../http/proto-schema.js';
import { mlflowRoute, type MlflowRoute } from '../mlflow/mlflow-route.js';
import { withPageToken } from '../mlflow/wire-format.js';
import { wireTrigger, wireTriggerEvent } from './trigger-wire-format.js';

const TriggerName = Required(Type.String({ description: 'Trigger name.' }));
const PageFields = {
  max_results: Type.Optional(Int64('Page size: 1-1000 (default 100).')),
  page_token: Type.Optional(Type.String({ description: 'The next_page_token of the previous page.' })),
};

/**
 * Slipway's triggers API (`/api/slipway/v1/triggers…`, mirrored under `/ajax-api`):
 * create (API triggers), list, get, delete, enable, disable, and each trigger's event
 * history. Deliveries to webhook and push triggers go to `/hooks/<name>` (`hook-route.ts`).
 */
export function triggerRoutes(triggers: TriggerService): MlflowRoute[] {
  return [
    mlflowRoute({
      methods: ['POST'],
      path: '/triggers',
      summary: 'Create an event trigger for a pipeline (webhook, push, data, registry or pipeline)',
      request: Type.Object({
        name: Required(Type.String({ maxLength: 200, description: 'Trigger name (unique).' })),
        pipeline: Required(Type.String({ description: 'The pipeline it starts.' })),
        type: Required(Type.String({ description: 'webhook, push, data, registry or pipeline.' })),
        config: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "The type's settings, with the YAML's keys (branches, paths, path, debounce, model, event, alias, pipeline, status, secret)." })),
        params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Param values (may use ${{ event.… }}).' })),
        secret: Type.Optional(Type.String({ maxLength: 4096, description: 'HMAC key of a webhook or push trigger (stored, never returned).' })),
        enabled: Type.Optional(Bool('Default true.')),
      }),
      handler: async (r) => {
        const trigger = await triggers.createTrigger({
          name: r.name,
          pipeline: r.pipeline,
          type: r.type,
          config: r.config ?? {},
          params: r.params,
          secret: r.secret,
          enabled: r.enabled,
        });
        return { trigger: wireTrigger(trigger) };
      },
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/triggers',
      summary: 'List triggers by name',
      request: Type.Object({ pipeline: Type.Optional(Type.String({ description: 'Only this pipeline’s triggers.' })), ...PageFields }),
      handler: async (r) => {
        const { limit, offset } = paging(r.max_results, r.page_token);
        const page = await triggers.listTriggers({ limit, offset, pipelineName: r.pipeline === '' ? undefined : r.pipeline });
        return withPageToken({ triggers: page.items.map(wireTrigger) }, page.hasMore ? String(offset + limit) : undefined);
      },
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/triggers/:name',
      summary: 'A trigger',
      request: Type.Object({ name: TriggerName }),
      handler: async (r) => ({ trigger: wireTrigger(await triggers.getTrigger(r.name)) }),
    }),
    mlflowRoute({
      methods: ['DELETE'],
      path: '/triggers/:name',
      summary: 'Delete a trigger and its history (a pipeline’s trigger comes back when the pipeline is stored again with it)',
      request: Type.Object({ name: TriggerName }),
      handler: async (r) => {
        await triggers.deleteTrigger(r.name);
        return {};
      },
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/triggers/:name/enable',
      summary: 'Enable a trigger',
      request: Type.Object({ name: TriggerName }),
      handler: async (r) => ({ trigger: wireTrigger(await triggers.setEnabled(r.name, true)) }),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/triggers/:name/disable',
      summary: 'Disable a trigger (its events are recorded as ignored)',
      request: Type.Object({ name: TriggerName }),
      handler: async (r) => ({ trigger: wireTrigger(await triggers.setEnabled(r.name, false)) }),
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/triggers/:name/events',
      summary: "A trigger's event history, newest first: each event and whether it started an execution",
      request: Type.Object({ name: TriggerName, ...PageFields }),
      handler: async (r) => {
        const { limit, offset } = paging(r.max_results, r.page_token);
        const page = await triggers.listEvents(r.name, { limit, offset });
        return withPageToken({ events: page.items.map(wireTriggerEvent) }, page.hasMore ? String(offset + limit) : undefined);
      },
    }),
  ];
}

function paging(maxResults: number | undefined, pageToken: string | undefined): { limit: number; offset: number } {
  if (maxResults !== undefined && (maxResults < 1 || maxResults > 1000)) {
    throw SlipwayError.invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied: it must be between 1 and 1000.`);
  }
  let offset = 0;
  if (pageToken !== undefined && pageToken !== '') {
    if (!/^\d{1,9}$/.test(pageToken)) throw SlipwayError.invalidParameter(`Invalid value for parameter 'page_token' supplied: '${pageToken}'`);
    offset = Number(pageToken);
  }
  return { limit: maxResults ?? 100, offset };
}

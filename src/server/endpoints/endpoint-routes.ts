import { Type, type Static } from '@sinclair/typebox';
import { ENDPOINT_STATUSES } from '../../core/endpoints/endpoint.js';
import type { EndpointService } from '../../core/endpoints/endpoint-service.js';
import { ENDPOINT_LIMITS, type RolloutPolicyInput, type VariantInput } from '../../core/endpoints/read-endpoint-spec.js';
import { Int64, Required } from '../http/proto-schema.js';
import { mlflowRoute, type MlflowRoute } from '../mlflow/mlflow-route.js';
import { withPageToken } from '../mlflow/wire-format.js';
import { wireDeployment, wireEndpoint, wireEndpointEvent } from './endpoint-wire-format.js';

const EndpointName = Required(Type.String({ maxLength: 200, description: 'Endpoint name: 1-63 lowercase letters, digits and dashes.' }));
const PageFields = {
  max_results: Type.Optional(Int64('Page size: 1-1000 (default 100).')),
  page_token: Type.Optional(Type.String({ description: 'The next_page_token of the previous page.' })),
};

const VariantBody = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 200, description: 'Unique in the endpoint (default: the model version, e.g. housing-3).' })),
  model_uri: Required(Type.String({ maxLength: 2_000, description: 'models:/<name>/<version> or models:/<name>@<alias> (an alias is pinned to its version now).' })),
  weight: Type.Optional(Type.Number({ description: 'Share of the live traffic, 0-100; the live weights sum to 100 (one live variant may leave it out and gets the rest).' })),
  shadow: Type.Optional(
    Type.Object(
      { sample_percent: Type.Number({ description: 'Share of requests copied to it, (0, 100].' }) },
      { description: 'Makes it a shadow: it gets copies of requests; its answers are recorded, never returned.' },
    ),
  ),
  runtime: Type.Optional(Type.String({ description: 'auto (default: ONNX when the model compiles, else Python), onnx or python.' })),
});
const Variants = Type.Array(VariantBody, { maxItems: ENDPOINT_LIMITS.variants, description: `The variants (at most ${ENDPOINT_LIMITS.variants}).` });
const Tags = Type.Record(Type.String(), Type.String({ maxLength: ENDPOINT_LIMITS.tagValueLength }), { description: 'Tags: a map of strings.' });
const Description = Type.String({ maxLength: ENDPOINT_LIMITS.descriptionLength });
const RolloutBody = Type.Object(
  {
    strategy: Type.Optional(Type.String({ description: 'blue-green (default) or canary.' })),
    steps: Type.Optional(Type.Array(Type.Number(), { maxItems: ENDPOINT_LIMITS.canarySteps, description: 'Canary traffic shares in %, increasing, ending at 100 (default 10, 50, 100).' })),
    bake_seconds: Type.Optional(Type.Number({ description: 'Seconds each step runs (default 0 for blue-green, 60 for canary).' })),
    max_error_rate: Type.Optional(Type.Number({ description: 'Roll back when the new variants answer more than this fraction with a 5xx.' })),
    max_p99_ms: Type.Optional(Type.Number({ description: "Roll back when the new variants' p99 latency exceeds this." })),
    min_requests: Type.Optional(Type.Number({ description: 'Requests in a step before the thresholds are judged (default 20).' })),
  },
  { description: 'How the new variants take over.' },
);

/**
 * Slipway's endpoints API (`/api/slipway/v1/endpoints…`, mirrored under `/ajax-api`):
 * create, list, get, update (a rollout to new variants, or a new description/tags),
 * delete, roll back a rollout, each endpoint's event history, and which endpoints serve a
 * model version. A malformed request is 400 naming the field; an unknown model, version or
 * alias 404; an update while one is in progress 409 — and none of them writes anything.
 */
export function endpointRoutes(endpoints: EndpointService): MlflowRoute[] {
  return [
    mlflowRoute({
      methods: ['POST'],
      path: '/endpoints',
      summary: 'Create a serving endpoint (Creating until its variants have loaded)',
      request: Type.Object({
        name: EndpointName,
        description: Type.Optional(Description),
        tags: Type.Optional(Tags),
        variants: Variants,
      }),
      handler: async (r, c) => {
        const endpoint = await endpoints.create({ name: r.name, description: r.description, tags: r.tags, variants: r.variants.map(variantInput) }, c.actor);
        return { endpoint: wireEndpoint(endpoint) };
      },
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/endpoints',
      summary: 'List endpoints by name',
      request: Type.Object({ status: Type.Optional(Type.String({ description: `Only endpoints in this status: ${ENDPOINT_STATUSES.join(', ')}.` })), ...PageFields }),
      handler: async (r) => {
        const page = await endpoints.list({ status: r.status, maxResults: r.max_results, pageToken: emptyToUndefined(r.page_token) });
        return withPageToken({ endpoints: page.items.map(wireEndpoint) }, page.nextPageToken);
      },
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/model-versions/deployments',
      summary: 'Where a model version serves now: endpoints and variants, their traffic share and since when',
      request: Type.Object({
        name: Required(Type.String({ description: 'Registered model name.' })),
        version: Required(Type.String({ description: 'Model version.' })),
      }),
      handler: async (r) => ({ deployments: (await endpoints.deploymentsOf(r.name, r.version)).map(wireDeployment) }),
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/endpoints/:name',
      summary: 'An endpoint: status, variants (status, weight, runtime and why) and the rollout',
      request: Type.Object({ name: EndpointName }),
      handler: async (r) => ({ endpoint: wireEndpoint(await endpoints.get(r.name)) }),
    }),
    mlflowRoute({
      methods: ['PATCH'],
      path: '/endpoints/:name',
      summary: 'Update an endpoint: roll out a new variant set (blue-green or canary), or change its description and tags',
      request: Type.Object({
        name: EndpointName,
        description: Type.Optional(Description),
        tags: Type.Optional(Tags),
        variants: Type.Optional(Variants),
        rollout: Type.Optional(RolloutBody),
      }),
      handler: async (r, c) => {
        const endpoint = await endpoints.update(
          r.name,
          { description: r.description, tags: r.tags, variants: r.variants?.map(variantInput), rollout: r.rollout === undefined ? undefined : rolloutInput(r.rollout) },
          c.actor,
        );
        return { endpoint: wireEndpoint(endpoint) };
      },
    }),
    mlflowRoute({
      methods: ['DELETE'],
      path: '/endpoints/:name',
      summary: 'Delete an endpoint: it stops taking requests, drains, and is removed (its events are kept)',
      request: Type.Object({ name: EndpointName }),
      handler: async (r, c) => ({ endpoint: wireEndpoint(await endpoints.delete(r.name, c.actor)) }),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/endpoints/:name/rollback',
      summary: 'Roll back the rollout in progress: the serving variants keep all traffic',
      request: Type.Object({
        name: EndpointName,
        reason: Type.Optional(Type.String({ maxLength: ENDPOINT_LIMITS.reasonLength, description: 'Why (recorded in the event and the rollout).' })),
      }),
      handler: async (r, c) => ({ endpoint: wireEndpoint(await endpoints.rollback(r.name, c.actor, r.reason)) }),
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/endpoints/:name/events',
      summary: "An endpoint's events, oldest first",
      request: Type.Object({
        name: EndpointName,
        endpoint_id: Type.Optional(Type.String({ description: 'An earlier incarnation of the name (a deleted endpoint), by its endpoint_id.' })),
        ...PageFields,
      }),
      handler: async (r) => {
        const page = await endpoints.events(r.name, { endpointId: emptyToUndefined(r.endpoint_id), maxResults: r.max_results, pageToken: emptyToUndefined(r.page_token) });
        return withPageToken({ events: page.items.map(wireEndpointEvent) }, page.nextPageToken);
      },
    }),
  ];
}

function variantInput(v: Static<typeof VariantBody>): VariantInput {
  return {
    name: v.name,
    modelUri: v.model_uri,
    weight: v.weight,
    shadow: v.shadow === undefined ? undefined : { samplePercent: v.shadow.sample_percent },
    runtime: v.runtime,
  };
}

function rolloutInput(r: Static<typeof RolloutBody>): RolloutPolicyInput {
  return {
    strategy: r.strategy,
    steps: r.steps,
    bakeSeconds: r.bake_seconds,
    maxErrorRate: r.max_error_rate,
    maxP99Ms: r.max_p99_ms,
    minRequests: r.min_requests,
  };
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

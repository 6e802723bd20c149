import { Readable } from 'node:stream';
import type { Static, TObject } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requestActor } from '../http/request-actor.js';
import type { Wire } from './wire-format.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** MLflow serves every REST path under both prefixes; the web UI uses the `ajax-api` copy. */
export const MLFLOW_PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'] as const;

/**
 * One endpoint of MLflow's REST API: where it lives, the request message's schema (read
 * from the query string for GET and from the JSON body otherwise, merged with path
 * parameters), and a handler from the decoded request to the response message.
 */
export interface MlflowRoute<S extends TObject = TObject> {
  readonly methods: readonly HttpMethod[];
  /** Path below the prefix, e.g. `/runs/log-batch` or `/logged-models/:model_id`. */
  readonly path: string;
  readonly summary: string;
  readonly request: S;
  /** Returns the response message, or a stream of its JSON text for long responses. */
  readonly handler: (input: Static<S>, context: RouteContext) => Promise<Wire | Readable>;
}

/** What a handler knows about the request besides its message. */
export interface RouteContext {
  /** Who the request says it comes from (for the audit trail). */
  readonly actor: string;
}

/** Defines a route with the handler's input typed from the schema. */
export function mlflowRoute<S extends TObject>(route: MlflowRoute<S>): MlflowRoute {
  return route as unknown as MlflowRoute;
}

/** Registers routes under both MLflow prefixes; only the `/api` copy appears in the OpenAPI document. */
export function registerMlflowRoutes(
  app: FastifyInstance,
  tag: string,
  routes: readonly MlflowRoute[],
  prefixes: readonly string[] = MLFLOW_PREFIXES,
): void {
  for (const route of routes) {
    const pathParams = [...route.path.matchAll(/:([a-z_]+)/g)].map((m) => m[1]!);
    // One schema object for both prefixes, so its validator is compiled once.
    const request = withoutPathParams(route.request, pathParams);
    for (const prefix of prefixes) {
      for (const method of route.methods) {
        const part = method === 'GET' ? 'querystring' : 'body';
        app.route({
          method,
          url: `${prefix}${route.path}`,
          schema: {
            summary: route.summary,
            tags: [tag],
            hide: prefix.startsWith('/ajax-api'),
            [part]: request,
          },
          handler: async (request: FastifyRequest, reply: FastifyReply) => {
            const input = {
              ...((method === 'GET' ? request.query : request.body) as object),
              ...(request.params as object),
            };
            const result = await route.handler(input, { actor: requestActor(request) });
            return result instanceof Readable ? reply.type('application/json').send(result) : result;
          },
        });
      }
    }
  }
}

/** Path parameters come from the URL, so the body or query need not carry them. */
function withoutPathParams(schema: TObject, pathParams: readonly string[]): TObject {
  if (pathParams.length === 0 || schema.required === undefined) return schema;
  return { ...schema, required: schema.required.filter((r) => !pathParams.includes(r)) };
}

import type { FastifyInstance } from 'fastify';
import type { EndpointServing } from '../../serving/endpoints/endpoint-serving.js';
import { registerScoringRoutes, requestIdOf } from '../../serving/scoring-routes.js';

/** The header a client sends to be routed stably (same key, same variant). */
export const ROUTING_KEY_HEADER = 'x-slipway-routing-key';
/** The header naming the variant that answered. */
export const VARIANT_HEADER = 'x-slipway-variant';

/**
 * The endpoints' data plane on the main server, in a scope of its own (JSON and CSV bodies
 * up to the serving body limit, the scoring error envelope):
 * - MLflow's scoring protocol per endpoint: `POST /endpoints/<name>/invocations`,
 *   `GET /endpoints/<name>/ping|health|version`;
 * - OIP v2 with the endpoint as the model: `/v2/models/<name>[/versions/<v>]`, `…/ready`,
 *   `…/infer` (`<v>` pins a variant by name or model version), `/v2/health/live|ready`;
 * - Prometheus `GET /metrics`.
 * Scoring calls go through admission control (503 + Retry-After) and the request timeout
 * (504); each answer is counted in the live stats and metrics of the variant that gave it.
 */
export async function registerEndpointServingRoutes(app: FastifyInstance, serving: EndpointServing): Promise<void> {
  const { host, metrics, stats } = serving;
  await app.register((scope, _options, done) => {
    registerScoringRoutes(scope, {
      mlflowPrefix: '/endpoints/:name',
      version: serving.options.version,
      bodyLimit: serving.options.bodyLimit,
      requestTimeoutMs: serving.requestTimeoutMs,
      admission: serving.admission,
      resolve: (request, reply, ref, purpose) => {
        const key = request.headers[ROUTING_KEY_HEADER];
        const target = host.route(ref.name ?? '', ref.version, typeof key === 'string' ? key : undefined, (release) => {
          if (purpose === 'describe') release();
          else reply.raw.once('close', release);
        });
        const route = host.routeOf(target);
        if (route !== undefined) reply.header(VARIANT_HEADER, route.variant);
        return target;
      },
      onScored: (request, reply, target, input, prediction) => host.mirror(target, input, prediction, requestIdOf(request), reply.elapsedTime),
      onAnswered: (_request, reply, target) => {
        const route = target === undefined ? undefined : host.routeOf(target);
        const status = reply.statusCode;
        if (status === 504) metrics.rejected.inc({ reason: 'timeout' });
        metrics.observe(route?.endpoint ?? '-', route?.variant ?? '-', status, reply.elapsedTime / 1000);
        if (route !== undefined) stats.record({ endpoint: route.endpoint, variant: route.variant, role: route.role, status, latencyMs: reply.elapsedTime, step: route.step });
      },
    });
    done();
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const { contentType, body } = await metrics.expose();
    return reply.type(contentType).send(body);
  });
}

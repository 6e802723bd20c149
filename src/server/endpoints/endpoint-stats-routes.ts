import type { FastifyInstance } from 'fastify';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { EndpointServing } from '../../serving/endpoints/endpoint-serving.js';
import type { WindowStats } from '../../serving/endpoints/variant-stats.js';
import { SLIPWAY_PREFIXES } from '../registry/slipway-registry-routes.js';

const WINDOW_MS = 60_000;

/**
 * `GET /api/slipway/v1/endpoints/<name>/stats`: what this server measured over the last
 * minute, per variant (live request rate, error rate, p50/p99 latency), the traffic shares
 * it routes by, and the shadow counts (mirrored, failed, outputs that differ) since it
 * started. For the UI; numbers are this process's own.
 */
export function registerEndpointStatsRoutes(app: FastifyInstance, serving: EndpointServing): void {
  for (const prefix of SLIPWAY_PREFIXES) {
    app.get(`${prefix}/endpoints/:name/stats`, { schema: { hide: true } }, (request) => {
      const { name } = request.params as { name: string };
      const endpoint = serving.host.endpoint(name);
      if (endpoint === undefined) throw SlipwayError.notFound(`Endpoint '${name}' does not exist.`);
      const rollout = endpoint.rollout;
      const known = [
        ...endpoint.variants.map((variant) => ({ role: 'serving' as const, variant: variant.name })),
        ...(rollout !== undefined && (rollout.phase === 'Warming' || rollout.phase === 'Baking') ? rollout.target.map((variant) => ({ role: 'candidate' as const, variant: variant.name })) : []),
      ];
      const seen = new Set(known.map((entry) => `${entry.role}:${entry.variant}`));
      for (const entry of serving.stats.variantsOf(name)) if (!seen.has(`${entry.role}:${entry.variant}`)) known.push(entry);
      return {
        endpoint: name,
        status: endpoint.status,
        window_seconds: WINDOW_MS / 1000,
        traffic: serving.host.shares(name).map((share) => ({ variant: share.variant, candidate: share.candidate, percent: share.percent })),
        variants: known.map((entry) => ({ variant: entry.variant, candidate: entry.role === 'candidate', ...wire(serving.stats.window(name, entry.role, entry.variant, WINDOW_MS)) })),
        shadow: serving.shadows.counts(name).map((counts) => ({ variant: counts.variant, requests: counts.requests, errors: counts.errors, mismatches: counts.mismatches })),
      };
    });
  }
}

function wire(stats: WindowStats): Record<string, number | null> {
  return {
    requests: stats.requests,
    errors: stats.errors,
    error_rate: stats.errorRate,
    requests_per_second: stats.ratePerSecond,
    p50_ms: stats.p50Ms ?? null,
    p99_ms: stats.p99Ms ?? null,
  };
}

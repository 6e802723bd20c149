import type { FastifyRequest } from 'fastify';
import { ANONYMOUS_ACTOR } from '../../core/entities/registry-change.js';

/** The header a client names its user with (the CLI sends it; see `slipway --actor`). */
export const ACTOR_HEADER = 'x-slipway-actor';

/**
 * Who is making a request, for the audit trail: the `X-Slipway-Actor` header, else the
 * user name of HTTP Basic credentials (what `MLFLOW_TRACKING_USERNAME` makes the MLflow
 * client send), else `anonymous`. Slipway does not authenticate: this records who a
 * client says it is.
 */
export function requestActor(request: FastifyRequest): string {
  const header = request.headers[ACTOR_HEADER];
  const named = (Array.isArray(header) ? header[0] : header)?.trim();
  if (named) return named.slice(0, 256);
  const auth = request.headers.authorization;
  if (auth?.startsWith('Basic ')) {
    const user = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':', 1)[0]?.trim();
    if (user) return user.slice(0, 256);
  }
  return ANONYMOUS_ACTOR;
}

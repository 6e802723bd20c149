import type { FastifyInstance } from 'fastify';
import type { TriggerService } from '../../triggers/trigger-service.js';
import { wireTriggerEvent } from './trigger-wire-format.js';

/** Where webhook and push triggers take deliveries (`/hooks/<trigger>`). */
export const HOOKS_PATH = '/api/slipway/v1/hooks/:name';

/**
 * `POST /api/slipway/v1/hooks/<trigger>`: in its own plugin scope, whose only content-type
 * parser keeps the raw bytes (any content type), because the HMAC signature is over the
 * exact body. The handler checks the signature before anything else (401 with nothing
 * started), then answers 200 for a GitHub ping, 400 for a malformed payload, and 202 with
 * the outcome and the execution id otherwise.
 */
export async function registerHookRoute(app: FastifyInstance, triggers: TriggerService, bodyLimit: number): Promise<void> {
  await app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
    scope.post(
      HOOKS_PATH,
      { schema: { summary: 'Deliver an event to a webhook or push trigger (HMAC-SHA256 signed: X-Hub-Signature-256 or X-Slipway-Signature-256)', tags: ['slipway-triggers'] } },
      async (request, reply) => {
        const { name } = request.params as { name: string };
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const headers: Record<string, string | undefined> = {};
        for (const [key, value] of Object.entries(request.headers)) headers[key] = Array.isArray(value) ? value[0] : value;
        const result = await triggers.handleHook(name, { headers, body });
        const event = result.event === undefined ? {} : wireTriggerEvent(result.event);
        return reply.status(result.status).send({
          ...event,
          ...(result.duplicate === true ? { outcome: 'ignored', reason: 'duplicate delivery (already handled)' } : {}),
        });
      },
    );
    done();
  });
}

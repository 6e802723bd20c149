import type { FastifyInstance } from 'fastify';
import { SlipwayError } from '../../core/errors/slipway-error.js';

/**
 * JSON bodies as MLflow's server reads them: an empty body is `{}`, and a body that is a
 * JSON string holding JSON (old clients double-encode) is decoded twice. Prototype
 * poisoning keys are refused, as with Fastify's own parser.
 */
export function registerJsonBodyParser(app: FastifyInstance, bodyLimit: number): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, {});
      return;
    }
    parse(request, text, (err: Error | null, value: unknown) => {
      if (err !== null) {
        done(SlipwayError.badRequest(`Malformed JSON in request body: ${err.message}`), undefined);
        return;
      }
      if (typeof value === 'string') {
        parse(request, value, (err2: Error | null, inner: unknown) => {
          done(err2 === null ? null : SlipwayError.badRequest('Malformed JSON in request body.'), err2 === null ? inner : undefined);
        });
        return;
      }
      done(null, value);
    });
  });
}

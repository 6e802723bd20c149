import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { SlipwayError } from '../../core/errors/slipway-error.js';

/**
 * JSON bodies as MLflow's server reads them: an empty body is `{}`, and a body that is a
 * JSON string holding JSON (old clients double-encode) is decoded twice. `__proto__` and
 * `constructor.prototype` keys are refused (prototype poisoning). Other content types are
 * not parsed at all (415), except where a scope registers its own parser (artifact uploads).
 */
export function registerJsonBodyParser(app: FastifyInstance, bodyLimit: number): void {
  // Only JSON is a request message; anything else is refused with 415 before a handler runs.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(typeof body === 'string' ? body : body.toString('utf8')));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
}

/** Parses one request body; throws BAD_REQUEST naming the problem. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return {};
  const value = parseStrict(text);
  return typeof value === 'string' && /^\s*[[{]/.test(value) ? parseStrict(value) : value;
}

function parseStrict(text: string): unknown {
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (e) {
    throw SlipwayError.badRequest(`Malformed JSON in request body: ${e instanceof Error ? e.message : String(e)}`);
  }
}

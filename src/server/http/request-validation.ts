import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import { addProtoJsonKeywords } from './proto-json-keywords.js';

/**
 * Request validation. Query strings are all text, so their validator coerces (a single
 * value becomes a one-element array for repeated fields); bodies are JSON and are taken
 * as typed — a string where a string is due, a number where a number is due — except for
 * the proto-JSON conversions MLflow's own server makes.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const base = { allErrors: false, verbose: true, strict: true, allowUnionTypes: true, useDefaults: true } as const;
  const queryAjv = new Ajv({ ...base, coerceTypes: 'array' });
  const bodyAjv = new Ajv({ ...base, coerceTypes: false });
  for (const ajv of [queryAjv, bodyAjv]) {
    addProtoJsonKeywords(ajv);
    // TypeBox marks its schemas with these annotation keywords.
    ajv.addKeyword({ keyword: 'kind', schemaType: 'string' });
    ajv.addKeyword({ keyword: 'modifier', schemaType: 'string' });
  }
  // Routes mirrored under /api and /ajax-api share schema objects: compile each once.
  const compiled = { query: new WeakMap<object, ValidateFunction>(), body: new WeakMap<object, ValidateFunction>() };
  return ({ schema, httpPart }) => {
    const isQuery = httpPart === 'querystring' || httpPart === 'params';
    const cache = isQuery ? compiled.query : compiled.body;
    let validate = cache.get(schema as object);
    if (validate === undefined) {
      validate = (isQuery ? queryAjv : bodyAjv).compile(schema as object);
      cache.set(schema as object, validate);
    }
    const run = validate;
    return (data: unknown) => {
      const validate = run;
      if (validate(data)) return { value: data };
      return { error: Object.assign(new Error(describeValidationError(validate.errors?.[0])), { validationFailed: true }) };
    };
  };
}

/**
 * One sentence naming the field, in MLflow's wording where MLflow has one:
 * "Missing value for required parameter 'run_id'." or
 * "Invalid value "abc" for parameter 'metrics[2].value' supplied: must be a number."
 */
export function describeValidationError(error: ErrorObject | undefined): string {
  if (error === undefined) return 'Invalid request.';
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return `Missing value for required parameter '${fieldName(error.instancePath, missing)}'.`;
  }
  const field = fieldName(error.instancePath);
  if (error.keyword === 'minLength' && (error.params as { limit: number }).limit === 1) {
    return `Missing value for required parameter '${field}'.`;
  }
  const shown = showValue(error.data);
  if (error.keyword === 'type') {
    return `Invalid value ${shown} for parameter '${field}' supplied: must be of type ${String((error.params as { type: unknown }).type).replace(',', ' or ')}.`;
  }
  return `Invalid value ${shown} for parameter '${field}' supplied: ${error.message ?? 'invalid'}.`;
}

/** `/metrics/2/value` → `metrics[2].value`. */
function fieldName(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').filter((p) => p !== '');
  if (child !== undefined) parts.push(child);
  let out = '';
  for (const p of parts) {
    const decoded = p.replaceAll('~1', '/').replaceAll('~0', '~');
    out += /^[0-9]+$/.test(decoded) ? `[${decoded}]` : out === '' ? decoded : `.${decoded}`;
  }
  return out === '' ? 'request body' : out;
}

function showValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

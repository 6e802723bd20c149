import type { Ajv, ErrorObject, SchemaValidateFunction } from 'ajv';

type DataValidationCxt = Parameters<SchemaValidateFunction>[3];

/**
 * Ajv keywords that decode proto-JSON the way MLflow's server does, converting values in
 * place while validating:
 * - `x-int64`: a JSON integer or a string of digits (int64 travels as either) → number;
 * - `x-double`: a number, a numeric string, or `"NaN"` / `"Infinity"` / `"-Infinity"` → number;
 * - `x-enum`: `{ names, first }` — an enum by name, or by its proto number → the name;
 * - `x-bool`: a boolean, or `"true"`/`"false"` in any case (query strings) → boolean;
 * - `x-id`: an id sent as a string or a number (old clients send numbers) → string.
 * The schema's `type` lists the JSON types each accepts, so OpenAPI shows them too.
 * @module
 */

type Converter = (value: unknown, schema: unknown) => { ok: true; value: unknown } | { ok: false; expected: string };

const CONVERTERS: Readonly<Record<string, Converter>> = {
  'x-int64': (v) => {
    if (typeof v === 'number' && Number.isSafeInteger(v)) return { ok: true, value: v };
    if (typeof v === 'string' && /^-?[0-9]{1,16}$/.test(v.trim())) return { ok: true, value: Number(v.trim()) };
    return { ok: false, expected: 'an integer' };
  },
  'x-double': (v) => {
    if (typeof v === 'number') return { ok: true, value: v };
    if (typeof v === 'string') {
      const s = v.trim();
      if (s === 'NaN') return { ok: true, value: Number.NaN };
      if (s === 'Infinity' || s === 'inf') return { ok: true, value: Number.POSITIVE_INFINITY };
      if (s === '-Infinity' || s === '-inf') return { ok: true, value: Number.NEGATIVE_INFINITY };
      if (s !== '' && Number.isFinite(Number(s))) return { ok: true, value: Number(s) };
    }
    return { ok: false, expected: 'a number' };
  },
  'x-enum': (v, schema) => {
    const { names, first } = schema as { names: readonly string[]; first: number };
    if (typeof v === 'string' && names.includes(v)) return { ok: true, value: v };
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : Number.NaN;
    const name = Number.isInteger(n) ? names[n - first] : undefined;
    if (name !== undefined) return { ok: true, value: name };
    return { ok: false, expected: `one of ${names.join(', ')}` };
  },
  'x-bool': (v) => {
    if (typeof v === 'boolean') return { ok: true, value: v };
    if (typeof v === 'string' && /^(true|false)$/i.test(v)) return { ok: true, value: v.toLowerCase() === 'true' };
    return { ok: false, expected: 'a boolean' };
  },
  'x-id': (v) => {
    if (typeof v === 'string') return { ok: true, value: v };
    if (typeof v === 'number' && Number.isSafeInteger(v)) return { ok: true, value: String(v) };
    return { ok: false, expected: 'a string' };
  },
};

/** Registers the proto-JSON keywords on an Ajv instance. */
export function addProtoJsonKeywords(ajv: Ajv): void {
  for (const [keyword, convert] of Object.entries(CONVERTERS)) {
    ajv.addKeyword({
      keyword,
      modifying: true,
      errors: true,
      validate: function validate(
        this: unknown,
        schema: unknown,
        data: unknown,
        _parentSchema?: unknown,
        cxt?: DataValidationCxt,
      ): boolean {
        const result = convert(data, schema);
        const self = validate as { errors?: Partial<ErrorObject>[] };
        if (!result.ok) {
          self.errors = [{ keyword, message: `must be ${result.expected}`, params: { expected: result.expected } }];
          return false;
        }
        if (cxt !== undefined && cxt.parentData !== undefined) {
          (cxt.parentData as Record<string | number, unknown>)[cxt.parentDataProperty] = result.value;
        }
        return true;
      },
    });
  }
}

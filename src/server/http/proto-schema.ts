import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox';

/**
 * Schema builders for MLflow's proto-JSON request fields. Each pairs the JSON types a
 * field may arrive as with the keyword that decodes it (see `proto-json-keywords.ts`),
 * and types the field as what handlers see after decoding.
 * @module
 */

/** int64: a JSON integer or a string of digits. */
export function Int64(description?: string): TUnsafe<number> {
  return Type.Unsafe<number>({ type: ['integer', 'string'], 'x-int64': true, ...(description ? { description } : {}) });
}

/** double: a number, a numeric string, `NaN`, `Infinity` or `-Infinity`. */
export function Double(description?: string): TUnsafe<number> {
  return Type.Unsafe<number>({ type: ['number', 'string'], 'x-double': true, ...(description ? { description } : {}) });
}

/** bool: a JSON boolean or `true`/`false` in any case. */
export function Bool(description?: string): TUnsafe<boolean> {
  return Type.Unsafe<boolean>({ type: ['boolean', 'string'], 'x-bool': true, ...(description ? { description } : {}) });
}

/** A proto enum, by name or number; `first` is the number of `names[0]`. */
export function ProtoEnum<const T extends readonly string[]>(names: T, first = 1): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({
    type: ['string', 'integer'],
    'x-enum': { names, first },
    description: `One of ${names.map((n, i) => `${n} (${first + i})`).join(', ')}.`,
  });
}

/** An id that old clients send as a number (`experiment_id`). */
export function Id(description?: string): TUnsafe<string> {
  return Type.Unsafe<string>({ type: ['string', 'integer'], 'x-id': true, ...(description ? { description } : {}) });
}

/** A field MLflow marks required: present and not empty. */
export function Required<S extends TSchema>(schema: S): S {
  return { ...schema, minLength: 1 };
}

/** `{key, value}` as runs, experiments and models use for tags and params; a missing value is "". */
export const KeyValue = Type.Object({
  key: Type.String({ minLength: 1 }),
  value: Type.Optional(Type.String()),
});

/** A repeated field that may arrive once (a query string's single value) or many times. */
export function Repeated<S extends TSchema>(item: S, options: { maxItems?: number } = {}) {
  return Type.Array(item, options);
}

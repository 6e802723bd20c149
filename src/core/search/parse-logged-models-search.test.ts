import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors/error-code.js';
import { isSlipwayError } from '../errors/slipway-error.js';
import type { Comparison, OrderByTerm } from './search-ast.js';
import {
  parseLoggedModelsFilter,
  parseLoggedModelsOrderBy,
  type LoggedModelOrderByInput,
} from './parse-logged-models-search.js';

/** The message of the INVALID_PARAMETER_VALUE error `fn` throws (fails the test otherwise). */
function rejection(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (!isSlipwayError(e)) throw e;
    expect(e.code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
    return e.message;
  }
  throw new Error('expected a rejection');
}

const str = (value: string) => ({ kind: 'string', value }) as const;
const num = (value: number) => ({ kind: 'number', value }) as const;

describe('parseLoggedModelsFilter', () => {
  it.each<[string, Comparison[]]>([
    // What the client sends to resolve `runs:/<id>/model` (reference §3.4).
    ["name = 'model'", [{ type: 'attribute', key: 'name', comparator: '=', value: str('model') }]],
    ["source_run_id = 'abc' AND name = 'model'", [
      { type: 'attribute', key: 'source_run_id', comparator: '=', value: str('abc') },
      { type: 'attribute', key: 'name', comparator: '=', value: str('model') },
    ]],
    ['metrics.loss > 0.1 AND params.lr = "0.01"', [
      { type: 'metric', key: 'loss', comparator: '>', value: num(0.1) },
      { type: 'param', key: 'lr', comparator: '=', value: str('0.01') },
    ]],
    ["tags.`mlflow.source.git.commit` LIKE 'abc%'", [
      { type: 'tag', key: 'mlflow.source.git.commit', comparator: 'LIKE', value: str('abc%') },
    ]],
    ['metrics.`f1 score` >= 0.5', [{ type: 'metric', key: 'f1 score', comparator: '>=', value: num(0.5) }]],
    ['metrics."f1 score" != 1', [{ type: 'metric', key: 'f1 score', comparator: '!=', value: num(1) }]],
    ["attributes.model_type ILIKE 'sk%'", [{ type: 'attribute', key: 'model_type', comparator: 'ILIKE', value: str('sk%') }]],
    ["model_id IN ('m-1', 'm-2')", [{ type: 'attribute', key: 'model_id', comparator: 'IN', value: { kind: 'list', values: ['m-1', 'm-2'] } }]],
    ["status NOT IN ('FAILED')", [{ type: 'attribute', key: 'status', comparator: 'NOT IN', value: { kind: 'list', values: ['FAILED'] } }]],
    ["params.model IN ('a')", [{ type: 'param', key: 'model', comparator: 'IN', value: { kind: 'list', values: ['a'] } }]],
    // Timestamp aliases resolve to the entity's field names.
    ['creation_time > 1700000000000', [{ type: 'attribute', key: 'creation_timestamp', comparator: '>', value: num(1700000000000) }]],
    ['creation_timestamp <= 5', [{ type: 'attribute', key: 'creation_timestamp', comparator: '<=', value: num(5) }]],
    ['last_updated_timestamp != 5', [{ type: 'attribute', key: 'last_updated_timestamp', comparator: '!=', value: num(5) }]],
    ['last_updated_time = 5', [{ type: 'attribute', key: 'last_updated_timestamp', comparator: '=', value: num(5) }]],
    ['attributes.creation_timestamp > 5', [{ type: 'attribute', key: 'creation_timestamp', comparator: '>', value: num(5) }]],
  ])('%s', (filter, expected) => {
    expect(parseLoggedModelsFilter(filter)).toEqual(expected);
  });

  it('treats an absent or blank filter as no filter', () => {
    expect(parseLoggedModelsFilter(undefined)).toEqual([]);
    expect(parseLoggedModelsFilter('')).toEqual([]);
  });

  const ENTITY = "Expected one of ['attributes', 'metrics', 'params', 'tags'].";
  const NUMERIC = "('<', '<=', '>', '>=', '=', '!=')";
  const STRING = "('=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN')";

  it.each([
    ['metric.acc > 1', `Invalid entity type: 'metric'. ${ENTITY}`],
    ["param.a = 'x'", `Invalid entity type: 'param'. ${ENTITY}`],
    ["tag.a = 'x'", `Invalid entity type: 'tag'. ${ENTITY}`],
    ["attribute.name = 'x'", `Invalid entity type: 'attribute'. ${ENTITY}`],
    ["datasets.name = 'x'", `Invalid entity type: 'datasets'. ${ENTITY}`],
    ['`metrics`.acc > 1', `Invalid entity type: '\`metrics\`'. ${ENTITY}`],
    ['metrics.acc LIKE 1', `Invalid comparison operator for metrics.acc: 'LIKE'. Expected one of ${NUMERIC}.`],
    ['creation_time IN (1)', `Invalid comparison operator for attributes.creation_time: 'IN'. Expected one of ${NUMERIC}.`],
    ["params.a > 'x'", `Invalid comparison operator for params.a: '>'. Expected one of ${STRING}.`],
    ["tags.a IS NULL", `Invalid comparison operator for tags.a: 'IS NULL'. Expected one of ${STRING}.`],
    ["name < 'x'", `Invalid comparison operator for attributes.name: '<'. Expected one of ${STRING}.`],
    ["metrics.acc > '1'", "Expected numeric value type for metric. Found '1'"],
    ['name = model', 'Parameter value is either not quoted or unidentified quote types used for string value model. Use either single or double quotes.'],
    ["foo = 'x'", "Invalid attribute key 'foo' specified. Valid keys are '{'name', 'model_id', 'model_type', 'status', 'source_run_id', 'creation_timestamp', 'creation_time', 'last_updated_timestamp', 'last_updated_time'}'"],
    [
      "metrics.loss > 0.1 OR params.lr = '0.01'",
      `Invalid filter string: "metrics.loss > 0.1 OR params.lr = '0.01'". Expected a list of comparisons separated by 'AND' (e.g. 'metrics.loss > 0.1 AND params.lr = 0.01').`,
    ],
    ["name = 'a'; name = 'b'", `Invalid filter string: "name = 'a'; name = 'b'". Expected a single SQL expression.`],
    ["run_id IN ()", "Invalid attribute key 'run_id' specified. Valid keys are '{'name', 'model_id', 'model_type', 'status', 'source_run_id', 'creation_timestamp', 'creation_time', 'last_updated_timestamp', 'last_updated_time'}'"],
    ["model_id IN ()", 'While parsing a list in the query, expected a non-empty list of string values, but got empty list'],
  ])('rejects %s', (filter, message) => {
    expect(rejection(() => parseLoggedModelsFilter(filter))).toBe(message);
  });
});

describe('parseLoggedModelsOrderBy', () => {
  it.each<[LoggedModelOrderByInput, OrderByTerm]>([
    [{ fieldName: 'creation_timestamp' }, { type: 'attribute', key: 'creation_timestamp', ascending: true }],
    [{ fieldName: 'creation_time', ascending: false }, { type: 'attribute', key: 'creation_timestamp', ascending: false }],
    [{ fieldName: 'last_updated_timestamp', ascending: true }, { type: 'attribute', key: 'last_updated_timestamp', ascending: true }],
    [{ fieldName: 'name' }, { type: 'attribute', key: 'name', ascending: true }],
    [{ fieldName: ' model_id ' }, { type: 'attribute', key: 'model_id', ascending: true }],
    [{ fieldName: 'metrics.accuracy', ascending: false }, { type: 'metric', key: 'accuracy', ascending: false }],
    [
      { fieldName: 'metrics.accuracy', datasetName: 'eval', datasetDigest: 'abc' },
      { type: 'metric', key: 'accuracy', ascending: true, datasetName: 'eval', datasetDigest: 'abc' },
    ],
    [
      { fieldName: 'metrics.f1 score', datasetName: 'eval' },
      { type: 'metric', key: 'f1 score', ascending: true, datasetName: 'eval' },
    ],
    // A dataset only qualifies metrics; on an attribute MLflow ignores it.
    [{ fieldName: 'name', datasetName: 'eval' }, { type: 'attribute', key: 'name', ascending: true }],
  ])('%j', (input, expected) => {
    expect(parseLoggedModelsOrderBy([input])).toEqual([expected]);
  });

  it.each<[LoggedModelOrderByInput, string]>([
    [{ fieldName: '' }, '`field_name` in the `order_by` clause must be specified.'],
    [{ fieldName: 'params.lr' }, 'Invalid order by field name: params, only `metrics.<name>` is allowed.'],
    [{ fieldName: 'tags.a' }, 'Invalid order by field name: tags, only `metrics.<name>` is allowed.'],
    [{ fieldName: 'metrics.' }, 'Invalid order by field name: metrics..'],
    [{ fieldName: 'experiment_id' }, 'Invalid order by field name: experiment_id.'],
    [{ fieldName: 'name', datasetDigest: 'abc' }, '`dataset_digest` can only be specified if `dataset_name` is also specified.'],
    [
      { fieldName: 'name', ascending: 'yes' as unknown as boolean },
      'Value of `ascending` in the `order_by` clause must be a boolean, got string for field name.',
    ],
  ])('rejects %j', (input, message) => {
    expect(rejection(() => parseLoggedModelsOrderBy([input]))).toBe(message);
  });

  it('treats a missing field name as unspecified', () => {
    const input = {} as unknown as LoggedModelOrderByInput;
    expect(rejection(() => parseLoggedModelsOrderBy([input]))).toBe(
      '`field_name` in the `order_by` clause must be specified.',
    );
  });
});

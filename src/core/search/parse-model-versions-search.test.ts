import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors/error-code.js';
import { isSlipwayError } from '../errors/slipway-error.js';
import type { Comparison, OrderByTerm } from './search-ast.js';
import { parseModelVersionsFilter, parseModelVersionsOrderBy } from './parse-model-versions-search.js';

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

describe('parseModelVersionsFilter', () => {
  it.each<[string, Comparison[]]>([
    ["name = 'model'", [{ type: 'attribute', key: 'name', comparator: '=', value: str('model') }]],
    ["name='model' AND version_number > 2", [
      { type: 'attribute', key: 'name', comparator: '=', value: str('model') },
      { type: 'attribute', key: 'version_number', comparator: '>', value: num(2) },
    ]],
    ["run_id = '0123abcd'", [{ type: 'attribute', key: 'run_id', comparator: '=', value: str('0123abcd') }]],
    ["run_id IN ('a', 'b')", [{ type: 'attribute', key: 'run_id', comparator: 'IN', value: { kind: 'list', values: ['a', 'b'] } }]],
    ["source_path LIKE 'models:/%'", [{ type: 'attribute', key: 'source_path', comparator: 'LIKE', value: str('models:/%') }]],
    ["attribute.name ILIKE 'M%'", [{ type: 'attribute', key: 'name', comparator: 'ILIKE', value: str('M%') }]],
    ["tags.`mlflow.prompt.text` != ''", [{ type: 'tag', key: 'mlflow.prompt.text', comparator: '!=', value: str('') }]],
    ['version_number = 3', [{ type: 'attribute', key: 'version_number', comparator: '=', value: num(3) }]],
  ])('%s', (filter, expected) => {
    expect(parseModelVersionsFilter(filter)).toEqual(expected);
  });

  it.each([
    ["datasets.name = 'x'", "Invalid entity type 'datasets'. Valid entity types are ('attribute', 'tag', 'tags')"],
    ["source = 'x'", "Invalid attribute key 'source' specified. Valid keys are '{'name', 'run_id', 'source_path', 'version_number'}'"],
    ["run_id NOT IN ('a')", 'Invalid comparator for attribute: NOT IN'],
    ["name IN ('a')", "Only the 'run_id' attribute supports comparison with a list of quoted string values."],
    ['version_number LIKE 3', 'Invalid comparator for attribute version_number: LIKE'],
    ["version_number = '3'", "Expected numeric value type for numeric attribute: version_number. Found '3'"],
    ["tags.a > 'x'", 'Invalid comparator for tag: >'],
    ['run_id = 1', 'Expected a quoted string value or a list of quoted string values for attributes. Got value 1'],
  ])('rejects %s', (filter, message) => {
    expect(rejection(() => parseModelVersionsFilter(filter))).toBe(message);
  });
});

describe('parseModelVersionsOrderBy', () => {
  it('parses MLflow’s default ordering', () => {
    expect(parseModelVersionsOrderBy(['last_updated_timestamp DESC', 'name ASC', 'version_number DESC'])).toEqual<
      OrderByTerm[]
    >([
      { type: 'attribute', key: 'last_updated_timestamp', ascending: false },
      { type: 'attribute', key: 'name', ascending: true },
      { type: 'attribute', key: 'version_number', ascending: false },
    ]);
  });

  it('accepts creation_timestamp', () => {
    expect(parseModelVersionsOrderBy(['creation_timestamp'])).toEqual([
      { type: 'attribute', key: 'creation_timestamp', ascending: true },
    ]);
  });

  it.each([
    [
      'run_id',
      "Invalid order by key 'run_id' specified. Valid keys are {'name', 'version_number', 'creation_timestamp', 'last_updated_timestamp'}",
    ],
    ['tags.a DESC', 'Invalid order_by entity: tag'],
    ['name sideways', "Invalid ordering key in order_by clause 'name sideways'."],
  ])('rejects %j', (clause, message) => {
    expect(rejection(() => parseModelVersionsOrderBy([clause]))).toBe(message);
  });
});

import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors/error-code.js';
import { isSlipwayError } from '../errors/slipway-error.js';
import type { Comparison, OrderByTerm } from './search-ast.js';
import { parseRegisteredModelsFilter, parseRegisteredModelsOrderBy } from './parse-registered-models-search.js';

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

describe('parseRegisteredModelsFilter', () => {
  it.each<[string, Comparison[]]>([
    ["name = 'model'", [{ type: 'attribute', key: 'name', comparator: '=', value: str('model') }]],
    ["name ILIKE '%fraud%'", [{ type: 'attribute', key: 'name', comparator: 'ILIKE', value: str('%fraud%') }]],
    ["attribute.name != 'x'", [{ type: 'attribute', key: 'name', comparator: '!=', value: str('x') }]],
    ["tags.stage LIKE 'prod%'", [{ type: 'tag', key: 'stage', comparator: 'LIKE', value: str('prod%') }]],
    // What MlflowClient.search_registered_models always appends (§5.2): an ordinary tag clause.
    ["tag.`mlflow.prompt.is_prompt` != 'true'", [
      { type: 'tag', key: 'mlflow.prompt.is_prompt', comparator: '!=', value: str('true') },
    ]],
    ["name LIKE 'a%' AND tag.`mlflow.prompt.is_prompt` != 'true'", [
      { type: 'attribute', key: 'name', comparator: 'LIKE', value: str('a%') },
      { type: 'tag', key: 'mlflow.prompt.is_prompt', comparator: '!=', value: str('true') },
    ]],
    ["tags.`mlflow.prompt.is_prompt` = 'false'", [
      { type: 'tag', key: 'mlflow.prompt.is_prompt', comparator: '=', value: str('false') },
    ]],
  ])('%s', (filter, expected) => {
    expect(parseRegisteredModelsFilter(filter)).toEqual(expected);
  });

  it('treats an absent or blank filter as no filter', () => {
    expect(parseRegisteredModelsFilter(undefined)).toEqual([]);
    expect(parseRegisteredModelsFilter('')).toEqual([]);
  });

  it.each([
    ["attributes.name = 'x'", "Invalid entity type 'attributes'. Valid entity types are ('attribute', 'tag', 'tags')"],
    ["run_id = 'x'", "Invalid attribute key 'run_id' specified. Valid keys are '{'name'}'"],
    ["name IN ('a')", "Only the 'run_id' attribute supports comparison with a list of quoted string values."],
    ['name = 5', 'Expected a quoted string value or a list of quoted string values for attributes. Got value 5'],
    ['tags.a = 5', "Expected a quoted string value for tag (e.g. 'my-value'). Got value 5"],
    ["name > 'a'", 'Invalid comparator for attribute: >'],
    ["tags.a > 'a'", 'Invalid comparator for tag: >'],
    ['tags.a IS NULL', 'Invalid comparator for tag: IS NULL'],
    ["name = 'a' OR name = 'b'", "Invalid clause(s) in filter string: name = 'a' OR name = 'b'"],
  ])('rejects %s', (filter, message) => {
    expect(rejection(() => parseRegisteredModelsFilter(filter))).toBe(message);
  });
});

describe('parseRegisteredModelsOrderBy', () => {
  it.each<[string, OrderByTerm]>([
    ['name', { type: 'attribute', key: 'name', ascending: true }],
    ['name DESC', { type: 'attribute', key: 'name', ascending: false }],
    ['timestamp', { type: 'attribute', key: 'last_updated_timestamp', ascending: true }],
    ['timestamp DESC', { type: 'attribute', key: 'last_updated_timestamp', ascending: false }],
    ['last_updated_timestamp ASC', { type: 'attribute', key: 'last_updated_timestamp', ascending: true }],
    ['creation_timestamp DESC', { type: 'attribute', key: 'creation_timestamp', ascending: false }],
  ])('%s', (clause, expected) => {
    expect(parseRegisteredModelsOrderBy([clause])).toEqual([expected]);
  });

  const KEYS = "'{'name', 'creation_timestamp', 'last_updated_timestamp', 'timestamp'}'";

  it.each([
    ['last_updated_timestamp DESC blah', "Invalid order_by clause 'last_updated_timestamp DESC blah'. Could not be parsed."],
    ['', "Invalid order_by clause ''. Could not be parsed."],
    ['timestamp somerandomstuff ASC', "Invalid order_by clause 'timestamp somerandomstuff ASC'. Could not be parsed."],
    ['timestamp somerandomstuff', "Invalid order_by clause 'timestamp somerandomstuff'. Could not be parsed."],
    ['timestamp decs', "Invalid order_by clause 'timestamp decs'. Could not be parsed."],
    ['timestamp ACS', "Invalid order_by clause 'timestamp ACS'. Could not be parsed."],
    ['name aCs', "Invalid ordering key in order_by clause 'name aCs'."],
    ['version_number', `Invalid order by key 'version_number' specified. Valid keys are ${KEYS}`],
    ['tags.a', 'Invalid order_by entity: tag'],
  ])('rejects %j', (clause, message) => {
    expect(rejection(() => parseRegisteredModelsOrderBy([clause]))).toBe(message);
  });
});

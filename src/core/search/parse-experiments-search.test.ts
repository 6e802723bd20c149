import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors/error-code.js';
import { isSlipwayError } from '../errors/slipway-error.js';
import type { Comparison, OrderByTerm } from './search-ast.js';
import { parseExperimentsFilter, parseExperimentsOrderBy } from './parse-experiments-search.js';

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

describe('parseExperimentsFilter', () => {
  it.each<[string, Comparison[]]>([
    // From MLflow's search-experiments docs.
    ["attribute.name = 'x'", [{ type: 'attribute', key: 'name', comparator: '=', value: str('x') }]],
    ["name = 'x'", [{ type: 'attribute', key: 'name', comparator: '=', value: str('x') }]],
    ["attribute.name LIKE 'x%'", [{ type: 'attribute', key: 'name', comparator: 'LIKE', value: str('x%') }]],
    ["tags.group != 'x'", [{ type: 'tag', key: 'group', comparator: '!=', value: str('x') }]],
    ["tags.group ILIKE '%x%'", [{ type: 'tag', key: 'group', comparator: 'ILIKE', value: str('%x%') }]],
    ["name LIKE 'test-%' AND tags.key = 'value'", [
      { type: 'attribute', key: 'name', comparator: 'LIKE', value: str('test-%') },
      { type: 'tag', key: 'key', comparator: '=', value: str('value') },
    ]],
    ['name LIKE "jamie-foo C+%"', [{ type: 'attribute', key: 'name', comparator: 'LIKE', value: str('jamie-foo C+%') }]],
    ['creation_time > 1664067852747', [{ type: 'attribute', key: 'creation_time', comparator: '>', value: num(1664067852747) }]],
    ['attribute.last_update_time <= 5', [{ type: 'attribute', key: 'last_update_time', comparator: '<=', value: num(5) }]],
    ["tag.`mlflow.note.content` = 'n'", [{ type: 'tag', key: 'mlflow.note.content', comparator: '=', value: str('n') }]],
    ['"name" = \'x\'', [{ type: 'attribute', key: 'name', comparator: '=', value: str('x') }]],
    ['tags.team IS NULL', [{ type: 'tag', key: 'team', comparator: 'IS NULL', value: { kind: 'none' } }]],
    ['tags.team IS NOT NULL', [{ type: 'tag', key: 'team', comparator: 'IS NOT NULL', value: { kind: 'none' } }]],
  ])('%s', (filter, expected) => {
    expect(parseExperimentsFilter(filter)).toEqual(expected);
  });

  it('treats an absent or blank filter as no filter', () => {
    expect(parseExperimentsFilter(undefined)).toEqual([]);
    expect(parseExperimentsFilter(' ')).toEqual([]);
  });

  const KEYS = "'{'name', 'creation_time', 'last_update_time'}'";
  const TYPES = "Valid entity types are ('attribute', 'tag', 'tags')";

  it.each([
    ["attributes.name = 'x'", `Invalid entity type 'attributes'. ${TYPES}`],
    ["`tags`.a = 'x'", `Invalid entity type '\`tags\`'. ${TYPES}`],
    ['metrics.a > 1', `Invalid entity type 'metrics'. ${TYPES}`],
    ["params.a = 'x'", `Invalid entity type 'params'. ${TYPES}`],
    ["experiment_id = '1'", `Invalid attribute key 'experiment_id' specified. Valid keys are ${KEYS}`],
    ["lifecycle_stage = 'active'", `Invalid attribute key 'lifecycle_stage' specified. Valid keys are ${KEYS}`],
    ["name IN ('a', 'b')", "Only the 'run_id' attribute supports comparison with a list of quoted string values."],
    ['name = x', 'Parameter value is either not quoted or unidentified quote types used for string value x. Use either single or double quotes.'],
    ['name = 1', 'Expected a quoted string value for attributes. Got value 1'],
    ["creation_time > '1'", "Expected numeric value type for numeric attribute: creation_time. Found '1'"],
    ['tags.a = 1', "Expected a quoted string value for tag (e.g. 'my-value'). Got value 1"],
    ["name > 'x'", "Invalid comparator '>' not one of '{'=', '!=', 'LIKE', 'ILIKE'}'"],
    ['creation_time LIKE 5', "Invalid comparator 'LIKE' not one of '{'=', '!=', '>', '>=', '<', '<='}'"],
    ["tags.a > 'x'", "Invalid comparator '>' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'}'"],
    ['name IS NULL', 'IS NULL / IS NOT NULL is only supported for tags'],
    ["name = 'a' OR name = 'b'", "Invalid clause(s) in filter string: name = 'a' OR name = 'b'"],
    ["name = 'a' AND", 'Invalid clause(s) in filter string: AND'],
    ["name = 'a'; name = 'b'", `Search filter contained multiple expression "name = 'a'; name = 'b'". Provide AND-ed expression list.`],
  ])('rejects %s', (filter, message) => {
    expect(rejection(() => parseExperimentsFilter(filter))).toBe(message);
  });
});

describe('parseExperimentsOrderBy', () => {
  it.each<[string, OrderByTerm]>([
    ['name', { type: 'attribute', key: 'name', ascending: true }],
    ['name DESC', { type: 'attribute', key: 'name', ascending: false }],
    ['experiment_id asc', { type: 'attribute', key: 'experiment_id', ascending: true }],
    ['creation_time DESC', { type: 'attribute', key: 'creation_time', ascending: false }],
    ['attribute.last_update_time DESC', { type: 'attribute', key: 'last_update_time', ascending: false }],
  ])('%s', (clause, expected) => {
    expect(parseExperimentsOrderBy([clause])).toEqual([expected]);
  });

  it.each([
    ['foo', "Invalid attribute key 'foo' specified. Valid keys are '{'name', 'experiment_id', 'creation_time', 'last_update_time'}'"],
    ['tags.a', 'Invalid order_by entity: tag'],
    ['metrics.a', "Invalid entity type 'metrics'. Valid entity types are ('attribute', 'tag', 'tags')"],
    ['name DOWN', "Invalid ordering key in order_by clause 'name DOWN'."],
    ['name DESC extra', "Invalid order_by clause 'name DESC extra'. Could not be parsed."],
  ])('rejects %j', (clause, message) => {
    expect(rejection(() => parseExperimentsOrderBy([clause]))).toBe(message);
  });
});

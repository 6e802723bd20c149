import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors/error-code.js';
import { isSlipwayError } from '../errors/slipway-error.js';
import type { Comparison, OrderByTerm } from './search-ast.js';
import { parseRunsFilter, parseRunsOrderBy } from './parse-runs-search.js';

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
const list = (...values: string[]) => ({ kind: 'list', values }) as const;

describe('parseRunsFilter: accepted forms', () => {
  it.each<[string, Comparison[]]>([
    // From MLflow's tests/utils/test_search_utils.py and the search-runs docs.
    ['metric.acc >= 0.94', [{ type: 'metric', key: 'acc', comparator: '>=', value: num(0.94) }]],
    ['metric.acc>=100', [{ type: 'metric', key: 'acc', comparator: '>=', value: num(100) }]],
    ["params.m!='tf'", [{ type: 'param', key: 'm', comparator: '!=', value: str('tf') }]],
    ['params."m"!="tf"', [{ type: 'param', key: 'm', comparator: '!=', value: str('tf') }]],
    ['metric."legit name" >= 0.243', [{ type: 'metric', key: 'legit name', comparator: '>=', value: num(0.243) }]],
    ['metrics.XYZ = 3', [{ type: 'metric', key: 'XYZ', comparator: '=', value: num(3) }]],
    ['params."cat dog" = "pets"', [{ type: 'param', key: 'cat dog', comparator: '=', value: str('pets') }]],
    ['metrics."X-Y-Z" = 3', [{ type: 'metric', key: 'X-Y-Z', comparator: '=', value: num(3) }]],
    ['metrics."X//Y#$$@&Z" = 3', [{ type: 'metric', key: 'X//Y#$$@&Z', comparator: '=', value: num(3) }]],
    ["params.model = 'LinearRegression'", [{ type: 'param', key: 'model', comparator: '=', value: str('LinearRegression') }]],
    ['`metric`.a >= 0.1', [{ type: 'metric', key: 'a', comparator: '>=', value: num(0.1) }]],
    ["tags.version = 'commit-hash'", [{ type: 'tag', key: 'version', comparator: '=', value: str('commit-hash') }]],
    ["`tags`.source_name = 'a notebook'", [{ type: 'tag', key: 'source_name', comparator: '=', value: str('a notebook') }]],
    ['metrics."accuracy.2.0" > 5', [{ type: 'metric', key: 'accuracy.2.0', comparator: '>', value: num(5) }]],
    ['metrics.`spacey name` > 5', [{ type: 'metric', key: 'spacey name', comparator: '>', value: num(5) }]],
    ['params."p.a.r.a.m" != "a"', [{ type: 'param', key: 'p.a.r.a.m', comparator: '!=', value: str('a') }]],
    ['tags."t.a.g" = "a"', [{ type: 'tag', key: 't.a.g', comparator: '=', value: str('a') }]],
    ["attribute.artifact_uri = '1/23/4'", [{ type: 'attribute', key: 'artifact_uri', comparator: '=', value: str('1/23/4') }]],
    ['attribute.start_time >= 1234', [{ type: 'attribute', key: 'start_time', comparator: '>=', value: num(1234) }]],
    ["run.status = 'RUNNING'", [{ type: 'attribute', key: 'status', comparator: '=', value: str('RUNNING') }]],
    ["dataset.name = 'my_dataset'", [{ type: 'dataset', key: 'name', comparator: '=', value: str('my_dataset') }]],
    ['params.m = "L\'Hosp"', [{ type: 'param', key: 'm', comparator: '=', value: str("L'Hosp") }]],
    // From the brief and the docs.
    ["tags.`mlflow.runName` = 'x'", [{ type: 'tag', key: 'mlflow.runName', comparator: '=', value: str('x') }]],
    ['tags."mlflow.runName" = "keras-hyperparam-search"', [{ type: 'tag', key: 'mlflow.runName', comparator: '=', value: str('keras-hyperparam-search') }]],
    ["tags.mlflow.runName = 'x'", [{ type: 'tag', key: 'mlflow.runName', comparator: '=', value: str('x') }]],
    ['metrics."my metric" > 0.5', [{ type: 'metric', key: 'my metric', comparator: '>', value: num(0.5) }]],
    ["attributes.run_id IN ('a','b')", [{ type: 'attribute', key: 'run_id', comparator: 'IN', value: list('a', 'b') }]],
    ["params.lr LIKE '0.0%'", [{ type: 'param', key: 'lr', comparator: 'LIKE', value: str('0.0%') }]],
    ["datasets.context = 'training'", [{ type: 'dataset', key: 'context', comparator: '=', value: str('training') }]],
    ['attribute.status != "FAILED"', [{ type: 'attribute', key: 'status', comparator: '!=', value: str('FAILED') }]],
    ['params.model ILIKE "gpt%"', [{ type: 'param', key: 'model', comparator: 'ILIKE', value: str('gpt%') }]],
    ['metrics.`log-scale-loss` <= 0', [{ type: 'metric', key: 'log-scale-loss', comparator: '<=', value: num(0) }]],
    ['params.`1st_iteration_timestamp` = "2022-01-01"', [{ type: 'param', key: '1st_iteration_timestamp', comparator: '=', value: str('2022-01-01') }]],
    ["datasets.digest IN ('s8ds293b', 'jks834s2')", [{ type: 'dataset', key: 'digest', comparator: 'IN', value: list('s8ds293b', 'jks834s2') }]],
    ["datasets.name NOT IN ('custom')", [{ type: 'dataset', key: 'name', comparator: 'NOT IN', value: list('custom') }]],
    ['datasets.context LIKE "tr%"', [{ type: 'dataset', key: 'context', comparator: 'LIKE', value: str('tr%') }]],
    ["attributes.user_id LIKE 'user1'", [{ type: 'attribute', key: 'user_id', comparator: 'LIKE', value: str('user1') }]],
    ["attributes.run_name = 'my-run'", [{ type: 'attribute', key: 'run_name', comparator: '=', value: str('my-run') }]],
    ['attributes.end_time < 1664067852747', [{ type: 'attribute', key: 'end_time', comparator: '<', value: num(1664067852747) }]],
    ["attr.run_id NOT IN ('a')", [{ type: 'attribute', key: 'run_id', comparator: 'NOT IN', value: list('a') }]],
    ["parameter.a = 'b'", [{ type: 'param', key: 'a', comparator: '=', value: str('b') }]],
    ["parameters.a = 'b'", [{ type: 'param', key: 'a', comparator: '=', value: str('b') }]],
    ["param.a = 'b'", [{ type: 'param', key: 'a', comparator: '=', value: str('b') }]],
    ["tag.a = 'b'", [{ type: 'tag', key: 'a', comparator: '=', value: str('b') }]],
    ["`datasets`.name = 'b'", [{ type: 'dataset', key: 'name', comparator: '=', value: str('b') }]],
    // Unprefixed identifiers are attributes.
    ["status = 'FINISHED'", [{ type: 'attribute', key: 'status', comparator: '=', value: str('FINISHED') }]],
    ["run_id = 'abc'", [{ type: 'attribute', key: 'run_id', comparator: '=', value: str('abc') }]],
    // Aliases resolve to canonical keys.
    ['attributes.created > 1664067852747', [{ type: 'attribute', key: 'start_time', comparator: '>', value: num(1664067852747) }]],
    ['Created < 5', [{ type: 'attribute', key: 'start_time', comparator: '<', value: num(5) }]],
    ["`run name` = 'x'", [{ type: 'attribute', key: 'run_name', comparator: '=', value: str('x') }]],
    ['"Run Name" = "x"', [{ type: 'attribute', key: 'run_name', comparator: '=', value: str('x') }]],
    ["attributes.`Run name` LIKE 'x%'", [{ type: 'attribute', key: 'run_name', comparator: 'LIKE', value: str('x%') }]],
    // IS NULL / IS NOT NULL on tags and params (MLflow 3.10+).
    ['tags.version IS NULL', [{ type: 'tag', key: 'version', comparator: 'IS NULL', value: { kind: 'none' } }]],
    ['tags.version IS NOT NULL', [{ type: 'tag', key: 'version', comparator: 'IS NOT NULL', value: { kind: 'none' } }]],
    ['params.lr is null', [{ type: 'param', key: 'lr', comparator: 'IS NULL', value: { kind: 'none' } }]],
    ['params.lr Is Not Null', [{ type: 'param', key: 'lr', comparator: 'IS NOT NULL', value: { kind: 'none' } }]],
    // Keywords in any case, odd spacing.
    ["params.a like 'x' and tags.b ilike 'y'", [
      { type: 'param', key: 'a', comparator: 'LIKE', value: str('x') },
      { type: 'tag', key: 'b', comparator: 'ILIKE', value: str('y') },
    ]],
    ["run_id in ('a')  AND  run_id not in ('b',)", [
      { type: 'attribute', key: 'run_id', comparator: 'IN', value: list('a') },
      { type: 'attribute', key: 'run_id', comparator: 'NOT IN', value: list('b') },
    ]],
    ['run_id IN ("a", \'b\')', [{ type: 'attribute', key: 'run_id', comparator: 'IN', value: list('a', 'b') }]],
  ])('%s', (filter, expected) => {
    expect(parseRunsFilter(filter)).toEqual(expected);
  });

  it('reads numbers: negatives, decimals, exponents', () => {
    const values = ['-1', '0.5', '.5', '5.', '1e3', '-2.5E-2', '1664067852747'].map((n) => {
      const [c] = parseRunsFilter(`metrics.x > ${n}`);
      return c?.value;
    });
    expect(values).toEqual([num(-1), num(0.5), num(0.5), num(5), num(1000), num(-0.025), num(1664067852747)]);
    expect(parseRunsFilter('metrics.x>-1')).toEqual([{ type: 'metric', key: 'x', comparator: '>', value: num(-1) }]);
  });

  it('treats an absent or blank filter as no filter', () => {
    expect(parseRunsFilter(undefined)).toEqual([]);
    expect(parseRunsFilter('')).toEqual([]);
    expect(parseRunsFilter('  \n\t ')).toEqual([]);
  });

  it('parses the multi-line filter from the MLflow docs', () => {
    const filter = `
attributes.run_id IN ('22db81f070f6413588641c8c343cdd72','c3680e37d0fa44eb9c9fb7828f6b5481')
  AND metrics.loss > 0.3
  AND metrics."f1 score" < 0.5
  AND params.model LIKE "GPT%"
`;
    expect(parseRunsFilter(filter)).toEqual([
      {
        type: 'attribute',
        key: 'run_id',
        comparator: 'IN',
        value: list('22db81f070f6413588641c8c343cdd72', 'c3680e37d0fa44eb9c9fb7828f6b5481'),
      },
      { type: 'metric', key: 'loss', comparator: '>', value: num(0.3) },
      { type: 'metric', key: 'f1 score', comparator: '<', value: num(0.5) },
      { type: 'param', key: 'model', comparator: 'LIKE', value: str('GPT%') },
    ]);
  });

  it('keeps quote escapes verbatim, as MLflow does', () => {
    expect(parseRunsFilter("params.a = 'it''s'")).toEqual([
      { type: 'param', key: 'a', comparator: '=', value: str("it''s") },
    ]);
    expect(parseRunsFilter("tags.a = 'x AND y'")).toEqual([
      { type: 'tag', key: 'a', comparator: '=', value: str('x AND y') },
    ]);
  });

  it('keeps the prompt-tag clause an ordinary tag comparison', () => {
    expect(parseRunsFilter("tags.`mlflow.prompt.is_prompt` != 'true'")).toEqual([
      { type: 'tag', key: 'mlflow.prompt.is_prompt', comparator: '!=', value: str('true') },
    ]);
  });
});

describe('parseRunsFilter: rejections', () => {
  const ATTRIBUTE_KEYS =
    "'{'run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'start_time', 'end_time', " +
    "'created', 'Created', 'run name', 'Run name', 'Run Name'}'";

  it.each([
    // Grammar: OR, parentheses, junk, dangling or doubled AND.
    ["metrics.A > 0.1 OR params.B = 'LR'", "Invalid clause(s) in filter string: 'metrics.A > 0.1 OR params.B = 'LR''"],
    ["metrics.A > 0.1 NAND params.B = 'LR'", "Invalid clause(s) in filter string: 'metrics.A > 0.1 NAND params.B = 'LR''"],
    ["metrics.A > 0.1 AND (params.B = 'LR')", "Invalid clause(s) in filter string: '(params.B = 'LR')'"],
    ["(metrics.A > 0.1) AND params.B = 'LR'", "Invalid clause(s) in filter string: '(metrics.A > 0.1)'"],
    ['`metrics.A > 0.1', "Invalid clause(s) in filter string: '`metrics.A > 0.1'"],
    ['param`.A > 0.1', "Invalid clause(s) in filter string: 'param`.A > 0.1'"],
    ['metrics.A > 0.1 AND', "Invalid clause(s) in filter string: 'AND'"],
    ['AND metrics.A > 0.1', "Invalid clause(s) in filter string: 'AND'"],
    ["metrics.A > 0.1 AND AND params.B = 'x'", "Invalid clause(s) in filter string: 'AND'"],
    ['params.acc LR !=', "Invalid clause(s) in filter string: 'params.acc LR !='"],
    ['params.acc LR', "Invalid clause(s) in filter string: 'params.acc LR'"],
    ['metric.acc !=', "Invalid clause(s) in filter string: 'metric.acc !='"],
    ['attribute.status = true', "Invalid clause(s) in filter string: 'attribute.status = true'"],
    ["attribute.status IS 'RUNNING'", "Invalid clause(s) in filter string: 'attribute.status IS 'RUNNING''"],
    ["params.'acc = LR", "Invalid clause(s) in filter string: 'params.'acc = LR'"],
    ["params.acc = 'LR", "Invalid clause(s) in filter string: 'params.acc = 'LR'"],
    ["params.acc = LR'", "Invalid clause(s) in filter string: 'params.acc = LR''"],
    ['params.acc = "LR\'', 'Invalid clause(s) in filter string: \'params.acc = "LR\'\''],
    ["tags.acc = = 'LR'", "Invalid clause(s) in filter string: 'tags.acc = = 'LR''"],
    ["run_id IN 'a'", "Invalid clause(s) in filter string: 'run_id IN 'a''"],
    ["run_id IN ('a'", "Invalid clause(s) in filter string: 'run_id IN ('a''"],
    ["metrics.a > 1 AND metrics.b > 2 metrics.c > 3", "Invalid clause(s) in filter string: 'metrics.b > 2 metrics.c > 3'"],
    ['metrics. > 1', "Invalid clause(s) in filter string: 'metrics. > 1'"],
    ['metrics .a > 1', "Invalid clause(s) in filter string: 'metrics .a > 1'"],
    ['metrics.a > - 1', "Invalid clause(s) in filter string: 'metrics.a > - 1'"],
    ['metrics.a > 1abc', "Invalid clause(s) in filter string: 'metrics.a > 1abc'"],
    ["tags.a = NULL", "Invalid clause(s) in filter string: 'tags.a = NULL'"],
    ["tags.a IS NOT 'x'", "Invalid clause(s) in filter string: 'tags.a IS NOT 'x''"],
    ["NOT tags.a = 'x'", "Invalid clause(s) in filter string: 'NOT tags.a = 'x''"],
    ['metrics.a > 1;', "Invalid clause(s) in filter string: 'metrics.a > 1;'"],
    // Several statements.
    [
      'metric.acc >= 0.94; metrics.rmse < 1',
      "Search filter contained multiple expression 'metric.acc >= 0.94; metrics.rmse < 1'. Provide AND-ed expression list.",
    ],
    // A literal where the identifier belongs.
    ['1=1', "Invalid comparison clause. Expected 'Identifier' found '1'"],
    ['1==2', "Invalid comparison clause. Expected 'Identifier' found '1'"],
    ['1.0 > metrics.acc', "Invalid comparison clause. Expected 'Identifier' found '1.0'"],
    // Identifiers.
    ['m.acc >= 0.94', "Invalid entity type 'm'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']"],
    ["p.model >= 'LR'", "Invalid entity type 'p'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']"],
    ['attri.x != 1', "Invalid entity type 'attri'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']"],
    ['METRICS.x > 1', "Invalid entity type 'METRICS'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']"],
    ['"metrics".x > 1', `Invalid entity type '"metrics"'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']`],
    ['acc >= 0.94', `Invalid attribute key 'acc' specified. Valid keys are ${ATTRIBUTE_KEYS}`],
    ["model >= 'LR'", `Invalid attribute key 'model' specified. Valid keys are ${ATTRIBUTE_KEYS}`],
    ['foo is null', `Invalid attribute key 'foo' specified. Valid keys are ${ATTRIBUTE_KEYS}`],
    ['attribute.start != 1', `Invalid attribute key 'start' specified. Valid keys are ${ATTRIBUTE_KEYS}`],
    ['attribute.experiment_id != 1', `Invalid attribute key 'experiment_id' specified. Valid keys are ${ATTRIBUTE_KEYS}`],
    ["attribute.lifecycle_stage = 'ACTIVE'", `Invalid attribute key 'lifecycle_stage' specified. Valid keys are ${ATTRIBUTE_KEYS}`],
    ["attribute.name != 'x'", `Invalid attribute key 'name' specified. Valid keys are ${ATTRIBUTE_KEYS}`],
    ["attribute._status != 'RUNNING'", `Invalid attribute key '_status' specified. Valid keys are ${ATTRIBUTE_KEYS}`],
    ["attributes.`RUN NAME` = 'x'", `Invalid attribute key 'RUN NAME' specified. Valid keys are ${ATTRIBUTE_KEYS}`],
    ["dataset.status = 'true'", "Invalid dataset key 'status' specified. Valid keys are '{'name', 'digest', 'context'}'"],
    ["dataset.profile = 'num_rows: 10'", "Invalid dataset key 'profile' specified. Valid keys are '{'name', 'digest', 'context'}'"],
    // IS NULL is only for tags and params.
    ['metrics.acc IS NULL', 'IS NULL / IS NOT NULL is only supported for tags and params'],
    ['attribute.status IS NULL', 'IS NULL / IS NOT NULL is only supported for tags and params'],
    ['datasets.name IS NOT NULL', 'IS NULL / IS NOT NULL is only supported for tags and params'],
    // Value types.
    ["metric.model = 'LR'", "Expected numeric value type for metric. Found 'LR'"],
    ["metric.model = '5'", "Expected numeric value type for metric. Found '5'"],
    ['metric.model = LR', 'Expected numeric value type for metric. Found LR'],
    ['metrics.acc != metrics.acc', 'Expected numeric value type for metric. Found metrics.acc'],
    ["metrics.acc IN (1, 2)", 'Expected numeric value type for metric. Found (1, 2)'],
    ['params.acc = 5', "Expected a quoted string value for parameter (e.g. 'my-value'). Got value 5"],
    ['tags.acc = 5', "Expected a quoted string value for tag (e.g. 'my-value'). Got value 5"],
    ["tags.acc IN ('a')", "Expected a quoted string value for tag (e.g. 'my-value'). Got value ('a')"],
    ['attribute.status = 1', 'Expected a quoted string value for attributes. Got value 1'],
    ['datasets.name = 1', 'Expected a quoted string value for dataset attributes. Got value 1'],
    ["attributes.start_time > '1'", "Expected numeric value type for numeric attribute: start_time. Found '1'"],
    ["created > 'yesterday'", "Expected numeric value type for numeric attribute: created. Found 'yesterday'"],
    ['params.acc = LR', 'Parameter value is either not quoted or unidentified quote types used for string value LR. Use either single or double quotes.'],
    ['tags.acc = LR', 'Parameter value is either not quoted or unidentified quote types used for string value LR. Use either single or double quotes.'],
    ['params.acc = `LR`', 'Parameter value is either not quoted or unidentified quote types used for string value `LR`. Use either single or double quotes.'],
    // Lists.
    ["attribute.status IN ('a')", "Only the 'run_id' attribute supports comparison with a list of quoted string values."],
    ["run_name NOT IN ('a')", "Only the 'run_id' attribute supports comparison with a list of quoted string values."],
    ["run_id = ('a')", "Expected a quoted string value for attributes. Got value ('a')"],
    ['run_id IN ()', 'While parsing a list in the query, expected a non-empty list of string values, but got empty list'],
    ["run_id IN ('a', 1)", "While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ('a', 1)"],
    ["run_id IN ('a' 'b')", 'While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.'],
    ["run_id IN ('a',,'b')", 'While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.'],
    ["run_id IN (a, 'b')", 'While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.'],
    ["run_id IN (('a'))", 'While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.'],
    // Comparators.
    ['metrics.abc ~ 1', "Invalid comparator '~' not one of '{'=', '!=', '>', '>=', '<', '<='}'"],
    ['metrics.abc ~= 1', "Invalid comparator '~=' not one of '{'=', '!=', '>', '>=', '<', '<='}'"],
    ['metrics.abc == 1', "Invalid comparator '==' not one of '{'=', '!=', '>', '>=', '<', '<='}'"],
    ["metrics.abc LIKE 1", "Invalid comparator 'LIKE' not one of '{'=', '!=', '>', '>=', '<', '<='}'"],
    ["params.abc > 'x'", "Invalid comparator '>' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'}'"],
    ["tags.abc <= 'x'", "Invalid comparator '<=' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'}'"],
    ["tags.abc <> 'x'", "Invalid comparator '<>' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'}'"],
    ["params.abc NOT LIKE 'x'", "Invalid comparator 'NOT LIKE' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'}'"],
    ["attributes.status > 'x'", "Invalid comparator '>' not one of '{'=', '!=', 'LIKE', 'ILIKE'}'"],
    ['attributes.start_time LIKE 1234', "Invalid comparator 'LIKE' not one of '{'=', '!=', '>', '>=', '<', '<='}'"],
    ["datasets.name > 'x'", "Invalid comparator '>' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}'"],
  ])('%s', (filter, message) => {
    expect(rejection(() => parseRunsFilter(filter))).toBe(message);
  });

  it('reports grammar errors before identifier errors, as MLflow does', () => {
    expect(rejection(() => parseRunsFilter("foo = 'x' OR bar = 'y'"))).toBe(
      "Invalid clause(s) in filter string: 'foo = 'x' OR bar = 'y''",
    );
  });
});

describe('parseRunsOrderBy', () => {
  it.each<[string, OrderByTerm]>([
    ['metrics.acc', { type: 'metric', key: 'acc', ascending: true }],
    ['metrics.key1 asc', { type: 'metric', key: 'key1', ascending: true }],
    ['metrics."key1"  desc', { type: 'metric', key: 'key1', ascending: false }],
    ['metrics.`Mean Square Error`', { type: 'metric', key: 'Mean Square Error', ascending: true }],
    ['metrics.`Mean Square Error` ASC', { type: 'metric', key: 'Mean Square Error', ascending: true }],
    ['metrics.`Mean Square Error` DESC', { type: 'metric', key: 'Mean Square Error', ascending: false }],
    ['params.my_param aSc', { type: 'param', key: 'my_param', ascending: true }],
    ['params.`my_param` DESC', { type: 'param', key: 'my_param', ascending: false }],
    ['tags.tag1    DESC', { type: 'tag', key: 'tag1', ascending: false }],
    ['tags.`mlflow.runName`', { type: 'tag', key: 'mlflow.runName', ascending: true }],
    ['tags.mlflow.runName Desc', { type: 'tag', key: 'mlflow.runName', ascending: false }],
    ['`params`.lr DESC', { type: 'param', key: 'lr', ascending: false }],
    ['attributes.status', { type: 'attribute', key: 'status', ascending: true }],
    ['attributes.start_time', { type: 'attribute', key: 'start_time', ascending: true }],
    ['attribute.run_id DESC', { type: 'attribute', key: 'run_id', ascending: false }],
    ['start_time DESC', { type: 'attribute', key: 'start_time', ascending: false }],
    ['end_time', { type: 'attribute', key: 'end_time', ascending: true }],
    ['run_name', { type: 'attribute', key: 'run_name', ascending: true }],
    ['user_id', { type: 'attribute', key: 'user_id', ascending: true }],
    ['artifact_uri', { type: 'attribute', key: 'artifact_uri', ascending: true }],
    ['created DESC', { type: 'attribute', key: 'start_time', ascending: false }],
    ['attributes.Created', { type: 'attribute', key: 'start_time', ascending: true }],
  ])('%s', (clause, expected) => {
    expect(parseRunsOrderBy([clause])).toEqual([expected]);
  });

  it('parses several clauses in order, and none as none', () => {
    expect(parseRunsOrderBy(['params.my_param', 'attributes.status DESC'])).toEqual([
      { type: 'param', key: 'my_param', ascending: true },
      { type: 'attribute', key: 'status', ascending: false },
    ]);
    expect(parseRunsOrderBy([])).toEqual([]);
  });

  const ORDER_KEYS =
    "'{'run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'start_time', 'end_time', 'created', 'Created'}'";

  it.each([
    ['m.acc', "Invalid entity type 'm'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']"],
    ['attri.x', "Invalid entity type 'attri'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']"],
    ['acc', `Invalid attribute key 'acc' specified. Valid keys are ${ORDER_KEYS}`],
    ['attribute.start', `Invalid attribute key 'start' specified. Valid keys are ${ORDER_KEYS}`],
    ['attribute.experiment_id', `Invalid attribute key 'experiment_id' specified. Valid keys are ${ORDER_KEYS}`],
    ['`Run Name`', `Invalid attribute key 'Run Name' specified. Valid keys are ${ORDER_KEYS}`],
    ['`metrics.A', "Invalid order_by clause '`metrics.A'. Could not be parsed."],
    ['metrics.A != 1', "Invalid order_by clause 'metrics.A != 1'. Could not be parsed."],
    ['params.my_param ', "Invalid order_by clause 'params.my_param '. Could not be parsed."],
    [' params.my_param', "Invalid order_by clause ' params.my_param'. Could not be parsed."],
    ['', "Invalid order_by clause ''. Could not be parsed."],
    ['metrics.a DESC DESC', "Invalid order_by clause 'metrics.a DESC DESC'. Could not be parsed."],
    ["metrics.a 'DESC'", "Invalid order_by clause 'metrics.a 'DESC''. Could not be parsed."],
    ['attribute.run_id ACS', "Invalid ordering key in order_by clause 'attribute.run_id ACS'."],
    ['attribute.run_id decs', "Invalid ordering key in order_by clause 'attribute.run_id decs'."],
    ['datasets.name', "Invalid order_by entity type 'dataset'"],
  ])('rejects %j', (clause, message) => {
    expect(rejection(() => parseRunsOrderBy([clause]))).toBe(message);
  });
});

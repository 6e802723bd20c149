import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../pipeline-model.js';
import {
  evaluateCondition,
  evaluateExpression,
  evaluateInputs,
  evaluateTemplate,
  interpolate,
  statusOf,
  type ExpressionContext,
} from './evaluate-expression.js';
import { ExpressionError } from './expression-error.js';
import { parseExpression } from './parse-expression.js';

const context: ExpressionContext = {
  params: { n_estimators: 200, lr: 0.1, model: 'rf', deploy: true, label: 'Housing' },
  pipeline: { name: 'housing' },
  execution: { id: 'ex-42' },
  matrix: { region: 'eu', size: 3 },
  steps: {
    prepare: {
      result: 'success',
      outputs: { regions: '["eu","us"]', rows: '20640' },
      artifacts: { data: '/work/ex-42/prepare/data' },
    },
    train: { result: 'success', metrics: { rmse: 48_000.5, r2: 0.81 }, artifacts: { model: '/work/ex-42/train/model' } },
    fan: { result: 'success', metrics: { rmse: [1, 2, 3] } },
    gate: { result: 'skipped' },
    broken: { result: 'failure', outputs: {} },
  },
};

const evaluate = (source: string, ctx: ExpressionContext = context): JsonValue =>
  evaluateExpression(parseExpression(source), ctx, source);

function failure(run: () => unknown): { message: string; offset: number } {
  try {
    run();
  } catch (e) {
    if (e instanceof ExpressionError) return { message: e.message, offset: e.offset };
    throw e;
  }
  throw new Error('did not throw');
}

describe('evaluateExpression', () => {
  it.each<[string, JsonValue]>([
    // references
    ['params.n_estimators', 200],
    ["params['model']", 'rf'],
    ['steps.train.metrics.rmse', 48_000.5],
    ['steps.prepare.artifacts.data', '/work/ex-42/prepare/data'],
    ['steps.fan.metrics.rmse[1]', 2],
    ['steps.train.result', 'success'],
    ['steps.gate.result', 'skipped'],
    ['steps.broken.outputs.missing', null],
    ['matrix.region', 'eu'],
    ['execution.id', 'ex-42'],
    ['pipeline.name', 'housing'],
    ['params.nope', null],
    ['fromJSON(steps.prepare.outputs.regions)[0]', 'eu'],
    ["fromJSON('{\"a\":{\"b\":[1,2]}}').a.b[1]", 2],
    // literals
    ["'it''s'", "it's"],
    ['-1.5e1', -15],
    ['0xff', 255],
    ['null', null],
    // comparisons and coercion (GitHub Actions' rules)
    ['params.n_estimators == 200', true],
    ["params.n_estimators == '200'", true],
    ["steps.prepare.outputs.rows > 20000", true],
    ['steps.train.metrics.rmse < 60000', true],
    ["params.model == 'rf'", true],
    ["params.model == 'RF'", false],
    ["params.label < 'I'", true],
    ['params.deploy == 1', true],
    ["params.deploy == 'true'", false],
    ['null == 0', true],
    ["'' == 0", true],
    ["'abc' == 0", false],
    ["'abc' != 0", true],
    ["'abc' < 1", false],
    ["'abc' >= 1", false],
    ['true > false', true],
    ["fromJSON('[1,2]') == fromJSON('[1,2]')", true],
    ["fromJSON('{\"a\":1,\"b\":2}') == fromJSON('{\"b\":2,\"a\":1}')", true],
    ["fromJSON('[1]') == 1", false],
    // logic returns operands
    ["params.model && 'yes'", 'yes'],
    ["'' && 'yes'", ''],
    ["'' || 'fallback'", 'fallback'],
    ['0 || null', null],
    ['!0', true],
    ["!''", true],
    ["!fromJSON('[]')", false],
    ['!params.deploy || params.lr > 0.05', true],
    // functions
    ["contains('hello world', 'lo w')", true],
    ["contains('Hello', 'hello')", false],
    ["contains(fromJSON(steps.prepare.outputs.regions), 'us')", true],
    ["contains(fromJSON('[1,2]'), '2')", true],
    ["startsWith(params.label, 'Hou')", true],
    ["endsWith(execution.id, 42)", true],
    ["format('{0}-{1}-{0}', params.model, params.n_estimators)", 'rf-200-rf'],
    ["format('{{literal}} {0}', true)", '{literal} true'],
    ["join(fromJSON('[\"a\",\"b\"]'), '+')", 'a+b'],
    ["join(fromJSON('[1,2]'))", '1,2'],
    ["join('x')", 'x'],
    ['toJSON(steps.fan.metrics.rmse)', '[1,2,3]'],
    ["toJSON(fromJSON('{\"a\": [1, {\"b\": null}]}'))", '{"a":[1,{"b":null}]}'],
  ])('%s → %j', (source, value) => {
    expect(evaluate(source)).toEqual(value);
  });

  it('refuses to read the values of a skipped step, naming it', () => {
    expect(failure(() => evaluate('1 == 1 && steps.gate.outputs.passed'))).toEqual({
      message: "step 'gate' was skipped, so 'steps.gate.outputs.passed' has no value",
      offset: 10,
    });
    expect(failure(() => evaluate("steps['gate'].metrics"))).toEqual({
      message: "step 'gate' was skipped, so 'steps['gate'].metrics' has no value",
      offset: 0,
    });
  });

  it('says where, when told', () => {
    expect(() => evaluateInputs({ tags: ['${{ steps.gate.outputs.passed }}'] }, context, 'steps[4].with')).toThrow(
      "steps[4].with.tags[0]: step 'gate' was skipped, so 'steps.gate.outputs.passed' has no value",
    );
    expect(() => evaluateCondition('steps.gate.metrics.x > 1', { ...context, status: statusOf([]) }, 'steps[4].if')).toThrow(
      "steps[4].if: step 'gate' was skipped, so 'steps.gate.metrics.x' has no value",
    );
    expect(() => interpolate('echo ${{ fromJSON(params.model) }}', context, 'steps[1].run')).toThrow(/^steps\[1\]\.run: fromJSON\(\): not valid JSON/);
  });

  it('refuses to read the values of a step that has not run', () => {
    expect(failure(() => evaluate('steps.later.outputs.x')).message).toBe(
      "step 'later' has not run, so 'steps.later.outputs.x' has no value",
    );
  });

  it.each([
    ["fromJSON('{oops')", /^fromJSON\(\): not valid JSON \(.+\): '\{oops'$/],
    ["format('{2}', 1)", /^format\(\): '\{2\}' but only 1 argument\(s\) after the pattern$/],
    ["format('{x}', 1)", /^format\(\): invalid placeholder/],
    ["format('a}b')", /^format\(\): unmatched '\}'/],
    ['nope(1)', /^unknown function 'nope'$/],
    ['contains(1)', /^wrong number of arguments: contains\(search, item\)$/],
    ['success()', /^success\(\) can only be used in an 'if' condition$/],
    ['secrets.token', /^unknown context 'secrets'$/],
  ])('fails at run time on %s', (source, message) => {
    expect(failure(() => evaluate(source)).message).toMatch(message);
  });

  it("has no 'matrix' outside a matrix step", () => {
    const { matrix: _matrix, ...noMatrix } = context;
    expect(failure(() => evaluate('matrix.region', noMatrix)).message).toBe("'matrix' is only available in a step with a matrix");
  });
});

describe('templates', () => {
  it('gives a whole expression its type', () => {
    expect(evaluateTemplate('${{ params.n_estimators }}', context)).toBe(200);
    expect(evaluateTemplate('${{ params.deploy }}', context)).toBe(true);
    expect(evaluateTemplate('${{ fromJSON(steps.prepare.outputs.regions) }}', context)).toEqual(['eu', 'us']);
  });

  it('interpolates everything else into a string', () => {
    expect(
      evaluateTemplate(
        'python train.py --n ${{ params.n_estimators }} --lr ${{ params.lr }} --deploy=${{ params.deploy }} --none=${{ null }} --r ${{ fromJSON(steps.prepare.outputs.regions) }}',
        context,
      ),
    ).toBe('python train.py --n 200 --lr 0.1 --deploy=true --none= --r ["eu","us"]');
    expect(interpolate('${{ params.n_estimators }}', context)).toBe('200');
    expect(interpolate('no placeholders', context)).toBe('no placeholders');
  });

  it('evaluates every string of a with: value', () => {
    expect(
      evaluateInputs(
        { name: 'housing', version: '${{ steps.prepare.outputs.rows }}', tags: { n: '${{ params.n_estimators }}', k: 1 }, list: ['${{ matrix.size }}'] },
        context,
      ),
    ).toEqual({ name: 'housing', version: '20640', tags: { n: 200, k: 1 }, list: [3] });
  });
});

describe('evaluateCondition', () => {
  const ok = { ...context, status: statusOf(['success', 'success']) };
  const failed = { ...context, status: statusOf(['success', 'failure']) };
  const skipped = { ...context, status: statusOf(['skipped']) };
  const cancelled = { ...context, status: statusOf(['success'], true) };

  it.each<[string | undefined, ExpressionContext, boolean]>([
    [undefined, ok, true],
    [undefined, failed, false],
    [undefined, skipped, false],
    ["params.model == 'rf'", ok, true],
    ["params.model == 'gbr'", ok, false],
    // no status function: success() && (condition)
    ["params.model == 'rf'", failed, false],
    ['${{ params.deploy }}', ok, true],
    ['always()', failed, true],
    ['failure()', failed, true],
    ['failure()', ok, false],
    ['success()', cancelled, false],
    ['cancelled()', cancelled, true],
    ["always() && params.model == 'gbr'", failed, false],
    ['!success()', skipped, true],
    ['steps.train.metrics.rmse < 50000', ok, true],
  ])('%s', (source, ctx, expected) => {
    expect(evaluateCondition(source, ctx)).toBe(expected);
  });

  it('does not evaluate a condition whose upstream failed (so a skipped step is not read)', () => {
    expect(evaluateCondition('steps.gate.outputs.passed', { ...context, status: statusOf(['skipped']) })).toBe(false);
    expect(() => evaluateCondition('steps.gate.outputs.passed', ok)).toThrow("step 'gate' was skipped");
  });
});

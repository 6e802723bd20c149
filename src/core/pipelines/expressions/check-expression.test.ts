import { describe, expect, it } from 'vitest';
import { checkCondition, checkTemplate, type ExpressionScope, type StepSymbols } from './check-expression.js';

const step = (symbols: Partial<StepSymbols>): StepSymbols => ({
  kind: 'run',
  outputs: new Map(),
  artifacts: new Set(),
  metrics: new Set(),
  fanOut: false,
  ...symbols,
});

const scope: ExpressionScope = {
  params: {
    n_estimators: { type: 'int', default: 100 },
    deploy: { type: 'bool', default: false },
    model: { type: 'choice', options: ['rf', 'gbr'], default: 'rf' },
    label: { type: 'string', default: 'x' },
  },
  steps: new Map([
    ['prepare', step({ outputs: new Map([['regions', 'string']]), artifacts: new Set(['data']) })],
    ['train', step({ metrics: new Set(['rmse']), artifacts: new Set(['model']) })],
    ['fan', step({ metrics: new Set(['rmse']), fanOut: true })],
    ['evaluate', step({ kind: 'uses', outputs: new Map([['passed', 'boolean']]) })],
    ['later', step({})],
  ]),
  upstream: new Set(['prepare', 'train', 'fan', 'evaluate']),
  step: 'register',
  matrixAxes: new Set(['region']),
  place: "step 'register'",
};

const issues = (source: string, where: ExpressionScope = scope): string[] =>
  checkTemplate(source, where).issues.map((i) => `${i.offset}: ${i.message}`);

describe('checkTemplate', () => {
  it.each([
    'python train.py --n ${{ params.n_estimators }} --data ${{ steps.prepare.artifacts.data }}',
    '${{ steps.train.metrics.rmse < 60000 && steps.evaluate.outputs.passed }}',
    "${{ fromJSON(steps.prepare.outputs.regions)[0] == 'eu' }}",
    "${{ format('{0}/{1}', matrix.region, execution.id) }}",
    "${{ steps['train'].metrics['rmse'] }}",
    '${{ steps.train.result }} ${{ pipeline.name }} ${{ toJSON(params) }} ${{ toJSON(steps.prepare) }}',
    "${{ params.model == 'gbr' }} ${{ params.n_estimators == '100' }} ${{ params.deploy == true }}",
    '${{ fromJSON(params.label).a.b }}',
  ])('accepts %s', (source) => {
    expect(issues(source)).toEqual([]);
  });

  it.each([
    ['${{ params.n_estimaters }}', "4: unknown param 'n_estimaters' (did you mean 'n_estimators'?)"],
    ['x ${{ steps.prep.outputs.a }}', "6: unknown step 'prep' (did you mean 'prepare'?)"],
    ['${{ steps.trian.metrics.rmse }}', "4: unknown step 'trian' (did you mean 'train'?)"],
    ['${{ steps.later.outputs.x }}', "4: step 'register' refers to step 'later', which is not upstream of it (add 'later' to needs)"],
    ['${{ steps.train.output.x }}', "4: unknown property 'output' of step 'train' (expected 'outputs', 'artifacts', 'metrics' or 'result')"],
    ['${{ steps.train.outputs.model }}', "4: 'model' is a file or directory output of step 'train': use steps.train.artifacts.model"],
    ['${{ steps.prepare.artifacts.regions }}', "4: 'regions' is a value output of step 'prepare': use steps.prepare.outputs.regions"],
    ['${{ steps.prepare.outputs.nope }}', "4: step 'prepare' has no output 'nope' (it has 'regions')"],
    ['${{ steps.train.outputs.nope }}', "4: step 'train' has no output 'nope' (it declares no value outputs)"],
    ['${{ steps.train.metrics.mae }}', "4: step 'train' has no metric 'mae' (it has 'rmse')"],
    ['${{ steps.prepare.artifacts.dta }}', "4: step 'prepare' has no file or directory output 'dta' (it has 'data')"],
    ['${{ steps.train.result.x }}', "4: 'steps.train.result.x': the result of step 'train' has no properties"],
    ['${{ params.n_estimators.x }}', "4: 'params.n_estimators.x': int param 'n_estimators' has no properties"],
    ['${{ matrix.regoin }}', "4: unknown matrix axis 'regoin' (did you mean 'region'?)"],
    ['${{ execution.name }}', "4: unknown property 'name' of 'execution' (only 'id')"],
    ['${{ inputs.n }}', "4: unknown name 'inputs' (pipeline parameters are 'params.<name>')"],
    ['${{ github.run_id }}', "4: unknown name 'github' (use 'execution.id' and 'pipeline.name')"],
    ['${{ foo }}', "4: unknown name 'foo' (expected 'params', 'steps', 'matrix', 'execution' or 'pipeline')"],
    ['${{ contians(params.label, 1) }}', "4: unknown function 'contians' (did you mean 'contains'?)"],
    ['${{ contains(params.label) }}', '4: contains() takes 2 arguments: contains(search, item)'],
    ['${{ success() }}', "4: success() can only be used in an 'if' condition"],
    ["${{ fromJSON('{x') }}", "4: fromJSON(): '{x' is not valid JSON"],
    ["${{ params.n_estimators == 'many' }}", "27: int param 'n_estimators' compared with the string 'many' is always false"],
    ["${{ 'many' != params.n_estimators }}", "4: int param 'n_estimators' compared with the string 'many' is always true"],
    ["${{ params.deploy == 'true' }}", "21: bool param 'deploy' compared with the string 'true' is always false (write true without quotes)"],
    ["${{ params.model == 'xgb' }}", "20: 'xgb' is not an option of choice param 'model' ('rf' or 'gbr'), so this comparison is always false"],
    ['${{ fromJSON(params.label) < 1 }} ${{ steps.fan.metrics.rmse > 1 }}', "38: metric 'rmse' of step 'fan' (a list: the step has a matrix) cannot be compared with '>'"],
    ['echo ${{ params.n ', "5: invalid expression: '${{' is not closed by '}}'"],
    ['${{ params.n = 1 }}', "13: invalid expression: unexpected '=' (compare with '==')"],
  ])('reports %s', (source, issue) => {
    expect(issues(source)).toEqual([issue]);
  });

  it('reports every problem of a template', () => {
    expect(issues('${{ params.a }} ${{ params.b }}')).toEqual(["4: unknown param 'a'", "20: unknown param 'b'"]);
  });

  it("has no 'steps' or 'matrix' where they do not exist", () => {
    const pipelineLevel: ExpressionScope = { params: scope.params, steps: scope.steps, place: "the pipeline's env" };
    expect(issues('${{ steps.train.metrics.rmse }} ${{ matrix.region }}', pipelineLevel)).toEqual([
      "4: 'steps' is not available in the pipeline's env",
      "36: 'matrix' is only available in a step with a matrix",
    ]);
  });

  it('types whole expressions', () => {
    expect(checkTemplate('${{ params.n_estimators }}', scope).type).toMatchObject({ kind: 'number' });
    expect(checkTemplate('${{ steps.fan.metrics.rmse }}', scope).type).toMatchObject({ kind: 'list' });
    expect(checkTemplate('${{ fromJSON(params.label) }}', scope).type).toMatchObject({ kind: 'any' });
    expect(checkTemplate('n=${{ params.n_estimators }}', scope).type).toMatchObject({ kind: 'string' });
  });
});

describe('checkCondition', () => {
  it('allows status functions and bare expressions', () => {
    expect(checkCondition("always() && steps.evaluate.outputs.passed && params.model == 'rf'", scope).issues).toEqual([]);
    expect(checkCondition('${{ failure() }}', scope).issues).toEqual([]);
  });

  it('reports with offsets in the condition', () => {
    expect(checkCondition('success() && params.nope', scope).issues).toEqual([{ message: "unknown param 'nope'", offset: 13 }]);
    expect(checkCondition('always(1)', scope).issues).toEqual([{ message: 'always() takes no arguments: always()', offset: 0 }]);
  });
});

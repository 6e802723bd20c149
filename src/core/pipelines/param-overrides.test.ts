import { describe, expect, it } from 'vitest';
import { compilePipeline } from './compile-pipeline.js';
import { coerceParamValue, parseParamAssignments, resolveParams } from './param-overrides.js';
import { isPipelineDefinitionError } from './pipeline-issues.js';

const pipeline = compilePipeline({
  name: 'housing',
  params: {
    n_estimators: { type: 'int', default: 150 },
    learning_rate: { type: 'float', default: 0.1 },
    deploy: { type: 'bool', default: false },
    model: { type: 'choice', options: ['rf', 'gbr'], default: 'rf' },
    target: { type: 'string', default: 'MedHouseVal' },
    dataset: { type: 'string' },
  },
  steps: [{ id: 'train', run: 'python train.py' }],
});

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (isPipelineDefinitionError(e)) return e.message;
    throw e;
  }
  throw new Error('did not throw');
}

describe('parseParamAssignments', () => {
  it('splits name=value at the first =', () => {
    expect(parseParamAssignments(['n_estimators=200', 'query=a=b', 'empty='])).toEqual({
      n_estimators: '200',
      query: 'a=b',
      empty: '',
    });
  });

  it('rejects malformed and repeated assignments', () => {
    expect(messageOf(() => parseParamAssignments(['n_estimators', '=3', 'a=1', 'a=2']))).toBe(
      [
        "params[0]: 'n_estimators' is not a parameter assignment (expected name=value)",
        "params[1]: '=3' is not a parameter assignment (expected name=value)",
        "params.a: param 'a' is given twice",
      ].join('\n'),
    );
  });
});

describe('coerceParamValue', () => {
  it.each([
    ['int', '200', 200],
    ['int', ' -3 ', -3],
    ['int', 7, 7],
    ['float', '0.05', 0.05],
    ['float', '1e-3', 0.001],
    ['float', '2', 2],
    ['float', 2, 2],
    ['bool', 'true', true],
    ['bool', 'FALSE', false],
    ['bool', 'yes', true],
    ['bool', 'off', false],
    ['bool', '1', true],
    ['bool', true, true],
    ['string', '200', '200'],
  ] as const)('%s %j → %j', (type, raw, value) => {
    expect(coerceParamValue({ type }, raw)).toEqual({ value });
  });

  it.each([
    ['int', '2.5', "must be an integer, not '2.5'"],
    ['int', '1e3', "must be an integer, not '1e3'"],
    ['int', '99999999999999999999', "must be an integer, not '99999999999999999999'"],
    ['int', 2.5, 'must be an integer, not a number (2.5)'],
    ['int', '', "must be an integer, not ''"],
    ['float', 'abc', "must be a number, not 'abc'"],
    ['float', 'NaN', "must be a number, not 'NaN'"],
    ['float', 'Infinity', "must be a number, not 'Infinity'"],
    ['bool', 'maybe', "must be true or false, not 'maybe'"],
    ['bool', 1, 'must be true or false, not an integer (1)'],
    ['string', 5, 'must be a string, not an integer (5) (quote it)'],
  ] as const)('%s %j: %s', (type, raw, problem) => {
    expect(coerceParamValue({ type }, raw)).toEqual({ problem });
  });

  it('checks choice membership', () => {
    expect(coerceParamValue({ type: 'choice', options: ['rf', 'gbr'] }, 'gbr')).toEqual({ value: 'gbr' });
    expect(coerceParamValue({ type: 'choice', options: ['rf', 'gbr'] }, 'xgb')).toEqual({
      problem: "must be one of 'rf' or 'gbr', not 'xgb'",
    });
  });
});

describe('resolveParams', () => {
  it('fills in defaults and converts overrides, in declaration order', () => {
    const params = resolveParams(pipeline, { dataset: 'california', deploy: 'yes', n_estimators: '300' });
    expect(params).toEqual({
      n_estimators: 300,
      learning_rate: 0.1,
      deploy: true,
      model: 'rf',
      target: 'MedHouseVal',
      dataset: 'california',
    });
    expect(Object.keys(params)).toEqual(['n_estimators', 'learning_rate', 'deploy', 'model', 'target', 'dataset']);
  });

  it('accepts typed values from the API', () => {
    expect(resolveParams(pipeline, { dataset: 'x', n_estimators: 10, learning_rate: 1, deploy: false, model: 'gbr' })).toMatchObject({
      n_estimators: 10,
      learning_rate: 1,
      deploy: false,
      model: 'gbr',
    });
  });

  it('reports every bad override and every missing required param', () => {
    expect(
      messageOf(() =>
        resolveParams(pipeline, { n_estimator: '3', learning_rate: 'fast', model: 'xgb', deploy: 'maybe', depth: 1 }),
      ),
    ).toBe(
      [
        "params.n_estimator: unknown param 'n_estimator' (did you mean 'n_estimators'?)",
        "params.learning_rate: param 'learning_rate' (float) must be a number, not 'fast'",
        "params.model: param 'model' (choice) must be one of 'rf' or 'gbr', not 'xgb'",
        "params.deploy: param 'deploy' (bool) must be true or false, not 'maybe'",
        "params.depth: unknown param 'depth' (pipeline 'housing' has 'n_estimators', 'learning_rate', 'deploy', 'model', 'target' and 'dataset')",
        "params.dataset: param 'dataset' is required (it has no default)",
      ].join('\n'),
    );
  });

  it('is a 400-class error', () => {
    try {
      resolveParams(pipeline, {});
    } catch (e) {
      expect(e).toMatchObject({ name: 'SlipwayError', code: 'INVALID_PARAMETER_VALUE' });
      return;
    }
    throw new Error('did not throw');
  });
});

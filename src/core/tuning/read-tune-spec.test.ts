import { describe, expect, it } from 'vitest';
import { IssueList } from '../pipelines/pipeline-issues.js';
import { readTuneSpec } from './read-tune-spec.js';

const PATH = ['steps', 2, 'with'];

/** The example of docs/tuning.md. */
const valid = {
  run: 'python train.py --n-estimators ${{ trial.params.n_estimators }} --max-depth ${{ trial.params.max_depth }}',
  outputs: { model: 'model/' },
  metrics: [{ name: 'rmse', regex: 'rmse=([0-9.]+)' }],
  parameters: {
    n_estimators: { type: 'int', min: 50, max: 400 },
    max_depth: { type: 'int', min: 3, max: 20 },
    min_samples_leaf: { type: 'int', min: 1, max: 10, step: 1 },
    learning_rate: { type: 'float', min: 0.0001, max: 0.3, scale: 'log' },
    criterion: { type: 'choice', values: ['squared_error', 'absolute_error'] },
  },
  strategy: 'tpe',
  'max-trials': 30,
  'max-parallel': 10,
  objective: { metric: 'rmse', direction: 'minimize' },
  'early-stop': { patience: 10, 'min-delta': 0.0 },
  seed: 42,
};

function read(inputs: Record<string, unknown>) {
  const issues = new IssueList();
  const spec = readTuneSpec(inputs, PATH, issues);
  return { spec, issues: issues.issues.map((i) => `${i.path}: ${i.message}`) };
}

/** The issues of `valid` with `change` applied (`undefined` deletes a key). */
function issuesWith(change: Record<string, unknown>): string[] {
  const inputs: Record<string, unknown> = { ...valid, ...change };
  for (const [key, value] of Object.entries(change)) if (value === undefined) delete inputs[key];
  const { spec, issues } = read(inputs);
  if (issues.length > 0) expect(spec).toBeUndefined();
  return issues;
}

const withParameter = (name: string, spec: unknown) => ({ parameters: { ...valid.parameters, [name]: spec } });

describe('readTuneSpec', () => {
  it('reads the documented example', () => {
    const { spec, issues } = read(valid);
    expect(issues).toEqual([]);
    expect(spec).toEqual({
      template: {
        run: valid.run,
        env: {},
        outputs: { model: { type: 'dir', path: 'model/' } },
        metrics: [{ name: 'rmse', regex: 'rmse=([0-9.]+)' }],
      },
      parameters: [
        { type: 'int', name: 'n_estimators', min: 50, max: 400, step: 1, scale: 'linear' },
        { type: 'int', name: 'max_depth', min: 3, max: 20, step: 1, scale: 'linear' },
        { type: 'int', name: 'min_samples_leaf', min: 1, max: 10, step: 1, scale: 'linear' },
        { type: 'float', name: 'learning_rate', min: 0.0001, max: 0.3, scale: 'log' },
        { type: 'choice', name: 'criterion', values: ['squared_error', 'absolute_error'] },
      ],
      strategy: 'tpe',
      maxTrials: 30,
      maxParallel: 10,
      objective: { metric: 'rmse', direction: 'minimize' },
      earlyStop: { patience: 10, minDelta: 0 },
      seed: 42,
      gridPoints: 5,
      startupTrials: 10,
    });
  });

  it('fills the defaults: tpe, 20 trials, one at a time, a third of the budget at random', () => {
    const { spec } = read({ run: 'x', parameters: { a: [1, 2] }, objective: { metric: 'm', direction: 'maximize' } });
    expect(spec).toMatchObject({ strategy: 'tpe', maxTrials: 20, maxParallel: 1, startupTrials: 7, gridPoints: 5 });
    expect(spec?.seed).toBeUndefined();
    expect(spec?.earlyStop).toBeUndefined();
    expect(spec?.parameters).toEqual([{ type: 'choice', name: 'a', values: [1, 2] }]);
  });

  it('clamps max-parallel to max-trials rather than rejecting it', () => {
    expect(read({ ...valid, 'max-trials': 4, 'max-parallel': 10 }).spec).toMatchObject({ maxTrials: 4, maxParallel: 4 });
  });

  it('defaults max-trials under grid to the grid size', () => {
    const { spec, issues } = read({
      ...valid,
      run: 'train ${{ trial.params.a }} ${{ trial.params.b }}',
      strategy: 'grid',
      'max-trials': undefined,
      'grid-points': 3,
      parameters: { a: { type: 'int', min: 1, max: 4 }, b: { type: 'float', min: 0, max: 1 } },
    });
    expect(issues).toEqual([]);
    expect(spec?.maxTrials).toBe(12);
  });

  it('names the field of each problem', () => {
    expect(issuesWith({ strategy: 'bayesian' })).toEqual([
      "steps[2].with.strategy: 'strategy' must be 'grid', 'random' or 'tpe', not 'bayesian' (Slipway's model-based search is 'tpe')",
    ]);
    expect(issuesWith({ strategy: 'radnom' })).toEqual([
      "steps[2].with.strategy: 'strategy' must be 'grid', 'random' or 'tpe', not 'radnom' (did you mean 'random'?)",
    ]);
    expect(issuesWith({ 'max-trial': 3 })).toEqual([
      "steps[2].with.max-trial: unknown key 'max-trial' in slipway/tune (did you mean 'max-trials'?)",
    ]);
    expect(issuesWith({ 'max-trials': 0 })).toEqual(["steps[2].with.max-trials: 'max-trials' must be from 1 to 1000, not 0"]);
    expect(issuesWith({ 'max-parallel': 1.5 })).toEqual(["steps[2].with.max-parallel: 'max-parallel' must be an integer, not a number"]);
    expect(issuesWith({ seed: -1 })).toEqual(["steps[2].with.seed: 'seed' must be from 0 to 4294967295, not -1"]);
    expect(issuesWith({ 'grid-points': 4 })).toEqual([
      "steps[2].with.grid-points: 'grid-points' only goes with 'strategy: grid' (the strategy is 'tpe')",
    ]);
    expect(issuesWith({ strategy: 'random', 'startup-trials': 4 })).toEqual([
      "steps[2].with.startup-trials: 'startup-trials' only goes with 'strategy: tpe' (the strategy is 'random')",
    ]);
  });

  it('checks each parameter, naming its path', () => {
    expect(issuesWith(withParameter('max_depth', { type: 'int', min: 20, max: 3 }))).toEqual([
      "steps[2].with.parameters.max_depth.min: 'min' of parameter 'max_depth' (20) must be less than 'max' (3)",
    ]);
    expect(issuesWith(withParameter('max_depth', { type: 'int', min: 3, max: 3 }))).toEqual([
      "steps[2].with.parameters.max_depth.min: 'min' of parameter 'max_depth' (3) must be less than 'max' (3)",
    ]);
    expect(issuesWith(withParameter('learning_rate', { type: 'float', min: 0, max: 0.3, scale: 'log' }))).toEqual([
      "steps[2].with.parameters.learning_rate.min: parameter 'learning_rate' has 'scale: log', so 'min' must be greater than 0, not 0",
    ]);
    expect(issuesWith(withParameter('max_depth', { type: 'int', min: 3.5, max: 20 }))).toEqual([
      "steps[2].with.parameters.max_depth.min: 'min' of parameter 'max_depth' must be an integer, not a number",
    ]);
    expect(issuesWith(withParameter('max_depth', { type: 'int', min: 3, max: 20, log: true }))).toEqual([
      "steps[2].with.parameters.max_depth.log: unknown key 'log' in parameter 'max_depth' (use 'scale: log')",
    ]);
    expect(issuesWith(withParameter('learning_rate', { type: 'float', min: 0.1, max: 1, step: 0.1 }))).toEqual([
      "steps[2].with.parameters.learning_rate.step: unknown key 'step' in parameter 'learning_rate' (expected 'type', 'min', 'max' or 'scale')",
    ]);
    expect(issuesWith(withParameter('max_depth', { type: 'int', min: 3, max: 20, step: 2 }))).toEqual([
      "steps[2].with.parameters.max_depth.max: 'max' of parameter 'max_depth' (20) is not 'min' (3) plus a whole number of steps of 2",
    ]);
    expect(issuesWith(withParameter('max_depth', { type: 'integer', min: 3, max: 20 }))).toEqual([
      "steps[2].with.parameters.max_depth.type: the type of parameter 'max_depth' must be 'int', 'float' or 'choice', not 'integer' (use 'int')",
    ]);
    expect(issuesWith(withParameter('max_depth', { min: 3, max: 20 }))).toEqual([
      "steps[2].with.parameters.max_depth: parameter 'max_depth' needs a 'type' ('int', 'float', 'choice')",
    ]);
    expect(issuesWith(withParameter('max_depth', { type: 'int', max: 20 }))).toEqual([
      "steps[2].with.parameters.max_depth: int parameter 'max_depth' needs 'min'",
    ]);
    expect(issuesWith(withParameter('criterion', { type: 'choice', values: ['a', 'a'] }))).toEqual([
      "steps[2].with.parameters.criterion.values[1]: 'a' is listed twice in the values of parameter 'criterion'",
    ]);
    expect(issuesWith(withParameter('criterion', []))).toEqual([
      "steps[2].with.parameters.criterion: the values of parameter 'criterion' must not be empty",
    ]);
    expect(issuesWith({ parameters: { 'max-depth': [1, 2] }, run: 'x' })).toEqual([
      "steps[2].with.parameters.max-depth: invalid parameter name 'max-depth' (letters, digits and '_', starting with a letter or '_')",
    ]);
    expect(issuesWith({ parameters: {} })).toEqual([
      "steps[2].with.parameters: 'parameters' must name at least one parameter to search",
    ]);
  });

  it('checks the objective, the early stop and the template', () => {
    expect(issuesWith({ objective: undefined })).toEqual([
      "steps[2].with: slipway/tune needs input 'objective' ({metric: <name>, direction: minimize|maximize})",
    ]);
    expect(issuesWith({ objective: { metric: 'rmse', direction: 'min' } })).toEqual([
      "steps[2].with.objective.direction: the objective's 'direction' must be 'minimize' or 'maximize', not 'min' (use 'minimize')",
    ]);
    expect(issuesWith({ 'early-stop': { patience: 0 } })).toEqual([
      "steps[2].with.early-stop.patience: 'patience' must be at least 1, not 0",
    ]);
    expect(issuesWith({ 'early-stop': { patience: 3, 'min-delta': -1 } })).toEqual([
      "steps[2].with.early-stop.min-delta: 'min-delta' must be at least 0, not -1",
    ]);
    expect(issuesWith({ run: undefined })).toEqual(["steps[2].with: slipway/tune needs input 'run' (the command each trial runs)"]);
    expect(issuesWith({ run: 'train --depth ${{ trial.params.max_dpeth }}' })).toEqual([
      "steps[2].with.run: 'trial.params.max_dpeth' names no parameter (did you mean 'max_depth'?)",
    ]);
    expect(issuesWith({ outputs: { model: '../model' } })).toEqual([
      "steps[2].with.outputs.model: the path of output 'model' must be a relative path inside the step's workspace, not '../model'",
    ]);
    expect(issuesWith({ metrics: [{ name: 'rmse', regex: 'rmse=[0-9.]+' }] })).toEqual([
      "steps[2].with.metrics[0].regex: the regex of metric 'rmse' must have exactly one capture group (the value), not 0",
    ]);
  });

  it('leaves expressions for the engine: no issue, and no spec until they are evaluated', () => {
    const { spec, issues } = read({ ...valid, 'max-trials': '${{ params.trials }}', strategy: '${{ params.strategy }}' });
    expect(issues).toEqual([]);
    expect(spec).toBeUndefined();
    expect(read({ ...valid, 'max-trials': 12, strategy: 'random' }).spec).toMatchObject({ maxTrials: 12, strategy: 'random' });
  });
});

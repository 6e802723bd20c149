import { describe, expect, it } from 'vitest';
import { parsePipelineYaml } from '../../../src/pipelines/parse-pipeline-yaml.js';
import { dedent, yamlErrors } from '../support.js';

const tune = (run: string, extra = ''): string => `
  name: tuned
  params:
    trials: { type: int, default: 4 }
  steps:
    - id: tune
      uses: slipway/tune
      with:
        run: ${run}
        outputs: { model: model/, score: { type: value } }
        metrics: [{ name: rmse, regex: 'rmse=([0-9.]+)' }]
        parameters:
          max_depth: { type: int, min: 2, max: 8 }
          criterion: [gini, entropy]
        max-trials: \${{ params.trials }}
        objective: { metric: rmse, direction: minimize }
${extra}`;

describe('validating slipway/tune steps (file:line:column)', () => {
  it('accepts trial expressions in the template and downstream references to the best trial', () => {
    const pipeline = parsePipelineYaml(
      dedent(
        tune(
          "python train.py --max-depth ${{ trial.params.max_depth }} --criterion ${{ trial.params['criterion'] }} --trial ${{ trial.number }}",
          `
    - id: use
      needs: tune
      run: echo \${{ steps.tune.artifacts.model }} \${{ steps.tune.outputs.score }} \${{ steps.tune.metrics.rmse }} \${{ steps.tune.outputs.best-params }} \${{ steps.tune.outputs['best-trial'] }}`,
        ),
      ),
      'pipeline.yaml',
    );
    expect(pipeline.steps.map((s) => s.id)).toEqual(['tune', 'use']);
  });

  it('names a trial parameter that does not exist', () => {
    expect(yamlErrors(tune('python train.py --max-depth ${{ trial.params.max_dpeth }}'))).toEqual([
      "pipeline.yaml:8:12: 'trial.params.max_dpeth' names no parameter (did you mean 'max_depth'?)",
    ]);
  });

  it("rejects 'trial' outside a tune step's template", () => {
    expect(
      yamlErrors(
        tune(
          'echo ${{ trial.params.max_depth }}',
          `
    - id: other
      needs: tune
      run: echo \${{ trial.params.max_depth }}`,
        ),
      ),
    ).toEqual([
      "pipeline.yaml:19:19: 'trial' is only available in the trial template of a slipway/tune step (its run, env, working-directory and outputs)",
    ]);
    expect(yamlErrors(tune('echo ${{ trial.params.max_depth }}').replace('max-trials: ${{ params.trials }}', 'max-trials: ${{ trial.number }}'))).toEqual([
      "pipeline.yaml:14:23: 'trial' is only available in the trial template of a slipway/tune step (its run, env, working-directory and outputs)",
    ]);
  });

  it('rejects a downstream reference to an output the template does not declare', () => {
    expect(
      yamlErrors(
        tune(
          'echo ${{ trial.params.max_depth }}',
          `
    - id: use
      needs: tune
      run: echo \${{ steps.tune.outputs.accuracy }} \${{ steps.tune.artifacts.score }}`,
        ),
      ),
    ).toEqual([
      "pipeline.yaml:19:19: step 'tune' has no output 'accuracy' (it has 'best-trial', 'best-objective', 'best-run-id', 'best-params', 'trials', 'search-run-id', 'seed' and 'score')",
      "pipeline.yaml:19:54: 'score' is a value output of step 'tune': use steps.tune.outputs.score",
    ]);
  });

  it('rejects a template output named like one of the step’s own outputs', () => {
    expect(yamlErrors(tune('echo ${{ trial.params.max_depth }}').replace('score: { type: value }', 'trials: { type: value }'))).toEqual([
      "pipeline.yaml:9:33: output 'trials' is one of the tune step's own outputs (best-trial, best-objective, best-run-id, best-params, trials, search-run-id, seed): rename it",
    ]);
  });
});

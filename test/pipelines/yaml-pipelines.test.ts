import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateInputs, interpolate, type ExpressionContext } from '../../src/core/pipelines/expressions/evaluate-expression.js';
import { expandMatrix } from '../../src/core/pipelines/expand-matrix.js';
import { stepOrder } from '../../src/core/pipelines/pipeline-graph.js';
import { parsePipelineYaml } from '../../src/pipelines/parse-pipeline-yaml.js';
import { dedent, yamlErrors } from './support.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('YAML pipelines', () => {
  it('reads the California housing pipeline', () => {
    const pipeline = parsePipelineYaml(fixture('california-housing.yaml'), 'california-housing.yaml');
    expect(pipeline.name).toBe('california-housing');
    expect(pipeline.params).toEqual({
      n_estimators: { type: 'int', default: 150, description: 'Trees in the forest.' },
      max_depth: { type: 'int', default: 12 },
      target: { type: 'string', default: 'MedHouseVal' },
      model_name: { type: 'string', default: 'housing-random-forest' },
      notify: { type: 'bool', default: false },
    });
    expect(stepOrder(pipeline)).toEqual(['prepare', 'train', 'evaluate', 'register', 'promote', 'announce']);
    const [prepare, train, evaluate, register, promote, announce] = pipeline.steps;
    expect(prepare).toMatchObject({ kind: 'run', outputs: { data: { type: 'file', path: 'data/housing.csv' } }, cache: { enabled: true, expireAfterSeconds: 86_400 } });
    expect(train).toMatchObject({
      kind: 'run',
      needs: ['prepare'],
      timeoutMinutes: 60,
      retry: { maxAttempts: 3, backoff: { initialSeconds: 30, factor: 2, maxSeconds: 300, jitter: 0.5 }, retryOn: ['timeout', 'infrastructure'] },
      outputs: { model: { type: 'dir', path: 'model/', description: 'The fitted scikit-learn pipeline.' } },
      metrics: [
        { name: 'rmse', regex: 'rmse: ([0-9.]+)' },
        { name: 'r2', regex: 'r2: ([0-9.]+)' },
      ],
    });
    expect(evaluate).toMatchObject({ kind: 'uses', uses: 'slipway/evaluate', with: { step: 'train', threshold: 'rmse < 60000' } });
    expect(register).toMatchObject({ kind: 'uses', uses: 'slipway/register-model' });
    expect(promote).toMatchObject({ with: { version: '${{ steps.register.outputs.version }}', alias: 'champion' } });
    expect(announce).toMatchObject({ if: 'params.notify', with: { format: 'slack' } });

    // What the executor will do with it: interpolate with an execution's values.
    const context: ExpressionContext = {
      params: { n_estimators: 300, max_depth: 12, target: 'MedHouseVal', model_name: 'housing-rf', notify: false },
      pipeline: { name: pipeline.name },
      execution: { id: 'ex-1' },
      steps: {
        prepare: { result: 'success', artifacts: { data: '/runs/ex-1/prepare/data/housing.csv' } },
        train: { result: 'success', metrics: { rmse: 51234.5 } },
        register: { result: 'success', outputs: { name: 'housing-rf', version: '7' } },
      },
    };
    if (train?.kind !== 'run' || register?.kind !== 'uses') throw new Error('unexpected step kinds');
    expect(interpolate(train.run, context)).toBe(
      'python train.py \\\n  --data /runs/ex-1/prepare/data/housing.csv \\\n  --target MedHouseVal \\\n  --n-estimators 300 \\\n  --max-depth 12\n',
    );
    expect(evaluateInputs(register.with, context)).toEqual({
      name: 'housing-rf',
      step: 'train',
      description: 'n_estimators=300, max_depth=12',
      tags: { pipeline: 'california-housing', execution: 'ex-1' },
    });
  });

  it('reads a matrix fanned out over an upstream output', () => {
    const pipeline = parsePipelineYaml(fixture('regional-fan-out.yaml'), 'regional-fan-out.yaml');
    const train = pipeline.steps[1];
    expect(train?.matrix).toEqual({
      axes: {
        region: '${{ fromJSON(steps.discover.outputs.regions) }}',
        model: '${{ fromJSON(params.models) }}',
      },
      include: [{ model: 'rf', trees: 300 }],
      exclude: [{ model: 'gbr', region: 'islands' }],
      maxParallel: 4,
    });
    expect(train).toMatchObject({ outputs: { model: { type: 'dir', path: 'models/${{ matrix.region }}-${{ matrix.model }}/' } } });
    // The executor evaluates the axes, then expands the combinations.
    const context: ExpressionContext = {
      params: { models: '["rf", "gbr"]' },
      pipeline: { name: pipeline.name },
      execution: { id: 'ex-2' },
      steps: { discover: { result: 'success', outputs: { regions: '["north","islands"]' } } },
    };
    const axes = Object.fromEntries(
      Object.entries(train?.matrix?.axes ?? {}).map(([axis, values]) => [axis, evaluateInputs(values, context) as string[]]),
    );
    const combinations = expandMatrix(train?.matrix ?? { include: [], exclude: [] }, axes);
    expect(combinations).toEqual([
      { region: 'north', model: 'rf', trees: 300 },
      { region: 'north', model: 'gbr' },
      { region: 'islands', model: 'rf', trees: 300 },
    ]);
    if (train?.kind !== 'run') throw new Error('unexpected step kind');
    expect(interpolate(train.run, { ...context, matrix: combinations[1] ?? {} })).toBe(
      'python train.py --region north --model gbr --trees 100',
    );
  });
});

describe('YAML pipeline errors name file:line:column', () => {
  it('YAML syntax errors', () => {
    expect(
      yamlErrors(`
        name: x
        steps:
          - id: a
            run: [echo
      `),
    ).toEqual(['pipeline.yaml:5:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]']);
    expect(
      yamlErrors(`
        name: x
        name: y
        steps: []
      `),
    ).toEqual(['pipeline.yaml:2:1: invalid YAML: Map keys must be unique']);
    expect(yamlErrors('name: x\n  bad: indent\n')).toEqual([
      'pipeline.yaml:1:7: invalid YAML: Nested mappings are not allowed in compact mappings',
      'pipeline.yaml:1:7: invalid YAML: Implicit keys need to be on a single line',
    ]);
  });

  it('an empty file or one that is not a map', () => {
    expect(yamlErrors('# nothing\n')).toEqual(['pipeline.yaml: the pipeline definition is empty']);
    expect(yamlErrors('- a\n- b\n')).toEqual(['pipeline.yaml:1:1: a pipeline definition must be a map, not a list']);
  });

  it('pipeline-level keys', () => {
    expect(
      yamlErrors(`
        name: my pipeline
        jobs: {}
        steps:
          - id: a
            run: echo
      `),
    ).toEqual([
      "pipeline.yaml:1:7: invalid pipeline name 'my pipeline' (letters, digits, '_', '.', '-', starting with a letter or digit, at most 100)",
      "pipeline.yaml:2:1: unknown key 'jobs' in the pipeline (pipelines have 'steps' (a list), not 'jobs')",
    ]);
    expect(yamlErrors('steps:\n  - id: a\n    run: echo\n')).toEqual(["pipeline.yaml:1:1: the pipeline needs a 'name'"]);
  });

  it('params', () => {
    expect(
      yamlErrors(`
        name: x
        params:
          n:
            type: integer
          lr:
            type: float
            default: fast
          model:
            type: choice
            options: [rf, gbr]
            default: xgb
          depth:
            type: int
            options: [1, 2]
          version:
            type: string
            default: 1.10
          region:
            type: choice
          flag:
            type: bool
            required: true
          2fast: { type: int }
        steps:
          - id: a
            run: echo
      `),
    ).toEqual([
      "pipeline.yaml:4:11: unknown param type 'integer' (did you mean 'int'?)",
      "pipeline.yaml:7:14: the default of param 'lr' must be a number, not 'fast'",
      "pipeline.yaml:11:14: the default of param 'model' must be one of 'rf' or 'gbr', not 'xgb'",
      "pipeline.yaml:14:5: 'options' only goes with type 'choice' (param 'depth' is int)",
      "pipeline.yaml:17:14: the default of param 'version' must be a string, not a number (1.1) (quote it)",
      "pipeline.yaml:18:3: choice param 'region' needs 'options'",
      "pipeline.yaml:22:5: unknown key 'required' in param 'flag' (a param without a default is required)",
      "pipeline.yaml:23:3: invalid param name '2fast' (letters, digits, '_' and '-', starting with a letter or '_')",
    ]);
  });

  it('step shape', () => {
    expect(
      yamlErrors(`
        name: x
        steps:
          - run: echo no id
          - id: 9lives
            run: echo
          - id: both
            run: echo
            uses: slipway/notify
          - id: neither
            env: { A: 1 }
          - id: typo
            run: echo
            timeout: 5
            depends_on: [both]
          - id: with-on-run
            run: echo
            with: { a: 1 }
          - id: outputs-on-uses
            uses: slipway/notify
            with: { url: 'https://x', message: hi }
            outputs: { a: a.txt }
          - id: typo
            run: echo
      `),
    ).toEqual([
      "pipeline.yaml:3:5: a step needs an 'id'",
      "pipeline.yaml:4:9: invalid step id '9lives' (letters, digits, '_' and '-', starting with a letter or '_')",
      "pipeline.yaml:8:11: step 'both' has both 'run' and 'uses'; give one",
      "pipeline.yaml:9:5: step 'neither' needs 'run' (a shell command) or 'uses' (a built-in step)",
      "pipeline.yaml:13:5: unknown key 'timeout' in step 'typo' (use 'timeout-minutes')",
      "pipeline.yaml:14:5: unknown key 'depends_on' in step 'typo' (use 'needs')",
      "pipeline.yaml:17:5: 'with' only goes with 'uses' steps (pass values to a 'run' step with 'env')",
      "pipeline.yaml:21:5: 'outputs' only goes with 'run' steps (built-in steps declare their own outputs)",
      "pipeline.yaml:22:9: duplicate step id 'typo' (also steps[4])",
    ]);
  });

  it('needs: unknown steps, self, repeats, cycles', () => {
    expect(
      yamlErrors(`
        name: x
        steps:
          - id: prepare
            run: echo
          - id: train
            needs: [prepare, prep]
            run: echo
          - id: evaluate
            needs: [evaluate, train, train]
            run: echo
          - id: a
            needs: c
            run: echo
          - id: b
            needs: [a]
            run: echo
          - id: c
            needs:
              - prepare
              - b
            run: echo
      `),
    ).toEqual([
      "pipeline.yaml:6:22: step 'train' needs unknown step 'prep' (did you mean 'prepare'?)",
      "pipeline.yaml:9:13: step 'evaluate' needs itself",
      "pipeline.yaml:9:30: step 'evaluate' lists 'train' in needs twice",
      'pipeline.yaml:15:13: cycle in needs: a → c → b → a',
    ]);
  });

  it('expressions: references, syntax, types, positions inside every kind of scalar', () => {
    expect(
      yamlErrors(`
        name: x
        params:
          n: { type: int, default: 1 }
          deploy: { type: bool, default: false }
        env:
          GLOBAL: \${{ steps.a.outputs.x }}
        steps:
          - id: a
            run: echo \${{ params.m }}
            outputs:
              x: { type: value }
              data: data/
            metrics: { rmse: 'rmse=(\\d+)' }
          - id: b
            needs: a
            if: params.deploy == 'true'
            run: |
              echo one
              echo \${{ steps.a.outputs.data }} \${{ steps.c.outputs.x }}
            env:
              QUOTED: "tab\\t\${{ steps.a.metrics.mae }}"
              SINGLE: 'it''s \${{ matrix.x }}'
              FOLDED: >
                first line
                and \${{ contains(1) }}
            working-directory: \${{ params.n = 1 }}
          - id: c
            needs: b
            run: echo \${{ steps.a.artifacts.data
      `),
    ).toEqual([
      "pipeline.yaml:6:15: 'steps' is not available in the pipeline's env",
      "pipeline.yaml:9:19: unknown param 'm'",
      "pipeline.yaml:16:26: bool param 'deploy' compared with the string 'true' is always false (write true without quotes)",
      "pipeline.yaml:19:16: 'data' is a file or directory output of step 'a': use steps.a.artifacts.data",
      "pipeline.yaml:19:44: step 'b' refers to step 'c', which is not upstream of it (add 'c' to needs)",
      "pipeline.yaml:21:25: step 'a' has no metric 'mae' (it has 'rmse')",
      "pipeline.yaml:22:26: 'matrix' is only available in a step with a matrix",
      'pipeline.yaml:25:17: contains() takes 2 arguments: contains(search, item)',
      "pipeline.yaml:26:37: invalid expression: unexpected '=' (compare with '==')",
      "pipeline.yaml:29:15: invalid expression: '${{' is not closed by '}}'",
    ]);
  });

  it('metrics, retry, cache, timeouts, paths', () => {
    expect(
      yamlErrors(`
        name: x
        steps:
          - id: a
            run: echo
            metrics:
              - name: rmse
                regex: 'rmse=\\d+'
              - name: r2
                regex: '(r2)=(\\d+)'
              - name: bad
                regex: '(unclosed'
              - name: rmse
                regex: '(x)'
            timeout-minutes: 0
            retry:
              max-attempts: 0
              retry-on: [oom]
              backoff: { jitter: 2 }
            cache:
              expire-after: 30 days
            outputs:
              escape: ../outside
              abs: { path: /etc/passwd }
            working-directory: src/../..
      `),
    ).toEqual([
      "pipeline.yaml:7:16: the regex of metric 'rmse' must have exactly one capture group (the value), not 0",
      "pipeline.yaml:9:16: the regex of metric 'r2' must have exactly one capture group (the value), not 2; make the others non-capturing with '(?:…)'",
      "pipeline.yaml:11:16: the regex of metric 'bad' does not compile: /(unclosed/: Unterminated group",
      "pipeline.yaml:12:15: metric 'rmse' is defined twice",
      "pipeline.yaml:14:22: 'timeout-minutes' of step 'a' must be greater than 0, not 0",
      "pipeline.yaml:16:21: 'max-attempts' must be between 1 and 100, not 0",
      "pipeline.yaml:17:18: unknown failure class 'oom' (expected 'user', 'timeout' or 'infrastructure')",
      "pipeline.yaml:18:26: 'jitter' must be a number between 0 and 1 (the randomised fraction of each delay) or a boolean",
      "pipeline.yaml:20:21: invalid duration '30 days' for 'expire-after' (ISO-8601 like 'P30D' or 'PT12H', or '30d', '2h', '15m', '45s')",
      "pipeline.yaml:22:15: the path of output 'escape' must be a relative path inside the step's workspace, not '../outside'",
      "pipeline.yaml:23:20: the path of output 'abs' must be a relative path inside the step's workspace, not '/etc/passwd'",
      "pipeline.yaml:24:24: 'working-directory' must be a relative path inside the step's workspace, not 'src/../..'",
    ]);
  });

  it('matrices', () => {
    expect(
      yamlErrors(`
        name: x
        params:
          n: { type: int, default: 1 }
        steps:
          - id: a
            run: echo
            matrix:
              empty: []
              text: not a list
          - id: b
            run: echo
            matrix:
              x: [1, 2]
              exclude:
                - y: 1
          - id: c
            run: echo \${{ matrix.z }}
            matrix:
              z: \${{ params.n }}
          - id: d
            run: echo
            matrix:
              a: [1, 2, 3, 4, 5, 6, 7, 8]
              b: [1, 2, 3, 4, 5, 6, 7, 8]
              c: [1, 2, 3, 4, 5]
      `),
    ).toEqual([
      "pipeline.yaml:8:7: matrix axis 'empty' must not be empty",
      "pipeline.yaml:9:13: matrix axis 'text' must be a list or one '${{ … }}' expression that yields a list",
      "pipeline.yaml:15:11: 'exclude' names 'y', which is not a matrix axis",
      "pipeline.yaml:19:10: matrix axis 'z' must yield a list, but int param 'n' is a number (use fromJSON() to parse a JSON list)",
      "pipeline.yaml:22:5: the matrix of step 'd' has 320 combinations; at most 256 are allowed",
    ]);
  });

  it('built-in steps and their inputs', () => {
    expect(
      yamlErrors(`
        name: x
        params:
          flag: { type: bool, default: true }
        steps:
          - id: train
            run: echo
            metrics: { rmse: 'rmse=(\\d+)' }
          - id: gate
            needs: train
            uses: slipway/evaluat
          - id: evaluate
            needs: train
            uses: slipway/evaluate
            with:
              step: train
              threshold: [rmse < 1, mae < 2, rmse about 3]
              champion: { model: m, metric: rmse, direction: down, alias: a, stage: Production }
              fail-on-rejct: true
          - id: register
            uses: slipway/register-model
            with:
              step: train
              model-dir: model/
              tags: { a: [1] }
          - id: promote
            needs: register
            uses: slipway/promote
          - id: ping
            uses: slipway/notify
            with:
              url: ftp://example.com
              message: \${{ params.flag }}
              format: \${{ params.flag }}
              headers: \${{ params.flag }}
      `),
    ).toEqual([
      "pipeline.yaml:10:11: unknown built-in step 'slipway/evaluat' (did you mean 'slipway/evaluate'?); the built-in steps are 'slipway/evaluate', 'slipway/register-model', 'slipway/promote', 'slipway/notify', 'slipway/approval', 'slipway/tune', 'slipway/batch-transform', 'slipway/deploy' and 'slipway/smoke-test'",
      "pipeline.yaml:16:29: step 'train' has no metric 'mae' (it has 'rmse')",
      "pipeline.yaml:16:38: invalid threshold 'rmse about 3' (expected '<metric> <op> <number>', e.g. 'rmse < 60000')",
      "pipeline.yaml:17:54: 'direction' must be one of 'minimize' or 'maximize', not 'down'",
      "pipeline.yaml:17:77: give the champion's 'alias' or its 'stage', not both",
      "pipeline.yaml:18:7: slipway/evaluate has no input 'fail-on-rejct' (did you mean 'fail-on-reject'?)",
      'pipeline.yaml:21:5: slipway/register-model needs input \'name\' (The registered model (created if missing).)',
      "pipeline.yaml:22:13: step 'train' is not upstream of step 'register' (add 'train' to needs)",
      "pipeline.yaml:23:18: give 'step' or 'model-dir', not both",
      "pipeline.yaml:24:15: 'tags' maps names to strings, not to a list",
      "pipeline.yaml:27:11: slipway/promote needs input 'name' (The registered model.)",
      "pipeline.yaml:27:11: slipway/promote needs input 'version' (The version, typically '${{ steps.<register>.outputs.version }}'.)",
      "pipeline.yaml:27:11: slipway/promote needs 'alias' or 'stage'",
      "pipeline.yaml:31:12: 'ftp://example.com' is not an http(s) URL",
      "pipeline.yaml:34:16: 'headers' expects a map of names to strings, but bool param 'flag' is a boolean",
    ]);
  });

  it('places issues in a file whose steps come through an alias', () => {
    expect(
      yamlErrors(`
        name: x
        steps:
          - &base
            id: a
            run: echo \${{ params.nope }}
          - id: b
            run: echo
      `),
    ).toEqual(["pipeline.yaml:5:19: unknown param 'nope' (the pipeline declares no params)"]);
  });

  it('keeps YAML 1.2 strings as strings (on, yes, no)', () => {
    const pipeline = parsePipelineYaml(
      dedent(`
        name: x
        params:
          answer: { type: choice, options: [yes, no], default: no }
        steps:
          - id: on
            run: echo
      `),
      'p.yaml',
    );
    expect(pipeline.params.answer).toEqual({ type: 'choice', options: ['yes', 'no'], default: 'no' });
    expect(pipeline.steps[0]?.id).toBe('on');
  });
});

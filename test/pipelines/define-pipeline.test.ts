import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { canonicalPipelineJson } from '../../src/core/pipelines/canonical-pipeline-json.js';
import { definePipeline, isDefinedPipeline, type PipelineParams } from '../../src/pipelines/define-pipeline.js';
import { parsePipelineYaml } from '../../src/pipelines/parse-pipeline-yaml.js';
import { hashPipeline } from '../../src/pipelines/pipeline-hash.js';
import californiaHousing from './fixtures/california-housing.js';
import { errorLines } from './support.js';

const yaml = parsePipelineYaml(
  readFileSync(new URL('./fixtures/california-housing.yaml', import.meta.url), 'utf8'),
  'california-housing.yaml',
);

describe('definePipeline', () => {
  it('builds the same model as the YAML form', () => {
    expect(californiaHousing).toEqual(yaml);
    expect(canonicalPipelineJson(californiaHousing)).toBe(canonicalPipelineJson(yaml));
    expect(hashPipeline(californiaHousing)).toBe(hashPipeline(yaml));
    expect(isDefinedPipeline(californiaHousing)).toBe(true);
    expect(isDefinedPipeline(yaml)).toBe(false);
  });

  it('types the param values of an execution', () => {
    const pipeline = definePipeline({
      name: 'typed',
      params: {
        n: { type: 'int', default: 1 },
        model: { type: 'choice', options: ['rf', 'gbr'] },
        flag: { type: 'bool' },
        label: { type: 'string', default: 'x' },
      },
      steps: { a: { run: 'echo ${{ params.model }} ${{ params.flag }}' } },
    });
    expectTypeOf<PipelineParams<typeof pipeline>>().toEqualTypeOf<
      { readonly model: 'rf' | 'gbr'; readonly flag: boolean } & { readonly n?: number; readonly label?: string }
    >();
    expect(Object.keys(pipeline.params)).toEqual(['n', 'model', 'flag', 'label']);
  });

  it('accepts every expression the YAML form accepts', () => {
    const pipeline = definePipeline({
      name: 'expressions',
      params: { regions: { type: 'string', default: '["eu"]' }, deploy: { type: 'bool', default: true } },
      steps: {
        discover: { run: 'ls', outputs: { found: { type: 'value' }, listing: 'listing.txt' }, metrics: { count: 'count=(\\d+)' } },
        fan: {
          needs: ['discover'],
          matrix: { region: '${{ fromJSON(params.regions) }}', size: [1, 2], include: [{ size: 3, extra: true }], maxParallel: 2 },
          run: "train --region ${{ matrix.region }} --size ${{ matrix.size }} ${{ matrix.extra && '--extra' }}",
          outputs: { model: 'model-${{ matrix.region }}/' },
          if: "${{ params.deploy && steps.discover.outputs.found != '' }}",
        },
        report: {
          needs: 'fan',
          if: 'always()',
          run: "echo ${{ toJSON(steps.fan.artifacts.model) }} ${{ steps.discover.metrics.count }} ${{ steps['discover'].result }}",
          workingDirectory: 'reports/${{ execution.id }}',
          env: { PIPELINE: '${{ pipeline.name }}', LISTING: '${{ steps.discover.artifacts.listing }}' },
        },
      },
    });
    expect(pipeline.steps.map((s) => s.id)).toEqual(['discover', 'fan', 'report']);
    expect(pipeline.steps[1]?.matrix).toEqual({
      axes: { region: '${{ fromJSON(params.regions) }}', size: [1, 2] },
      include: [{ size: 3, extra: true }],
      exclude: [],
      maxParallel: 2,
    });
  });

  it('turns bad references into compile errors (and run-time errors)', () => {
    // Each of these fails `npm run typecheck` without its @ts-expect-error, and throws.
    expect(() =>
      definePipeline({
        name: 'x',
        steps: {
          a: { run: 'a' },
          // @ts-expect-error 'prep' is not a step
          b: { needs: ['prep'], run: 'b' },
        },
      }),
    ).toThrow("steps.b.needs[0]: step 'b' needs unknown step 'prep'");

    expect(() =>
      definePipeline({
        name: 'x',
        params: { n_estimators: { type: 'int', default: 100 } },
        steps: {
          // @ts-expect-error unknown param
          train: { run: 'python train.py --n ${{ params.n_estimaters }}' },
        },
      }),
    ).toThrow("steps.train.run: unknown param 'n_estimaters' (did you mean 'n_estimators'?)");

    expect(() =>
      definePipeline({
        name: 'x',
        steps: {
          prepare: { run: 'a', outputs: { data: 'data/' } },
          // @ts-expect-error 'prepare' is not upstream of 'train'
          train: { run: 'train --data ${{ steps.prepare.artifacts.data }}' },
        },
      }),
    ).toThrow("steps.train.run: step 'train' refers to step 'prepare', which is not upstream of it (add 'prepare' to needs)");

    expect(() =>
      definePipeline({
        name: 'x',
        steps: {
          prepare: { run: 'a', outputs: { data: 'data/' } },
          // @ts-expect-error 'data' is a directory: it is an artifact, not an output
          train: { needs: 'prepare', run: 'train --data ${{ steps.prepare.outputs.data }}' },
        },
      }),
    ).toThrow("'data' is a file or directory output of step 'prepare': use steps.prepare.artifacts.data");

    expect(() =>
      definePipeline({
        name: 'x',
        steps: {
          train: { run: 'a', metrics: { rmse: 'rmse=(.+)' } },
          // @ts-expect-error no metric 'mae'
          gate: { needs: 'train', if: 'steps.train.metrics.mae < 3', run: 'b' },
        },
      }),
    ).toThrow("steps.gate.if: step 'train' has no metric 'mae' (it has 'rmse')");

    expect(() =>
      definePipeline({
        name: 'x',
        steps: {
          register: { uses: 'slipway/register-model', with: { name: 'm', 'model-dir': 'model/' } },
          // @ts-expect-error register-model has no output 'versoin'
          promote: { needs: 'register', uses: 'slipway/promote', with: { name: 'm', version: '${{ steps.register.outputs.versoin }}', alias: 'champion' } },
        },
      }),
    ).toThrow("steps.promote.with.version: step 'register' has no output 'versoin' (it has 'name' and 'version')");

    expect(() =>
      definePipeline({
        name: 'x',
        steps: {
          train: { run: 'a', metrics: { rmse: 'rmse=(.+)' } },
          // @ts-expect-error the threshold names a metric 'train' does not read
          evaluate: { needs: 'train', uses: 'slipway/evaluate', with: { step: 'train', threshold: 'mae < 3' } },
        },
      }),
    ).toThrow("steps.evaluate.with.threshold: step 'train' has no metric 'mae' (it has 'rmse')");

    expect(() =>
      definePipeline({
        name: 'x',
        steps: {
          train: { run: 'a' },
          // @ts-expect-error 'matrix' outside a matrix step
          report: { needs: 'train', run: 'echo ${{ matrix.region }}' },
        },
      }),
    ).toThrow("steps.report.run: 'matrix' is only available in a step with a matrix");

    expect(() =>
      definePipeline({
        name: 'x',
        // @ts-expect-error the default is not an option
        params: { model: { type: 'choice', options: ['rf', 'gbr'], default: 'xgb' } },
        steps: { train: { run: 'a' } },
      }),
    ).toThrow("params.model.default: the default of param 'model' must be one of 'rf' or 'gbr', not 'xgb'");

    expect(() =>
      definePipeline({
        name: 'x',
        // @ts-expect-error an int param's default is a number
        params: { n: { type: 'int', default: '3' } },
        steps: { train: { run: 'a' } },
      }),
    ).toThrow("params.n.default: the default of param 'n' must be an integer, not '3'");

    expect(() =>
      definePipeline({
        name: 'x',
        steps: {
          // @ts-expect-error an unknown built-in step
          a: { uses: 'slipway/teleport', with: {} },
        },
      }),
    ).toThrow("steps.a.uses: unknown built-in step 'slipway/teleport'");
  });

  it('reports what only the validator sees, in TypeScript terms', () => {
    const needs: string = 'a';
    expect(
      errorLines(() =>
        definePipeline({
          name: 'cycle',
          steps: {
            a: { needs: 'b', run: 'a', timeoutMinutes: -1, retry: { maxAttempts: 0 }, cache: { expireAfter: 'soon' } },
            b: { needs, run: 'b', matrix: { x: [], maxParallel: 0 } },
          },
        }),
      ),
    ).toEqual([
      "steps.a.timeoutMinutes: 'timeoutMinutes' of step 'a' must be greater than 0, not -1",
      "steps.a.retry.maxAttempts: 'maxAttempts' must be between 1 and 100, not 0",
      "steps.a.cache.expireAfter: invalid duration 'soon' for 'expireAfter' (ISO-8601 like 'P30D' or 'PT12H', or '30d', '2h', '15m', '45s')",
      "steps.b.matrix.x: matrix axis 'x' must not be empty",
      "steps.b.matrix.maxParallel: 'maxParallel' must be at least 1, not 0",
      'steps.b.needs: cycle in needs: a → b → a',
    ]);
  });
});

// The same pipeline as pipeline.yaml, in TypeScript: both give the same model and hash.
//
//   slipway run examples/california-housing/pipeline.ts -p n_estimators=200 --wait
// Outside this repository: import { definePipeline } from 'slipway/sdk'. Here the source is
// imported, so that type-checking and linting the examples need no build.
import { definePipeline } from '../../src/pipelines/define-pipeline.js';

export default definePipeline({
  name: 'california-housing',
  description: 'Random forest on the California housing data, promoted to champion when it beats the current one.',
  on: {
    schedule: [{ cron: '0 8 * * MON-FRI', timezone: 'Europe/Berlin', catchUp: '6h' }],
    data: [{ path: 'data/california-housing.csv', debounce: '30s' }],
  },
  params: {
    n_estimators: { type: 'int', default: 100, description: 'Trees in the forest.' },
    max_depth: { type: 'int', default: 12, description: 'The deepest a tree may grow.' },
    model_name: { type: 'string', default: 'california-housing', description: 'The registered model.' },
    min_improvement: {
      type: 'float',
      default: 0.01,
      description: 'The least relative RMSE improvement over the champion (0.01 = 1 %).',
    },
  },
  steps: {
    prepare: {
      run: 'python prepare.py --data data/california-housing.csv --out prepared',
      outputs: {
        train: 'prepared/train.csv',
        test: 'prepared/test.csv',
        rows: { type: 'value', description: 'Rows in the raw data.' },
        train_rows: { type: 'value', description: 'Rows in the training set.' },
        test_rows: { type: 'value', description: 'Rows in the test set.' },
        imputed_total_bedrooms: { type: 'value', description: 'Missing total_bedrooms filled with the training median.' },
      },
    },
    train: {
      needs: 'prepare',
      run: [
        'python train.py \\',
        '  --train "${{ steps.prepare.artifacts.train }}" \\',
        '  --test "${{ steps.prepare.artifacts.test }}" \\',
        '  --n-estimators ${{ params.n_estimators }} \\',
        '  --max-depth ${{ params.max_depth }}',
        '',
      ].join('\n'),
      timeoutMinutes: 15,
      metrics: [
        { name: 'rmse', regex: 'rmse: ([0-9.]+)' },
        { name: 'mae', regex: 'mae: ([0-9.]+)' },
        { name: 'r2', regex: 'r2: (-?[0-9.]+)' },
      ],
    },
    evaluate: {
      needs: 'train',
      uses: 'slipway/evaluate',
      with: {
        step: 'train',
        threshold: 'rmse < 70000',
        champion: {
          model: '${{ params.model_name }}',
          alias: 'champion',
          metric: 'rmse',
          direction: 'minimize',
          'min-relative-improvement': '${{ params.min_improvement }}',
        },
      },
    },
    register: {
      needs: 'evaluate',
      uses: 'slipway/register-model',
      with: {
        name: '${{ params.model_name }}',
        step: 'train',
        // One literal (not a concatenation), so that its references are checked at compile time.
        description:
          'Random forest (n_estimators=${{ params.n_estimators }}, max_depth=${{ params.max_depth }}) trained on ${{ steps.prepare.outputs.train_rows }} districts, RMSE ${{ steps.train.metrics.rmse }}.',
        tags: { pipeline: '${{ pipeline.name }}', execution: '${{ execution.id }}' },
      },
    },
    promote: {
      needs: 'register',
      uses: 'slipway/promote',
      with: { name: '${{ params.model_name }}', version: '${{ steps.register.outputs.version }}', alias: 'champion' },
    },
  },
});

// The same pipeline as pipeline.yaml, in TypeScript: both give the same model and hash.
//
//   slipway run examples/heart-disease/pipeline.ts -p C=0.5 --wait
// Outside this repository: import { definePipeline } from 'slipway/sdk'. Here the source is
// imported, so that type-checking and linting the examples need no build.
import { definePipeline } from '../../src/pipelines/define-pipeline.js';

export default definePipeline({
  name: 'heart-disease',
  description: 'Logistic regression on the UCI heart-disease data, registered when its validation ROC AUC is above 0.8.',
  params: {
    data: {
      type: 'string',
      default: 'data/heart-disease.csv',
      description: "The CSV to train on (relative to the pipeline's code directory, or absolute).",
    },
    C: { type: 'float', default: 1.0, description: 'Inverse regularisation strength of the logistic regression.' },
    model_name: { type: 'string', default: 'heart-disease', description: 'The registered model.' },
  },
  steps: {
    train: {
      run: 'python train.py --data "${{ params.data }}" --C ${{ params.C }}',
      timeoutMinutes: 10,
      metrics: [
        { name: 'acc', regex: '\\bacc: ([0-9.]+)' },
        { name: 'val_acc', regex: '\\bval_acc: ([0-9.]+)' },
        { name: 'roc_auc', regex: '\\broc_auc: ([0-9.]+)' },
      ],
    },
    evaluate: {
      needs: 'train',
      uses: 'slipway/evaluate',
      with: { step: 'train', threshold: 'roc_auc > 0.8' },
    },
    register: {
      needs: 'evaluate',
      uses: 'slipway/register-model',
      with: {
        name: '${{ params.model_name }}',
        step: 'train',
        description: 'Logistic regression (C=${{ params.C }}), validation ROC AUC ${{ steps.train.metrics.roc_auc }}.',
        tags: { pipeline: '${{ pipeline.name }}', execution: '${{ execution.id }}' },
      },
    },
  },
});

/**
 * The California housing model, end to end in Node: load the CSV, split it (seeded), fit the
 * preprocessing on the training rows, fit the linear baseline and the gradient-boosted trees,
 * score both on the held-out rows, and export the trees (preprocessing included) as ONNX.
 * @module
 */

import { fitBoostedTrees, predictTrees, DEFAULT_BOOSTING, type BoostedTrees, type BoostingOptions } from './gradient-boosting.js';
import { CATEGORICAL_COLUMN, loadHousingCsv, NUMERIC_COLUMNS, type HousingData } from './housing-data.js';
import { housingOnnxModel, ONNX_OUTPUT } from './housing-onnx-model.js';
import { countMissing, fitPreprocessor, transformHousing, type HousingPreprocessor } from './housing-preprocessor.js';
import { fitLinearRegression, predictLinear, type LinearModel } from './linear-regression.js';
import { writeOnnxModelDir, type SignatureColumn } from './mlflow-model-dir.js';
import { mae, r2, rmse } from './regression-metrics.js';
import { trainTestSplit } from './train-test-split.js';

export interface HousingTrainingOptions extends BoostingOptions {
  /** The CSV (`examples/california-housing/data/california-housing.csv`). */
  readonly data: string;
  /** The held-out share of rows (default 0.2). */
  readonly testSize?: number;
  /** The split's seed (default 42); the trees' subsampling uses `seed` too. */
  readonly splitSeed?: number;
}

export interface HousingMetrics {
  /** Held-out RMSE of the trees, in $100,000. */
  readonly rmse: number;
  readonly mae: number;
  readonly r2: number;
  /** The linear baseline's held-out RMSE. */
  readonly baseline_rmse: number;
  readonly baseline_mae: number;
  readonly baseline_r2: number;
  readonly training_seconds: number;
}

export interface HousingTraining {
  readonly preprocessor: HousingPreprocessor;
  readonly trees: BoostedTrees;
  readonly baseline: LinearModel;
  readonly metrics: HousingMetrics;
  /** What was trained with, for logging as params. */
  readonly params: Readonly<Record<string, string | number>>;
  readonly train: HousingData;
  readonly test: HousingData;
  /** The held-out rows' predictions of the trees. */
  readonly testPredictions: Float64Array;
  /** The ONNX export. */
  readonly onnx: Uint8Array;
}

/** The served model's input columns: the raw CSV columns but the target. */
export const HOUSING_INPUTS: readonly SignatureColumn[] = [...NUMERIC_COLUMNS.map((name) => ({ name, type: 'double' })), { name: CATEGORICAL_COLUMN, type: 'string' }];
export const HOUSING_OUTPUTS: readonly SignatureColumn[] = [{ name: ONNX_OUTPUT, type: 'float' }];

export async function trainHousingModel(options: HousingTrainingOptions): Promise<HousingTraining> {
  const data = await loadHousingCsv(options.data);
  const { train, test } = trainTestSplit(data, { testSize: options.testSize ?? 0.2, seed: options.splitSeed ?? 42 });
  const preprocessor = fitPreprocessor(train);
  const width = preprocessor.featureNames.length;
  const xTrain = transformHousing(preprocessor, train);
  const xTest = transformHousing(preprocessor, test);
  const boosting = { ...DEFAULT_BOOSTING, ...definedOnly(options) };

  const baseline = fitLinearRegression(xTrain, train.target, width);
  const baselinePredictions = predictLinear(baseline, xTest, width);
  const started = performance.now();
  const trees = fitBoostedTrees(xTrain, train.target, width, boosting);
  const trainingSeconds = (performance.now() - started) / 1000;
  const testPredictions = predictTrees(trees, xTest, width);
  const missing = countMissing(data);

  return {
    preprocessor,
    trees,
    baseline,
    train,
    test,
    testPredictions,
    metrics: {
      rmse: rmse(test.target, testPredictions),
      mae: mae(test.target, testPredictions),
      r2: r2(test.target, testPredictions),
      baseline_rmse: rmse(test.target, baselinePredictions),
      baseline_mae: mae(test.target, baselinePredictions),
      baseline_r2: r2(test.target, baselinePredictions),
      training_seconds: trainingSeconds,
    },
    params: {
      model: 'gradient_boosted_trees',
      n_estimators: boosting.nEstimators,
      max_depth: boosting.maxDepth,
      learning_rate: boosting.learningRate,
      min_samples_leaf: boosting.minSamplesLeaf,
      l2: boosting.l2,
      subsample: boosting.subsample,
      max_bins: boosting.maxBins,
      seed: boosting.seed,
      split_seed: options.splitSeed ?? 42,
      train_rows: train.rows,
      test_rows: test.rows,
      imputed_total_bedrooms: missing['total_bedrooms'] ?? 0,
      target: 'median_house_value / 100000',
    },
    onnx: housingOnnxModel(preprocessor, trees),
  };
}

/** Writes the trained model as an MLflow model directory (ONNX flavor) with the first `exampleRows` held-out rows as its example. */
export async function writeHousingModelDir(training: HousingTraining, dir: string, options: { readonly modelId?: string; readonly exampleRows?: number } = {}): Promise<void> {
  await writeOnnxModelDir(dir, {
    onnx: training.onnx,
    inputs: HOUSING_INPUTS,
    outputs: HOUSING_OUTPUTS,
    example: housingExampleRows(training.test, options.exampleRows ?? 5),
    modelId: options.modelId,
    metadata: { target: 'median_house_value / 100000', trainer: 'slipway gradient-boosted trees (src/ml)' },
  });
}

/** The first `count` rows of `data` as raw signature rows (a blank as null). */
export function housingExampleRows(data: HousingData, count: number): Array<Array<number | string | null>> {
  return Array.from({ length: Math.min(count, data.rows) }, (_, row) => [
    ...data.numeric.map((column) => (Number.isNaN(column[row]!) ? null : column[row]!)),
    data.oceanProximity[row]!,
  ]);
}

function definedOnly(options: BoostingOptions): BoostingOptions {
  return Object.fromEntries(Object.entries(options).filter(([key, value]) => value !== undefined && key in DEFAULT_BOOSTING));
}

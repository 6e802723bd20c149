/**
 * Slipway's small machine-learning library for the Node-only demo (`import … from 'slipway/ml'`):
 * the California housing data, a linear baseline, gradient-boosted regression trees, their
 * ONNX export, MLflow model directories, and logging to a tracking server over REST.
 * @module
 */
export { binFeatures, binOf, type FeatureBins } from './feature-bins.js';
export { DEFAULT_BOOSTING, fitBoostedTrees, predictTrees, type BoostedTrees, type BoostingOptions, type RegressionTree } from './gradient-boosting.js';
export {
  CATEGORICAL_COLUMN,
  loadHousingCsv,
  NUMERIC_COLUMNS,
  OCEAN_PROXIMITY_CATEGORIES,
  parseHousingCsv,
  selectRows,
  TARGET_COLUMN,
  TARGET_SCALE,
  type HousingData,
} from './housing-data.js';
export { housingOnnxModel, ONNX_OUTPUT } from './housing-onnx-model.js';
export { countMissing, fitPreprocessor, transformHousing, type HousingPreprocessor } from './housing-preprocessor.js';
export { fitLinearRegression, predictLinear, type LinearModel } from './linear-regression.js';
export { logHousingModel, type LoggedHousingModel } from './log-housing-model.js';
export { MODEL_FILES, writeOnnxModelDir, type OnnxModelDirSpec, type SignatureColumn } from './mlflow-model-dir.js';
export { MlflowTrackingLogger, type LoggedModelRef, type RunRef } from './mlflow-tracking-logger.js';
export { encodeOnnxModel, ONNX_TYPES, type OnnxModelSpec } from './onnx-proto.js';
export { mae, r2, rmse } from './regression-metrics.js';
export { seededRandom, shuffledIndices } from './seeded-random.js';
export {
  HOUSING_INPUTS,
  HOUSING_OUTPUTS,
  housingExampleRows,
  trainHousingModel,
  writeHousingModelDir,
  type HousingMetrics,
  type HousingTraining,
  type HousingTrainingOptions,
} from './train-housing.js';
export { trainTestSplit, type Split } from './train-test-split.js';

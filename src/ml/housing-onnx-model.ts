/**
 * The ONNX export of the housing model, preprocessing included, so the served model takes
 * the raw CSV columns: eight float inputs and the string `ocean_proximity`, each of shape
 * `[N]` (one column per input, as MLflow's ONNX flavor feeds a DataFrame's columns). The
 * graph: each numeric column `Reshape`d to `[N, 1]` → `Concat` → `Imputer` (blanks/NaN →
 * the training medians) ; `ocean_proximity` → `OneHotEncoder` (unknown → all zeros) ;
 * `Concat` → `TreeEnsembleRegressor` (`ai.onnx.ml`) → `variable` `[N, 1]`, the predicted
 * median house value in units of $100,000.
 * @module
 */

import type { BoostedTrees } from './gradient-boosting.js';
import { CATEGORICAL_COLUMN, NUMERIC_COLUMNS } from './housing-data.js';
import type { HousingPreprocessor } from './housing-preprocessor.js';
import { encodeOnnxModel, ONNX_TYPES, type OnnxNode } from './onnx-proto.js';

/** The ONNX output's name (skl2onnx's name for a regressor's output). */
export const ONNX_OUTPUT = 'variable';

export function housingOnnxModel(pre: HousingPreprocessor, model: BoostedTrees, options: { readonly producerVersion?: string; readonly doc?: string } = {}): Uint8Array {
  const numeric = [...NUMERIC_COLUMNS];
  if (model.featureCount !== numeric.length + pre.categories.length) {
    throw new RangeError(`the model has ${model.featureCount} features but the preprocessing makes ${numeric.length + pre.categories.length}`);
  }
  const nodes: OnnxNode[] = [
    ...numeric.map((column): OnnxNode => ({ opType: 'Reshape', name: `reshape_${column}`, inputs: [column, 'column_shape'], outputs: [`${column}_2d`] })),
    { opType: 'Concat', name: 'concat_numeric', inputs: numeric.map((column) => `${column}_2d`), outputs: ['numeric'], attributes: [{ name: 'axis', int: 1 }] },
    {
      opType: 'Imputer',
      domain: 'ai.onnx.ml',
      name: 'impute_medians',
      inputs: ['numeric'],
      outputs: ['numeric_imputed'],
      attributes: [
        { name: 'imputed_value_floats', floats: pre.medians.map(Math.fround) },
        { name: 'replaced_value_float', float: Number.NaN },
      ],
    },
    {
      opType: 'OneHotEncoder',
      domain: 'ai.onnx.ml',
      name: 'one_hot_ocean_proximity',
      inputs: [CATEGORICAL_COLUMN],
      outputs: ['ocean_proximity_one_hot'],
      attributes: [
        { name: 'cats_strings', strings: pre.categories },
        { name: 'zeros', int: 1 },
      ],
    },
    { opType: 'Concat', name: 'concat_features', inputs: ['numeric_imputed', 'ocean_proximity_one_hot'], outputs: ['features'], attributes: [{ name: 'axis', int: 1 }] },
    { opType: 'TreeEnsembleRegressor', domain: 'ai.onnx.ml', name: 'gradient_boosted_trees', inputs: ['features'], outputs: [ONNX_OUTPUT], attributes: treeAttributes(model) },
  ];
  return encodeOnnxModel({
    irVersion: 8,
    opsets: { '': 17, 'ai.onnx.ml': 3 },
    producerName: 'slipway',
    producerVersion: options.producerVersion ?? '0',
    doc: options.doc ?? `Gradient-boosted trees (${model.trees.length}) predicting median_house_value / 100000 from the raw California housing columns.`,
    graphName: 'california_housing_gbt',
    nodes,
    initializers: [{ name: 'column_shape', dataType: ONNX_TYPES.INT64, dims: [2], values: [-1, 1] }],
    inputs: [
      ...numeric.map((name) => ({ name, elemType: ONNX_TYPES.FLOAT, shape: ['N'] })),
      { name: CATEGORICAL_COLUMN, elemType: ONNX_TYPES.STRING, shape: ['N'] },
    ],
    outputs: [{ name: ONNX_OUTPUT, elemType: ONNX_TYPES.FLOAT, shape: ['N', 1] }],
    metadata: { features: pre.featureNames.join(','), target: 'median_house_value / 100000' },
  });
}

function treeAttributes(model: BoostedTrees): OnnxNode['attributes'] {
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const values: number[] = [];
  const modes: string[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const targetTrees: number[] = [];
  const targetNodes: number[] = [];
  const targetWeights: number[] = [];
  model.trees.forEach((tree, t) => {
    tree.feature.forEach((feature, node) => {
      const leaf = feature < 0;
      treeIds.push(t);
      nodeIds.push(node);
      featureIds.push(leaf ? 0 : feature);
      values.push(leaf ? 0 : tree.threshold[node]!);
      modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      trueIds.push(leaf ? 0 : tree.left[node]!);
      falseIds.push(leaf ? 0 : tree.right[node]!);
      if (leaf) {
        targetTrees.push(t);
        targetNodes.push(node);
        targetWeights.push(tree.value[node]!);
      }
    });
  });
  return [
    { name: 'n_targets', int: 1 },
    { name: 'aggregate_function', string: 'SUM' },
    { name: 'post_transform', string: 'NONE' },
    { name: 'base_values', floats: [model.baseValue] },
    { name: 'nodes_treeids', ints: treeIds },
    { name: 'nodes_nodeids', ints: nodeIds },
    { name: 'nodes_featureids', ints: featureIds },
    { name: 'nodes_values', floats: values },
    { name: 'nodes_modes', strings: modes },
    { name: 'nodes_truenodeids', ints: trueIds },
    { name: 'nodes_falsenodeids', ints: falseIds },
    { name: 'nodes_missing_value_tracks_true', ints: new Array<number>(treeIds.length).fill(0) },
    { name: 'target_treeids', ints: targetTrees },
    { name: 'target_nodeids', ints: targetNodes },
    { name: 'target_ids', ints: new Array<number>(targetTrees.length).fill(0) },
    { name: 'target_weights', floats: targetWeights },
  ];
}

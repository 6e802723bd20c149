/**
 * The two flavours of the demo: the Node pipeline (examples/california-housing-node, training
 * in Node, no Python) and the scikit-learn one (examples/california-housing's prepare and train
 * steps with Python, then the same deploy steps). Both deploy to the same two endpoints.
 * @module
 */

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NUMERIC_COLUMNS, OCEAN_PROXIMITY_CATEGORIES, TARGET_SCALE } from '../ml/housing-data.js';

/** The Slipway checkout or package the demo runs from (holds dist/, examples/). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const STAGING_ENDPOINT = 'housing-staging';
export const PRODUCTION_ENDPOINT = 'housing-production';
/** The alias the pipeline's last step moves to the version production serves. */
export const PRODUCTION_ALIAS = 'champion';

/** One raw row of the CSV (a blank as null). */
export interface RawHousingRow {
  readonly numeric: ReadonlyArray<number | null>;
  readonly oceanProximity: string;
  /** The actual median house value in dollars. */
  readonly actual: number;
}

export interface DemoVariant {
  readonly name: 'node' | 'sklearn';
  readonly title: string;
  readonly pipelineFile: string;
  readonly codeDir: string;
  readonly params: Readonly<Record<string, string>>;
  readonly modelName: string;
  /** The train step's metrics: the model's RMSE and (Node only) the baseline's. */
  readonly rmseMetric: string;
  readonly baselineMetric: string | undefined;
  /** What RMSE values are in. */
  readonly rmseUnit: 'hundred-thousand-dollars' | 'dollars';
  /** The request body (`dataframe_split`) the served model takes for these rows. */
  requestFor(rows: readonly RawHousingRow[]): { dataframe_split: { columns: string[]; data: Array<Array<number | string | null>> } };
  /** A prediction in dollars. */
  dollars(prediction: number): number;
}

export function nodeVariant(root = PACKAGE_ROOT): DemoVariant {
  const dir = path.join(root, 'examples', 'california-housing-node');
  return {
    name: 'node',
    title: 'gradient-boosted trees trained in Node, served as ONNX',
    pipelineFile: path.join(dir, 'pipeline.yaml'),
    codeDir: dir,
    params: { slipway_dir: root },
    modelName: 'california-housing-node',
    rmseMetric: 'rmse',
    baselineMetric: 'baseline_rmse',
    rmseUnit: 'hundred-thousand-dollars',
    requestFor: (rows) => ({
      dataframe_split: { columns: [...NUMERIC_COLUMNS, 'ocean_proximity'], data: rows.map((row) => [...row.numeric, row.oceanProximity]) },
    }),
    dollars: (prediction) => prediction * TARGET_SCALE,
  };
}

export function sklearnVariant(root = PACKAGE_ROOT): DemoVariant {
  const oneHot = OCEAN_PROXIMITY_CATEGORIES.map((category) => `ocean_proximity_${category.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')}`);
  return {
    name: 'sklearn',
    title: 'a scikit-learn random forest trained in Python',
    pipelineFile: path.join(root, 'examples', 'california-housing-node', 'sklearn-pipeline.yaml'),
    codeDir: path.join(root, 'examples', 'california-housing'),
    params: {},
    modelName: 'california-housing-sklearn',
    rmseMetric: 'rmse',
    baselineMetric: undefined,
    rmseUnit: 'dollars',
    // prepare.py's columns: the numeric ones (blanks filled; the demo sends rows without blanks), then one-hot.
    requestFor: (rows) => ({
      dataframe_split: {
        columns: [...NUMERIC_COLUMNS, ...oneHot],
        data: rows.map((row) => [...row.numeric, ...OCEAN_PROXIMITY_CATEGORIES.map((category) => (category === row.oceanProximity ? 1 : 0))]),
      },
    }),
    dollars: (prediction) => prediction,
  };
}

import { NUMERIC_COLUMNS, OCEAN_PROXIMITY_CATEGORIES, type HousingData } from './housing-data.js';

/**
 * What the model does to the raw columns before the trees see them, fitted on the training
 * rows only: blanks in a numeric column become that column's training median, and
 * `ocean_proximity` becomes five 0/1 columns (an unknown value: all five 0). The ONNX export
 * does exactly the same with `Imputer` and `OneHotEncoder` nodes.
 */
export interface HousingPreprocessor {
  /** The training median of each numeric column, in {@link NUMERIC_COLUMNS} order. */
  readonly medians: readonly number[];
  readonly categories: readonly string[];
  /** The names of the model's features: the numeric columns, then `ocean_proximity_<category>`. */
  readonly featureNames: readonly string[];
}

/** Fits the medians on `train` (blanks ignored). */
export function fitPreprocessor(train: HousingData): HousingPreprocessor {
  const medians = train.numeric.map((column) => median(column));
  const categories = [...OCEAN_PROXIMITY_CATEGORIES];
  const featureNames = [...NUMERIC_COLUMNS, ...categories.map((c) => `ocean_proximity_${c.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')}`)];
  return { medians, categories, featureNames };
}

/** The features of every row, row-major (`rows × featureNames.length`). */
export function transformHousing(pre: HousingPreprocessor, data: HousingData): Float64Array {
  const width = pre.featureNames.length;
  const numericCount = pre.medians.length;
  const out = new Float64Array(data.rows * width);
  for (let row = 0; row < data.rows; row++) {
    const base = row * width;
    for (let c = 0; c < numericCount; c++) {
      const value = data.numeric[c]![row]!;
      out[base + c] = Number.isNaN(value) ? pre.medians[c]! : value;
    }
    const category = pre.categories.indexOf(data.oceanProximity[row]!);
    if (category >= 0) out[base + numericCount + category] = 1;
  }
  return out;
}

/** How many blanks each numeric column has, by column name (only those with any). */
export function countMissing(data: HousingData): Record<string, number> {
  const counts: Record<string, number> = {};
  data.numeric.forEach((column, index) => {
    let missing = 0;
    for (const value of column) if (Number.isNaN(value)) missing++;
    if (missing > 0) counts[NUMERIC_COLUMNS[index]!] = missing;
  });
  return counts;
}

function median(values: Float64Array): number {
  const present = Array.from(values).filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  if (present.length === 0) return 0;
  const middle = present.length >> 1;
  return present.length % 2 === 1 ? present[middle]! : (present[middle - 1]! + present[middle]!) / 2;
}

import { selectRows, type HousingData } from './housing-data.js';
import { seededRandom, shuffledIndices } from './seeded-random.js';

export interface Split {
  readonly train: HousingData;
  readonly test: HousingData;
}

/** Shuffles the rows with `seed` and holds out `testSize` of them (rounded up, as scikit-learn does). */
export function trainTestSplit(data: HousingData, options: { readonly testSize?: number; readonly seed?: number } = {}): Split {
  const testSize = options.testSize ?? 0.2;
  if (!(testSize > 0 && testSize < 1)) throw new RangeError(`testSize must be between 0 and 1, not ${testSize}`);
  const order = shuffledIndices(data.rows, seededRandom(options.seed ?? 42));
  const testRows = Math.ceil(data.rows * testSize);
  return { test: selectRows(data, order.subarray(0, testRows)), train: selectRows(data, order.subarray(testRows)) };
}

/**
 * The California housing data as the example's CSV holds it: 20,640 districts, eight
 * numeric columns (`total_bedrooms` has 207 blanks), the categorical `ocean_proximity`, and
 * the target `median_house_value` in US dollars.
 * @module
 */

import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { SlipwayError } from '../core/errors/slipway-error.js';

/** The numeric input columns, in the order the model and its signature use. */
export const NUMERIC_COLUMNS = [
  'longitude',
  'latitude',
  'housing_median_age',
  'total_rooms',
  'total_bedrooms',
  'population',
  'households',
  'median_income',
] as const;

export const CATEGORICAL_COLUMN = 'ocean_proximity';
export const TARGET_COLUMN = 'median_house_value';
/** Every `ocean_proximity` value, so that every split gets the same one-hot columns (ISLAND has 5 rows). */
export const OCEAN_PROXIMITY_CATEGORIES = ['<1H OCEAN', 'INLAND', 'ISLAND', 'NEAR BAY', 'NEAR OCEAN'] as const;
/** The model predicts the target in units of $100,000 (as scikit-learn's copy of this data set does). */
export const TARGET_SCALE = 100_000;

/** The data set column by column: numeric columns with NaN for blanks. */
export interface HousingData {
  readonly rows: number;
  /** One Float64Array per entry of {@link NUMERIC_COLUMNS}. */
  readonly numeric: readonly Float64Array[];
  readonly oceanProximity: readonly string[];
  /** `median_house_value` / {@link TARGET_SCALE}. */
  readonly target: Float64Array;
}

/** Reads the CSV at `file`; a missing column or a non-numeric value is an `INVALID_PARAMETER_VALUE` naming it. */
export async function loadHousingCsv(file: string): Promise<HousingData> {
  return parseHousingCsv(await readFile(file, 'utf8'), file);
}

export function parseHousingCsv(text: string, source = 'the CSV'): HousingData {
  const records = parse<Record<string, string>>(text, { columns: true, skip_empty_lines: true, trim: true });
  const first = records[0];
  if (first === undefined) throw SlipwayError.invalidParameter(`${source} has no rows.`);
  for (const column of [...NUMERIC_COLUMNS, CATEGORICAL_COLUMN, TARGET_COLUMN]) {
    if (!(column in first)) throw SlipwayError.invalidParameter(`${source} has no column '${column}'.`);
  }
  const rows = records.length;
  const numeric = NUMERIC_COLUMNS.map(() => new Float64Array(rows));
  const target = new Float64Array(rows);
  const oceanProximity: string[] = new Array<string>(rows);
  records.forEach((record, row) => {
    NUMERIC_COLUMNS.forEach((column, index) => {
      numeric[index]![row] = toNumber(record[column], column, row, source, true);
    });
    target[row] = toNumber(record[TARGET_COLUMN], TARGET_COLUMN, row, source, false) / TARGET_SCALE;
    oceanProximity[row] = record[CATEGORICAL_COLUMN] ?? '';
  });
  return { rows, numeric, oceanProximity, target };
}

function toNumber(value: string | undefined, column: string, row: number, source: string, blankIsNaN: boolean): number {
  if ((value === undefined || value === '') && blankIsNaN) return Number.NaN;
  const number = Number(value);
  if (value === undefined || value === '' || !Number.isFinite(number)) {
    throw SlipwayError.invalidParameter(`${source} row ${row + 2}: column '${column}' is ${JSON.stringify(value ?? '')}, not a number.`);
  }
  return number;
}

/** The rows at `indices`, as a data set of their own. */
export function selectRows(data: HousingData, indices: ArrayLike<number>): HousingData {
  const n = indices.length;
  const numeric = data.numeric.map((column) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = column[indices[i]!]!;
    return out;
  });
  const target = new Float64Array(n);
  const oceanProximity = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    target[i] = data.target[indices[i]!]!;
    oceanProximity[i] = data.oceanProximity[indices[i]!]!;
  }
  return { rows: n, numeric, oceanProximity, target };
}

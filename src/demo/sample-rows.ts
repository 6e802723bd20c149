import { loadHousingCsv, NUMERIC_COLUMNS, TARGET_SCALE } from '../ml/housing-data.js';
import type { RawHousingRow } from './demo-variants.js';

/**
 * A few districts of the data set to send to the production endpoint: one per
 * `ocean_proximity` value met in the order of the file (ISLAND is rare), without blanks.
 */
export async function sampleRows(csv: string, count = 3): Promise<RawHousingRow[]> {
  const data = await loadHousingCsv(csv);
  const rows: RawHousingRow[] = [];
  const seen = new Set<string>();
  // Every 2,003rd row (a prime, so every row comes up), spreading the sample over the state rather than the first lines.
  for (let step = 0; step < data.rows && rows.length < count; step++) {
    const row = (step * 2003) % data.rows;
    const category = data.oceanProximity[row]!;
    if (seen.has(category)) continue;
    const numeric = NUMERIC_COLUMNS.map((_, column) => data.numeric[column]![row]!);
    if (numeric.some((value) => Number.isNaN(value))) continue;
    seen.add(category);
    rows.push({ numeric, oceanProximity: category, actual: Math.round(data.target[row]! * TARGET_SCALE) });
  }
  return rows;
}

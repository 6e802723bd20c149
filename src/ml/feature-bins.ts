/**
 * Histogram binning for tree training: each feature's values are cut into at most
 * `maxBins` bins at thresholds between distinct values (quantiles when there are more
 * distinct values than bins). Thresholds are float32 numbers and values are compared as
 * float32, exactly as ONNX Runtime compares a float input with a tree's `nodes_values`,
 * so a value lands on the same side of a split in training, in JavaScript and in ONNX.
 * @module
 */

export interface FeatureBins {
  /** Per feature, ascending float32 thresholds; bin `b` holds values `v` with `edges[b-1] < v <= edges[b]`. */
  readonly edges: readonly Float64Array[];
  /** Per feature, the bin of every row (column-major, `rows` entries each). */
  readonly binned: readonly Uint8Array[];
  readonly rows: number;
}

/** Finds each feature's thresholds on the training matrix (`rows × width`, row-major) and bins it. */
export function binFeatures(x: Float64Array, width: number, maxBins = 255): FeatureBins {
  if (maxBins < 2 || maxBins > 256) throw new RangeError(`maxBins must be in 2…256, not ${maxBins}`);
  const rows = x.length / width;
  const edges: Float64Array[] = [];
  const binned: Uint8Array[] = [];
  for (let feature = 0; feature < width; feature++) {
    const column = new Float64Array(rows);
    for (let row = 0; row < rows; row++) column[row] = Math.fround(x[row * width + feature]!);
    const featureEdges = thresholdsOf(column, maxBins);
    edges.push(featureEdges);
    const bins = new Uint8Array(rows);
    for (let row = 0; row < rows; row++) bins[row] = binOf(featureEdges, column[row]!);
    binned.push(bins);
  }
  return { edges, binned, rows };
}

/** The bin of a float32 value: how many thresholds it is above. */
export function binOf(edges: Float64Array, value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (value <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function thresholdsOf(column: Float64Array, maxBins: number): Float64Array {
  const sorted = Float64Array.from(column).sort();
  const distinct: number[] = [];
  const counts: number[] = [];
  for (const value of sorted) {
    if (distinct.length > 0 && distinct[distinct.length - 1] === value) counts[counts.length - 1]!++;
    else {
      distinct.push(value);
      counts.push(1);
    }
  }
  const cuts: number[] = [];
  if (distinct.length <= maxBins) {
    for (let i = 0; i + 1 < distinct.length; i++) cuts.push(between(distinct[i]!, distinct[i + 1]!));
  } else {
    // Cut after the distinct value where the running count passes each 1/maxBins quantile.
    let cumulative = 0;
    let next = 1;
    for (let i = 0; i + 1 < distinct.length && cuts.length < maxBins - 1; i++) {
      cumulative += counts[i]!;
      if (cumulative >= (next * sorted.length) / maxBins) {
        cuts.push(between(distinct[i]!, distinct[i + 1]!));
        while (cumulative >= (next * sorted.length) / maxBins) next++;
      }
    }
  }
  return Float64Array.from(cuts);
}

/** A float32 threshold `t` with `low <= t < high` (their midpoint when float32 can hold one). */
function between(low: number, high: number): number {
  const mid = Math.fround((low + high) / 2);
  return mid >= low && mid < high ? mid : low;
}

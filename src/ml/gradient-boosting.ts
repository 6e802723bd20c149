/**
 * Gradient-boosted regression trees for squared error, trained on histogram-binned features
 * (as LightGBM and scikit-learn's HistGradientBoostingRegressor do): each tree is grown
 * depth-first to `maxDepth`, each split is the best over every feature's bins (a child's
 * histogram is its parent's minus its sibling's), leaves hold the learning rate times the
 * mean residual (with an L2 penalty). Stochastic: each tree sees a seeded `subsample` of rows.
 *
 * Hand-written: no maintained TypeScript/JavaScript gradient-boosting library exists whose
 * trees can be exported as ONNX. Thresholds and leaf values are float32 numbers, so the
 * model's ONNX export ({@link ./housing-onnx-model.ts}) predicts what {@link predictTrees} does.
 * @module
 */

import { binFeatures, type FeatureBins } from './feature-bins.js';
import { seededRandom } from './seeded-random.js';

export interface BoostingOptions {
  readonly nEstimators?: number;
  readonly maxDepth?: number;
  readonly learningRate?: number;
  /** The fewest training rows a leaf may hold. */
  readonly minSamplesLeaf?: number;
  /** L2 penalty on leaf values. */
  readonly l2?: number;
  /** The share of rows each tree is fitted on (1 = all). */
  readonly subsample?: number;
  readonly maxBins?: number;
  readonly seed?: number;
}

export const DEFAULT_BOOSTING: Required<BoostingOptions> = {
  nEstimators: 300,
  maxDepth: 6,
  learningRate: 0.1,
  minSamplesLeaf: 20,
  l2: 1,
  subsample: 0.8,
  maxBins: 255,
  seed: 42,
};

/** One tree as flat arrays; node 0 is the root, a leaf has `feature` -1. Go left when `x <= threshold` (as float32). */
export interface RegressionTree {
  readonly feature: number[];
  readonly threshold: number[];
  readonly left: number[];
  readonly right: number[];
  /** Leaf values (float32, learning rate applied); 0 for branches. */
  readonly value: number[];
}

export interface BoostedTrees {
  /** The starting prediction: the training target's mean, as float32. */
  readonly baseValue: number;
  readonly featureCount: number;
  readonly trees: readonly RegressionTree[];
}

/** Trains on `x` (`rows × width`, row-major) and targets `y`. */
export function fitBoostedTrees(x: Float64Array, y: Float64Array, width: number, options: BoostingOptions = {}): BoostedTrees {
  const o = { ...DEFAULT_BOOSTING, ...options };
  const bins = binFeatures(x, width, o.maxBins);
  const rows = y.length;
  let mean = 0;
  for (let r = 0; r < rows; r++) mean += y[r]!;
  const baseValue = Math.fround(mean / rows);
  const predicted = new Float64Array(rows).fill(baseValue);
  const residual = new Float64Array(rows);
  const random = seededRandom(o.seed);
  const sample = new Uint32Array(rows);
  const trees: RegressionTree[] = [];
  for (let t = 0; t < o.nEstimators; t++) {
    for (let r = 0; r < rows; r++) residual[r] = y[r]! - predicted[r]!;
    let n = 0;
    for (let r = 0; r < rows; r++) if (o.subsample >= 1 || random() < o.subsample) sample[n++] = r;
    const grower = new TreeGrower(bins, residual, o);
    const tree = grower.grow(sample.subarray(0, n));
    trees.push(tree);
    for (let r = 0; r < rows; r++) predicted[r]! += leafValueBinned(tree, grower.splitBins, bins, r);
  }
  return { baseValue, featureCount: width, trees };
}

/** Predictions for `x` (`rows × width`, row-major), comparing each value as float32, as ONNX Runtime does. */
export function predictTrees(model: BoostedTrees, x: Float64Array, width: number): Float64Array {
  const rows = x.length / width;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = model.baseValue;
    for (const tree of model.trees) {
      let node = 0;
      while (tree.feature[node]! >= 0) {
        node = Math.fround(x[r * width + tree.feature[node]!]!) <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
      }
      sum += tree.value[node]!;
    }
    out[r] = sum;
  }
  return out;
}

function leafValueBinned(tree: RegressionTree, splitBins: readonly number[], bins: FeatureBins, row: number): number {
  let node = 0;
  while (tree.feature[node]! >= 0) node = bins.binned[tree.feature[node]!]![row]! <= splitBins[node]! ? tree.left[node]! : tree.right[node]! ;
  return tree.value[node]!;
}

const BINS = 256;

/** Grows one tree on a set of rows; its `splitBins` say which bin each split cuts after. */
class TreeGrower {
  readonly tree: RegressionTree = { feature: [], threshold: [], left: [], right: [], value: [] };
  readonly splitBins: number[] = [];
  readonly #bins: FeatureBins;
  readonly #gradient: Float64Array;
  readonly #o: Required<BoostingOptions>;
  readonly #features: number;
  #rows: Uint32Array = new Uint32Array(0);

  constructor(bins: FeatureBins, gradient: Float64Array, options: Required<BoostingOptions>) {
    this.#bins = bins;
    this.#gradient = gradient;
    this.#o = options;
    this.#features = bins.binned.length;
  }

  grow(rows: Uint32Array): RegressionTree {
    this.#rows = rows;
    this.#node(0, rows.length, 0, this.#histogram(0, rows.length));
    return this.tree;
  }

  /** Sums and counts of the gradient per feature and bin over rows[start, end). */
  #histogram(start: number, end: number): Histogram {
    const sums = new Float64Array(this.#features * BINS);
    const counts = new Uint32Array(this.#features * BINS);
    const rows = this.#rows;
    const gradient = this.#gradient;
    for (let f = 0; f < this.#features; f++) {
      const column = this.#bins.binned[f]!;
      const offset = f * BINS;
      for (let i = start; i < end; i++) {
        const row = rows[i]!;
        const bin = offset + column[row]!;
        sums[bin]! += gradient[row]!;
        counts[bin]!++;
      }
    }
    return { sums, counts };
  }

  #node(start: number, end: number, depth: number, histogram: Histogram): number {
    const id = this.tree.feature.length;
    this.tree.feature.push(-1);
    this.tree.threshold.push(0);
    this.tree.left.push(-1);
    this.tree.right.push(-1);
    this.tree.value.push(0);
    this.splitBins.push(-1);
    const n = end - start;
    let total = 0;
    for (let b = 0; b < BINS; b++) total += histogram.sums[b]!;
    const { l2, minSamplesLeaf, maxDepth, learningRate } = this.#o;
    const split = depth < maxDepth && n >= 2 * minSamplesLeaf ? this.#bestSplit(histogram, total, n) : undefined;
    if (split === undefined) {
      this.tree.value[id] = Math.fround((learningRate * total) / (n + l2));
      return id;
    }
    const mid = this.#partition(start, end, split.feature, split.bin);
    const leftSmaller = mid - start <= end - mid;
    const small = leftSmaller ? this.#histogram(start, mid) : this.#histogram(mid, end);
    const large = subtract(histogram, small);
    this.tree.feature[id] = split.feature;
    this.tree.threshold[id] = this.#bins.edges[split.feature]![split.bin]!;
    this.splitBins[id] = split.bin;
    this.tree.left[id] = this.#node(start, mid, depth + 1, leftSmaller ? small : large);
    this.tree.right[id] = this.#node(mid, end, depth + 1, leftSmaller ? large : small);
    return id;
  }

  #bestSplit(histogram: Histogram, total: number, n: number): { feature: number; bin: number } | undefined {
    const { l2, minSamplesLeaf } = this.#o;
    const parent = (total * total) / (n + l2);
    let bestGain = 1e-12;
    let best: { feature: number; bin: number } | undefined;
    for (let f = 0; f < this.#features; f++) {
      const offset = f * BINS;
      const cuts = this.#bins.edges[f]!.length;
      let leftSum = 0;
      let leftCount = 0;
      for (let b = 0; b < cuts; b++) {
        leftSum += histogram.sums[offset + b]!;
        leftCount += histogram.counts[offset + b]!;
        if (leftCount < minSamplesLeaf) continue;
        const rightCount = n - leftCount;
        if (rightCount < minSamplesLeaf) break;
        const rightSum = total - leftSum;
        const gain = (leftSum * leftSum) / (leftCount + l2) + (rightSum * rightSum) / (rightCount + l2) - parent;
        if (gain > bestGain) {
          bestGain = gain;
          best = { feature: f, bin: b };
        }
      }
    }
    return best;
  }

  /** Puts rows[start, end) with bin <= `bin` of `feature` first; returns where the others start. */
  #partition(start: number, end: number, feature: number, bin: number): number {
    const rows = this.#rows;
    const column = this.#bins.binned[feature]!;
    let i = start;
    let j = end - 1;
    while (i <= j) {
      if (column[rows[i]!]! <= bin) i++;
      else {
        const swap = rows[i]!;
        rows[i] = rows[j]!;
        rows[j] = swap;
        j--;
      }
    }
    return i;
  }
}

interface Histogram {
  readonly sums: Float64Array;
  readonly counts: Uint32Array;
}

function subtract(parent: Histogram, child: Histogram): Histogram {
  const sums = new Float64Array(parent.sums.length);
  const counts = new Uint32Array(parent.counts.length);
  for (let i = 0; i < sums.length; i++) {
    sums[i] = parent.sums[i]! - child.sums[i]!;
    counts[i] = parent.counts[i]! - child.counts[i]!;
  }
  return { sums, counts };
}

/**
 * Types of {@link TrackingStore.downsampleMetricHistory}: a metric history reduced to a
 * bounded number of buckets in the database, so a million-point history never leaves it.
 * @module
 */

/** Which x a history is bucketed and ordered by: the step, or the wall-clock timestamp (ms). */
export type MetricXAxis = 'step' | 'timestamp';

export interface DownsampleQuery {
  readonly runId: string;
  readonly key: string;
  readonly xAxis: MetricXAxis;
  /** How many equal spans of x to reduce to (the chart's width in pixels); at least 1. */
  readonly buckets: number;
  /** Only points with x ≥ `xMin` (inclusive); undefined: from the first point. */
  readonly xMin?: number | undefined;
  /** Only points with x ≤ `xMax` (inclusive); undefined: to the last point. */
  readonly xMax?: number | undefined;
}

/**
 * The reduced history, columnar (one array per field, index `i` is bucket `i`), in x
 * order; buckets without finite points are left out. A bucket's `min`/`max` are its
 * smallest and largest finite values, `xStart`/`xEnd` the smallest and largest x of its
 * finite points. For an exact answer each bucket is one point (`xStart = xEnd`, `min = max`).
 */
export interface DownsampledHistory {
  readonly xAxis: MetricXAxis;
  /** Points in the range, finite or not. */
  readonly totalPoints: number;
  /** Points in the range whose value is NaN or ±Infinity (counted, not in any bucket). */
  readonly nonFinitePoints: number;
  /** True when the buckets are the points themselves (the range held few enough). */
  readonly exact: boolean;
  readonly xStart: number[];
  readonly xEnd: number[];
  readonly min: number[];
  readonly max: number[];
}

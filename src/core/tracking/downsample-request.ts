import { SlipwayError } from '../errors/slipway-error.js';
import type { DownsampleQuery, MetricXAxis } from '../ports/metric-downsample.js';

/** Points a downsampled history may hold at most (a chart 10,000 pixels wide). */
export const DOWNSAMPLE_MAX_POINTS = 20_000;
/** Points when the request names none: a chart about 500 pixels wide. */
export const DOWNSAMPLE_DEFAULT_POINTS = 1_000;

/** A request for a downsampled history, as the API names its fields. */
export interface DownsampleRequest {
  readonly runId: string | undefined;
  readonly metricKey: string | undefined;
  readonly maxPoints?: number | undefined;
  /** `step` (default) or `time`. */
  readonly xAxis?: string | undefined;
  readonly xMin?: number | undefined;
  readonly xMax?: number | undefined;
}

const X_AXES: Readonly<Record<string, MetricXAxis>> = { step: 'step', time: 'timestamp' };

/**
 * Checks a downsampling request and turns it into the store's query: `max_points` points
 * are `max_points / 2` buckets (each gives its minimum and maximum). Every error names the
 * field it is about.
 */
export function toDownsampleQuery(request: DownsampleRequest): DownsampleQuery {
  if (request.runId === undefined || request.runId === '') throw SlipwayError.invalidParameter("Missing value for required parameter 'run_id'.");
  if (request.metricKey === undefined || request.metricKey === '') {
    throw SlipwayError.invalidParameter("Missing value for required parameter 'metric_key'.");
  }
  const maxPoints = request.maxPoints ?? DOWNSAMPLE_DEFAULT_POINTS;
  if (!Number.isSafeInteger(maxPoints) || maxPoints < 2 || maxPoints > DOWNSAMPLE_MAX_POINTS) {
    throw SlipwayError.invalidParameter(`Invalid value ${maxPoints} for parameter 'max_points': it must be between 2 and ${DOWNSAMPLE_MAX_POINTS}.`);
  }
  const xAxis = X_AXES[request.xAxis ?? 'step'];
  if (xAxis === undefined) {
    throw SlipwayError.invalidParameter(`Invalid value '${request.xAxis}' for parameter 'x_axis': it must be 'step' or 'time'.`);
  }
  for (const [field, value] of [['x_min', request.xMin], ['x_max', request.xMax]] as const) {
    if (value !== undefined && !Number.isSafeInteger(value)) {
      throw SlipwayError.invalidParameter(`Invalid value ${value} for parameter '${field}': it must be an integer.`);
    }
  }
  if (request.xMin !== undefined && request.xMax !== undefined && request.xMin > request.xMax) {
    throw SlipwayError.invalidParameter(`Parameter 'x_max' (${request.xMax}) must be at least 'x_min' (${request.xMin}).`);
  }
  return { runId: request.runId, key: request.metricKey, xAxis, buckets: Math.floor(maxPoints / 2), xMin: request.xMin, xMax: request.xMax };
}

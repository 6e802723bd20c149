import { Type } from '@sinclair/typebox';
import type { TrackingService } from '../../core/tracking/tracking-service.js';
import { Int64, Required } from '../http/proto-schema.js';
import { mlflowRoute, type MlflowRoute } from './mlflow-route.js';

/**
 * `GET /api/slipway/v1/metrics/history-downsampled`: a metric history reduced in the
 * database to at most `max_points` points (each bucket's minimum and maximum) over the
 * whole history or `[x_min, x_max]`, for charts. The answer is columnar: `x_start`, `x_end`,
 * `min` and `max` hold one entry per bucket.
 */
export function metricDownsampleRoutes(tracking: TrackingService): MlflowRoute[] {
  return [
    mlflowRoute({
      methods: ['GET'],
      path: '/metrics/history-downsampled',
      summary: "A metric's history reduced to max_points (min and max per bucket of step or time), for charts",
      request: Type.Object({
        run_id: Required(Type.String()),
        metric_key: Required(Type.String()),
        max_points: Type.Optional(Int64('Most points to return (2–20000, default 1000): twice the chart width in pixels.')),
        x_axis: Type.Optional(Type.String({ description: "'step' (default) or 'time' (the timestamp, ms)." })),
        x_min: Type.Optional(Int64('Only points with x at or above this (a zoomed chart).')),
        x_max: Type.Optional(Int64('Only points with x at or below this.')),
      }),
      handler: async (r) => {
        const h = await tracking.downsampleMetricHistory({
          runId: r.run_id,
          metricKey: r.metric_key,
          maxPoints: r.max_points,
          xAxis: r.x_axis,
          xMin: r.x_min,
          xMax: r.x_max,
        });
        return {
          x_axis: h.xAxis === 'timestamp' ? 'time' : 'step',
          total_points: h.totalPoints,
          non_finite_points: h.nonFinitePoints,
          exact: h.exact,
          x_start: h.xStart,
          x_end: h.xEnd,
          min: h.min,
          max: h.max,
        };
      },
    }),
  ];
}

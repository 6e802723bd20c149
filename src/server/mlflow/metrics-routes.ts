import { Type } from '@sinclair/typebox';
import type { Metric } from '../../core/entities/metric.js';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { TrackingService } from '../../core/tracking/tracking-service.js';
import { Int64, Repeated, Required } from '../http/proto-schema.js';
import { mlflowRoute, type MlflowRoute } from './mlflow-route.js';
import { runIdOf } from './runs-routes.js';
import { metricHistoryJson } from './metric-history-json.js';
import { wireMetric } from './wire-format.js';

const BULK_MAX_RESULTS = 25_000;

/** `metrics/*`: a metric's full history with paging, and the bulk views the UI charts use. */
export function metricsRoutes(tracking: TrackingService): MlflowRoute[] {
  return [
    mlflowRoute({
      methods: ['GET'],
      path: '/metrics/get-history',
      summary: "A metric's history, ordered by step and timestamp",
      request: Type.Object({
        run_id: Type.Optional(Type.String()),
        run_uuid: Type.Optional(Type.String()),
        metric_key: Required(Type.String()),
        max_results: Type.Optional(Int64()),
        page_token: Type.Optional(Type.String()),
      }),
      handler: async (r) => {
        const { chunks, nextPageToken } = await tracking.streamMetricHistory({
          runId: runIdOf(r),
          metricKey: r.metric_key,
          maxResults: r.max_results,
          pageToken: r.page_token,
        });
        return metricHistoryJson(chunks, nextPageToken);
      },
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/metrics/get-history-bulk-interval',
      summary: "Several runs' histories of one metric, sampled to max_results steps each",
      request: Type.Object({
        run_ids: Repeated(Type.String(), { maxItems: 100 }),
        metric_key: Required(Type.String()),
        start_step: Type.Optional(Int64()),
        end_step: Type.Optional(Int64()),
        max_results: Type.Optional(Int64()),
      }),
      handler: async (r) => ({
        metrics: (
          await tracking.getMetricHistoryBulkInterval({
            runIds: r.run_ids,
            metricKey: r.metric_key,
            startStep: r.start_step,
            endStep: r.end_step,
            maxResults: r.max_results,
          })
        ).map(wireMetric),
      }),
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/metrics/get-history-bulk',
      summary: "Several runs' full histories of one metric (UI)",
      request: Type.Object({
        run_id: Repeated(Type.String(), { maxItems: 100 }),
        metric_key: Required(Type.String()),
        max_results: Type.Optional(Int64()),
      }),
      handler: async (r) => {
        if (r.run_id.length === 0) throw SlipwayError.invalidParameter("Missing value for required parameter 'run_id'.");
        const limit = Math.min(r.max_results ?? BULK_MAX_RESULTS, BULK_MAX_RESULTS);
        const out: Metric[] = [];
        for (const runId of r.run_id) {
          if (out.length >= limit) break;
          const page = await tracking.getMetricHistory({ runId, metricKey: r.metric_key, maxResults: limit - out.length });
          out.push(...page.items.map((m) => ({ ...m, runId })));
        }
        return { metrics: out.map(wireMetric) };
      },
    }),
  ];
}

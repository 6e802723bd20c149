import { Type, type Static } from '@sinclair/typebox';
import { VIEW_TYPES } from '../../core/entities/lifecycle-stage.js';
import type { Metric } from '../../core/entities/metric.js';
import { RUN_STATUSES } from '../../core/entities/run.js';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { TrackingService } from '../../core/tracking/tracking-service.js';
import { Double, Id, Int64, KeyValue, ProtoEnum, Repeated, Required } from '../http/proto-schema.js';
import { tagsOf } from './experiments-routes.js';
import { mlflowRoute, type MlflowRoute } from './mlflow-route.js';
import { wireRun, wireRunInfo, withPageToken } from './wire-format.js';

/** `run_id`, or the deprecated `run_uuid` that clients still send alongside it. */
const RunRef = {
  run_id: Type.Optional(Type.String()),
  run_uuid: Type.Optional(Type.String()),
};

export function runIdOf(r: { run_id?: string | undefined; run_uuid?: string | undefined }): string {
  const id = r.run_id || r.run_uuid;
  if (id === undefined || id === '') throw SlipwayError.invalidParameter("Missing value for required parameter 'run_id'.");
  return id;
}

const MetricSchema = Type.Object({
  key: Required(Type.String()),
  value: Double(),
  timestamp: Int64(),
  step: Type.Optional(Int64()),
  model_id: Type.Optional(Type.String()),
  dataset_name: Type.Optional(Type.String()),
  dataset_digest: Type.Optional(Type.String()),
});

function metricOf(m: Static<typeof MetricSchema>): Metric {
  return {
    key: m.key,
    value: m.value,
    timestamp: m.timestamp,
    step: m.step ?? 0,
    modelId: m.model_id || undefined,
    datasetName: m.dataset_name || undefined,
    datasetDigest: m.dataset_digest || undefined,
  };
}

const DatasetInputSchema = Type.Object({
  tags: Type.Optional(Repeated(KeyValue)),
  dataset: Type.Object({
    name: Type.String(),
    digest: Type.String(),
    source_type: Type.String(),
    source: Type.String(),
    schema: Type.Optional(Type.String()),
    profile: Type.Optional(Type.String()),
  }),
});

/** `runs/*`: lifecycle, search and logging. */
export function runsRoutes(tracking: TrackingService): MlflowRoute[] {
  const empty = async (work: Promise<void>): Promise<Record<string, never>> => {
    await work;
    return {};
  };
  return [
    mlflowRoute({
      methods: ['POST'],
      path: '/runs/create',
      summary: 'Create a run',
      request: Type.Object({
        experiment_id: Type.Optional(Id()),
        user_id: Type.Optional(Type.String()),
        run_name: Type.Optional(Type.String()),
        start_time: Type.Optional(Int64()),
        tags: Type.Optional(Repeated(KeyValue)),
      }),
      handler: async (r) => ({
        run: wireRun(
          await tracking.createRun({
            experimentId: r.experiment_id,
            userId: r.user_id,
            runName: r.run_name,
            startTime: r.start_time,
            tags: tagsOf(r.tags),
          }),
        ),
      }),
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/runs/get',
      summary: 'Get a run with its latest metrics, params, tags, inputs and outputs',
      request: Type.Object(RunRef),
      handler: async (r) => ({ run: wireRun(await tracking.getRun(runIdOf(r))) }),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/runs/update',
      summary: "Update a run's status, end time or name",
      request: Type.Object({
        ...RunRef,
        status: Type.Optional(ProtoEnum(RUN_STATUSES)),
        end_time: Type.Optional(Int64()),
        run_name: Type.Optional(Type.String()),
      }),
      handler: async (r) => ({
        run_info: wireRunInfo(
          await tracking.updateRun({ runId: runIdOf(r), status: r.status, endTime: r.end_time, runName: r.run_name }),
        ),
      }),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/runs/delete',
      summary: 'Delete a run (soft)',
      request: Type.Object({ run_id: Required(Type.String()) }),
      handler: (r) => empty(tracking.deleteRun(r.run_id)),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/runs/restore',
      summary: 'Restore a deleted run',
      request: Type.Object({ run_id: Required(Type.String()) }),
      handler: (r) => empty(tracking.restoreRun(r.run_id)),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/runs/search',
      summary: 'Search runs with a filter, order_by and paging',
      request: Type.Object({
        experiment_ids: Type.Optional(Repeated(Id())),
        filter: Type.Optional(Type.String()),
        run_view_type: Type.Optional(ProtoEnum(VIEW_TYPES)),
        max_results: Type.Optional(Int64()),
        order_by: Type.Optional(Repeated(Type.String())),
        page_token: Type.Optional(Type.String()),
      }),
      handler: async (r) => {
        const page = await tracking.searchRuns({
          experimentIds: r.experiment_ids ?? [],
          filter: r.filter,
          runViewType: r.run_view_type,
          maxResults: r.max_results,
          orderBy: r.order_by,
          pageToken: r.page_token,
        });
        return withPageToken({ runs: page.items.map(wireRun) }, page.nextPageToken);
      },
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/runs/log-metric',
      summary: 'Log one metric point',
      request: Type.Object({ ...RunRef, ...MetricSchema.properties }),
      handler: (r) => empty(tracking.logMetric(runIdOf(r), metricOf(r))),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/runs/log-parameter',
      summary: 'Log a param (immutable once logged)',
      request: Type.Object({ ...RunRef, key: Required(Type.String()), value: Type.Optional(Type.String()) }),
      handler: (r) => empty(tracking.logParam(runIdOf(r), { key: r.key, value: r.value ?? '' })),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/runs/set-tag',
      summary: 'Set a run tag',
      request: Type.Object({ ...RunRef, key: Required(Type.String()), value: Type.Optional(Type.String()) }),
      handler: (r) => empty(tracking.setTag(runIdOf(r), { key: r.key, value: r.value ?? '' })),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/runs/delete-tag',
      summary: 'Delete a run tag',
      request: Type.Object({ run_id: Required(Type.String()), key: Required(Type.String()) }),
      handler: (r) => empty(tracking.deleteTag(r.run_id, r.key)),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/runs/log-batch',
      summary: 'Log metrics, params and tags in one all-or-nothing call',
      request: Type.Object({
        ...RunRef,
        metrics: Type.Optional(Repeated(MetricSchema)),
        params: Type.Optional(Repeated(KeyValue)),
        tags: Type.Optional(Repeated(KeyValue)),
      }),
      handler: (r) =>
        empty(tracking.logBatch(runIdOf(r), (r.metrics ?? []).map(metricOf), tagsOf(r.params), tagsOf(r.tags))),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/runs/log-inputs',
      summary: 'Log dataset and model inputs of a run',
      request: Type.Object({
        run_id: Required(Type.String()),
        datasets: Type.Optional(Repeated(DatasetInputSchema)),
        models: Type.Optional(Repeated(Type.Object({ model_id: Required(Type.String()) }))),
      }),
      handler: (r) =>
        empty(
          tracking.logInputs(
            r.run_id,
            (r.datasets ?? []).map((d) => ({
              tags: tagsOf(d.tags),
              dataset: {
                name: d.dataset.name,
                digest: d.dataset.digest,
                sourceType: d.dataset.source_type,
                source: d.dataset.source,
                schema: d.dataset.schema,
                profile: d.dataset.profile,
              },
            })),
            (r.models ?? []).map((m) => ({ modelId: m.model_id })),
          ),
        ),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/runs/outputs',
      summary: 'Log the models a run produced',
      request: Type.Object({
        run_id: Required(Type.String()),
        models: Repeated(Type.Object({ model_id: Required(Type.String()), step: Type.Optional(Int64()) })),
      }),
      handler: (r) => empty(tracking.logOutputs(r.run_id, r.models.map((m) => ({ modelId: m.model_id, step: m.step ?? 0 })))),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/runs/log-model',
      summary: 'Legacy (MLflow 2): record a model logged as run artifacts',
      request: Type.Object({ ...RunRef, model_json: Required(Type.String()) }),
      handler: (r) => empty(logModelHistory(tracking, runIdOf(r), r.model_json)),
    }),
  ];
}

/** MLflow 2's `log-model`: appends the model's JSON to the run's `mlflow.log-model.history` tag. */
async function logModelHistory(tracking: TrackingService, runId: string, modelJson: string): Promise<void> {
  let model: unknown;
  try {
    model = JSON.parse(modelJson);
  } catch {
    throw SlipwayError.invalidParameter("Invalid value for parameter 'model_json': it is not valid JSON.");
  }
  if (model === null || typeof model !== 'object' || !('artifact_path' in model) || !('flavors' in model)) {
    throw SlipwayError.invalidParameter("Invalid value for parameter 'model_json': it needs 'artifact_path' and 'flavors'.");
  }
  const run = await tracking.getRun(runId);
  const key = 'mlflow.log-model.history';
  const previous = run.data.tags.find((t) => t.key === key)?.value;
  let history: unknown[] = [];
  if (previous !== undefined) {
    try {
      const parsed: unknown = JSON.parse(previous);
      if (Array.isArray(parsed)) history = parsed;
    } catch {
      history = [];
    }
  }
  history.push(model);
  await tracking.setTag(runId, { key, value: JSON.stringify(history) });
}

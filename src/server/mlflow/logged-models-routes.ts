import { Type } from '@sinclair/typebox';
import { LOGGED_MODEL_STATUSES } from '../../core/entities/logged-model.js';
import type { TrackingService } from '../../core/tracking/tracking-service.js';
import { Bool, Id, Int64, KeyValue, ProtoEnum, Repeated, Required } from '../http/proto-schema.js';
import { tagsOf } from './experiments-routes.js';
import { mlflowRoute, type MlflowRoute } from './mlflow-route.js';
import { wireLoggedModel, withPageToken } from './wire-format.js';

const ModelId = { model_id: Required(Type.String()) };

/** `logged-models/*` (MLflow 3): what `log_model` creates, finalizes and searches. */
export function loggedModelsRoutes(tracking: TrackingService): MlflowRoute[] {
  return [
    mlflowRoute({
      methods: ['POST'],
      path: '/logged-models',
      summary: 'Create a logged model (PENDING until finalized)',
      request: Type.Object({
        experiment_id: Required(Id()),
        name: Type.Optional(Type.String()),
        model_type: Type.Optional(Type.String()),
        source_run_id: Type.Optional(Type.String()),
        params: Type.Optional(Repeated(KeyValue)),
        tags: Type.Optional(Repeated(KeyValue)),
      }),
      handler: async (r) => ({
        model: wireLoggedModel(
          await tracking.createLoggedModel({
            experimentId: r.experiment_id,
            name: r.name,
            modelType: r.model_type,
            sourceRunId: r.source_run_id,
            params: tagsOf(r.params),
            tags: tagsOf(r.tags),
          }),
        ),
      }),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/logged-models/search',
      summary: 'Search logged models',
      request: Type.Object({
        experiment_ids: Repeated(Id()),
        filter: Type.Optional(Type.String()),
        datasets: Type.Optional(
          Repeated(Type.Object({ dataset_name: Required(Type.String()), dataset_digest: Type.Optional(Type.String()) })),
        ),
        max_results: Type.Optional(Int64()),
        order_by: Type.Optional(
          Repeated(
            Type.Object({
              field_name: Required(Type.String()),
              ascending: Type.Optional(Bool()),
              dataset_name: Type.Optional(Type.String()),
              dataset_digest: Type.Optional(Type.String()),
            }),
          ),
        ),
        page_token: Type.Optional(Type.String()),
      }),
      handler: async (r) => {
        const page = await tracking.searchLoggedModels({
          experimentIds: r.experiment_ids,
          filter: r.filter,
          datasets: (r.datasets ?? []).map((d) => ({ datasetName: d.dataset_name, datasetDigest: d.dataset_digest || undefined })),
          maxResults: r.max_results,
          orderBy: (r.order_by ?? []).map((o) => ({
            fieldName: o.field_name,
            ascending: o.ascending,
            datasetName: o.dataset_name || undefined,
            datasetDigest: o.dataset_digest || undefined,
          })),
          pageToken: r.page_token,
        });
        return withPageToken({ models: page.items.map(wireLoggedModel) }, page.nextPageToken);
      },
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/logged-models/:model_id',
      summary: 'Get a logged model',
      request: Type.Object(ModelId),
      handler: async (r) => ({ model: wireLoggedModel(await tracking.getLoggedModel(r.model_id)) }),
    }),
    mlflowRoute({
      methods: ['PATCH'],
      path: '/logged-models/:model_id',
      summary: 'Finalize a logged model (READY or UPLOAD_FAILED)',
      request: Type.Object({ ...ModelId, status: ProtoEnum(LOGGED_MODEL_STATUSES, 0) }),
      handler: async (r) => ({ model: wireLoggedModel(await tracking.finalizeLoggedModel(r.model_id, r.status)) }),
    }),
    mlflowRoute({
      methods: ['DELETE'],
      path: '/logged-models/:model_id',
      summary: 'Delete a logged model (soft)',
      request: Type.Object(ModelId),
      handler: async (r) => {
        await tracking.deleteLoggedModel(r.model_id);
        return {};
      },
    }),
    mlflowRoute({
      methods: ['PATCH'],
      path: '/logged-models/:model_id/tags',
      summary: 'Set tags on a logged model',
      request: Type.Object({ ...ModelId, tags: Repeated(KeyValue) }),
      handler: async (r) => {
        await tracking.setLoggedModelTags(r.model_id, tagsOf(r.tags));
        return { model: wireLoggedModel(await tracking.getLoggedModel(r.model_id)) };
      },
    }),
    mlflowRoute({
      methods: ['DELETE'],
      path: '/logged-models/:model_id/tags/:tag_key',
      summary: 'Delete a tag of a logged model',
      request: Type.Object({ ...ModelId, tag_key: Required(Type.String()) }),
      handler: async (r) => {
        await tracking.deleteLoggedModelTag(r.model_id, r.tag_key);
        return {};
      },
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/logged-models/:model_id/params',
      summary: 'Log params of a logged model',
      request: Type.Object({ ...ModelId, params: Repeated(KeyValue) }),
      handler: async (r) => {
        await tracking.logLoggedModelParams(r.model_id, tagsOf(r.params));
        return {};
      },
    }),
  ];
}

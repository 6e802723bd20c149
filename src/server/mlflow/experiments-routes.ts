import { Type } from '@sinclair/typebox';
import { VIEW_TYPES } from '../../core/entities/lifecycle-stage.js';
import type { TrackingService } from '../../core/tracking/tracking-service.js';
import { Id, Int64, KeyValue, ProtoEnum, Repeated, Required } from '../http/proto-schema.js';
import { mlflowRoute, type MlflowRoute } from './mlflow-route.js';
import { wireExperiment, withPageToken } from './wire-format.js';

const ExperimentId = Required(Id('The experiment id.'));

/** `experiments/*`: create, get, get-by-name, search, update, delete, restore and tags. */
export function experimentsRoutes(tracking: TrackingService): MlflowRoute[] {
  return [
    mlflowRoute({
      methods: ['POST'],
      path: '/experiments/create',
      summary: 'Create an experiment',
      request: Type.Object({
        name: Required(Type.String()),
        artifact_location: Type.Optional(Type.String()),
        tags: Type.Optional(Repeated(KeyValue)),
      }),
      handler: async (r) => ({
        experiment_id: await tracking.createExperiment(r.name, r.artifact_location, tagsOf(r.tags)),
      }),
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/experiments/get',
      summary: 'Get an experiment by id (deleted ones too)',
      request: Type.Object({ experiment_id: ExperimentId }),
      handler: async (r) => ({ experiment: wireExperiment(await tracking.getExperiment(r.experiment_id)) }),
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/experiments/get-by-name',
      summary: 'Get an experiment by name',
      request: Type.Object({ experiment_name: Required(Type.String()) }),
      handler: async (r) => ({ experiment: wireExperiment(await tracking.getExperimentByName(r.experiment_name)) }),
    }),
    mlflowRoute({
      methods: ['POST', 'GET'],
      path: '/experiments/search',
      summary: 'Search experiments with a filter, order_by and paging',
      request: Type.Object({
        max_results: Type.Optional(Int64()),
        page_token: Type.Optional(Type.String()),
        filter: Type.Optional(Type.String()),
        order_by: Type.Optional(Repeated(Type.String())),
        view_type: Type.Optional(ProtoEnum(VIEW_TYPES)),
      }),
      handler: async (r) => {
        const page = await tracking.searchExperiments({
          filter: r.filter,
          orderBy: r.order_by,
          viewType: r.view_type,
          maxResults: r.max_results,
          pageToken: r.page_token,
        });
        return withPageToken({ experiments: page.items.map(wireExperiment) }, page.nextPageToken);
      },
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/experiments/update',
      summary: 'Rename an experiment',
      request: Type.Object({ experiment_id: ExperimentId, new_name: Required(Type.String()) }),
      handler: async (r) => {
        await tracking.renameExperiment(r.experiment_id, r.new_name);
        return {};
      },
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/experiments/delete',
      summary: 'Delete an experiment and its runs (soft)',
      request: Type.Object({ experiment_id: ExperimentId }),
      handler: async (r) => {
        await tracking.deleteExperiment(r.experiment_id);
        return {};
      },
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/experiments/restore',
      summary: 'Restore a deleted experiment and the runs deleted with it',
      request: Type.Object({ experiment_id: ExperimentId }),
      handler: async (r) => {
        await tracking.restoreExperiment(r.experiment_id);
        return {};
      },
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/experiments/set-experiment-tag',
      summary: 'Set a tag on an experiment',
      request: Type.Object({ experiment_id: ExperimentId, key: Required(Type.String()), value: Type.Optional(Type.String()) }),
      handler: async (r) => {
        await tracking.setExperimentTag(r.experiment_id, { key: r.key, value: r.value ?? '' });
        return {};
      },
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/experiments/delete-experiment-tag',
      summary: 'Delete a tag of an experiment',
      request: Type.Object({ experiment_id: ExperimentId, key: Required(Type.String()) }),
      handler: async (r) => {
        await tracking.deleteExperimentTag(r.experiment_id, r.key);
        return {};
      },
    }),
  ];
}

/** Request tags/params (`value` may be absent) → domain tags. */
export function tagsOf(list: readonly { key: string; value?: string | undefined }[] | undefined): { key: string; value: string }[] {
  return (list ?? []).map((t) => ({ key: t.key, value: t.value ?? '' }));
}

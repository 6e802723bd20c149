import { Type } from '@sinclair/typebox';
import type { RegistryService } from '../../core/registry/registry-service.js';
import { Bool, Int64, KeyValue, Repeated, Required } from '../http/proto-schema.js';
import { tagsOf } from '../mlflow/experiments-routes.js';
import { mlflowRoute, type MlflowRoute } from '../mlflow/mlflow-route.js';
import { withPageToken } from '../mlflow/wire-format.js';
import { wireModelVersion, wireRegisteredModel } from './registry-wire-format.js';

const Name = Required(Type.String({ description: 'Registered model name.' }));
/** Versions travel as strings; numbers are accepted too. */
const Version = Type.Unsafe<string | number>({ type: ['string', 'integer'], minLength: 1, description: 'Version number.' });

/** MLflow's model registry API: `registered-models/*` and `model-versions/*`. */
export function registryRoutes(registry: RegistryService): MlflowRoute[] {
  const done = async (work: Promise<void>): Promise<Record<string, never>> => {
    await work;
    return {};
  };
  return [
    mlflowRoute({
      methods: ['POST'],
      path: '/registered-models/create',
      summary: 'Create a registered model',
      request: Type.Object({ name: Name, tags: Type.Optional(Repeated(KeyValue)), description: Type.Optional(Type.String()) }),
      handler: async (r, c) => ({
        registered_model: wireRegisteredModel(
          await registry.createRegisteredModel({ name: r.name, tags: tagsOf(r.tags), description: r.description }, c.actor),
        ),
      }),
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/registered-models/get',
      summary: 'Get a registered model',
      request: Type.Object({ name: Name }),
      handler: async (r) => ({ registered_model: wireRegisteredModel(await registry.getRegisteredModel(r.name)) }),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/registered-models/rename',
      summary: 'Rename a registered model (versions, aliases and tags move with it)',
      request: Type.Object({ name: Name, new_name: Required(Type.String()) }),
      handler: async (r, c) => ({ registered_model: wireRegisteredModel(await registry.renameRegisteredModel(r.name, r.new_name, c.actor)) }),
    }),
    mlflowRoute({
      methods: ['PATCH'],
      path: '/registered-models/update',
      summary: "Update a registered model's description",
      request: Type.Object({ name: Name, description: Type.Optional(Type.String()) }),
      handler: async (r, c) => ({ registered_model: wireRegisteredModel(await registry.updateRegisteredModel(r.name, r.description, c.actor)) }),
    }),
    mlflowRoute({
      methods: ['DELETE'],
      path: '/registered-models/delete',
      summary: 'Delete a registered model with its versions, tags and aliases',
      request: Type.Object({ name: Name }),
      handler: (r, c) => done(registry.deleteRegisteredModel(r.name, c.actor)),
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/registered-models/search',
      summary: 'Search registered models',
      request: Type.Object({
        filter: Type.Optional(Type.String()),
        max_results: Type.Optional(Int64()),
        order_by: Type.Optional(Repeated(Type.String())),
        page_token: Type.Optional(Type.String()),
      }),
      handler: async (r) => {
        const page = await registry.searchRegisteredModels({ filter: r.filter, orderBy: r.order_by, maxResults: r.max_results, pageToken: r.page_token });
        return withPageToken({ registered_models: page.items.map(wireRegisteredModel) }, page.nextPageToken);
      },
    }),
    mlflowRoute({
      methods: ['POST', 'GET'],
      path: '/registered-models/get-latest-versions',
      summary: 'The latest version in each stage',
      request: Type.Object({ name: Name, stages: Type.Optional(Repeated(Type.String())) }),
      handler: async (r) => ({ model_versions: (await registry.getLatestVersions(r.name, r.stages ?? [])).map(wireModelVersion) }),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/registered-models/set-tag',
      summary: 'Set a tag on a registered model',
      request: Type.Object({ name: Name, key: Required(Type.String()), value: Type.Optional(Type.String()) }),
      handler: (r, c) => done(registry.setRegisteredModelTag(r.name, { key: r.key, value: r.value ?? '' }, c.actor)),
    }),
    mlflowRoute({
      methods: ['DELETE'],
      path: '/registered-models/delete-tag',
      summary: 'Delete a tag of a registered model',
      request: Type.Object({ name: Name, key: Required(Type.String()) }),
      handler: (r, c) => done(registry.deleteRegisteredModelTag(r.name, r.key, c.actor)),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/registered-models/alias',
      summary: 'Point an alias at a version',
      request: Type.Object({ name: Name, alias: Required(Type.String()), version: Version }),
      handler: (r, c) => done(registry.setAlias(r.name, r.alias, r.version, c.actor)),
    }),
    mlflowRoute({
      methods: ['DELETE'],
      path: '/registered-models/alias',
      summary: 'Remove an alias',
      request: Type.Object({ name: Name, alias: Required(Type.String()) }),
      handler: (r, c) => done(registry.deleteAlias(r.name, r.alias, c.actor)),
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/registered-models/alias',
      summary: 'The version an alias points at',
      request: Type.Object({ name: Name, alias: Required(Type.String()) }),
      handler: async (r) => ({ model_version: wireModelVersion(await registry.getVersionByAlias(r.name, r.alias)) }),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/model-versions/create',
      summary: 'Register a model version from a runs:/, models:/ or mlflow-artifacts:/ source',
      request: Type.Object({
        name: Name,
        source: Required(Type.String()),
        run_id: Type.Optional(Type.String()),
        tags: Type.Optional(Repeated(KeyValue)),
        run_link: Type.Optional(Type.String()),
        description: Type.Optional(Type.String()),
        model_id: Type.Optional(Type.String()),
      }),
      handler: async (r, c) => ({
        model_version: wireModelVersion(
          await registry.createModelVersion(
            {
              name: r.name,
              source: r.source,
              runId: r.run_id,
              runLink: r.run_link,
              modelId: r.model_id,
              description: r.description,
              tags: tagsOf(r.tags),
            },
            c.actor,
          ),
        ),
      }),
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/model-versions/get',
      summary: 'Get a model version',
      request: Type.Object({ name: Name, version: Version }),
      handler: async (r) => ({ model_version: wireModelVersion(await registry.getModelVersion(r.name, r.version)) }),
    }),
    mlflowRoute({
      methods: ['PATCH'],
      path: '/model-versions/update',
      summary: "Update a version's description",
      request: Type.Object({ name: Name, version: Version, description: Type.Optional(Type.String()) }),
      handler: async (r, c) => ({ model_version: wireModelVersion(await registry.updateModelVersion(r.name, r.version, r.description, c.actor)) }),
    }),
    mlflowRoute({
      methods: ['DELETE'],
      path: '/model-versions/delete',
      summary: 'Delete a version (its number is not reused; its aliases are removed)',
      request: Type.Object({ name: Name, version: Version }),
      handler: (r, c) => done(registry.deleteModelVersion(r.name, r.version, c.actor)),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/model-versions/transition-stage',
      summary: "Move a version to None, Staging, Production or Archived",
      request: Type.Object({ name: Name, version: Version, stage: Required(Type.String()), archive_existing_versions: Type.Optional(Bool()) }),
      handler: async (r, c) => ({
        model_version: wireModelVersion(await registry.transitionStage(r.name, r.version, r.stage, r.archive_existing_versions ?? false, c.actor)),
      }),
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/model-versions/search',
      summary: 'Search model versions',
      request: Type.Object({
        filter: Type.Optional(Type.String()),
        max_results: Type.Optional(Int64()),
        order_by: Type.Optional(Repeated(Type.String())),
        page_token: Type.Optional(Type.String()),
      }),
      handler: async (r) => {
        const page = await registry.searchModelVersions({ filter: r.filter, orderBy: r.order_by, maxResults: r.max_results, pageToken: r.page_token });
        return withPageToken({ model_versions: page.items.map(wireModelVersion) }, page.nextPageToken);
      },
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/model-versions/get-download-uri',
      summary: "Where a version's files can be downloaded from",
      request: Type.Object({ name: Name, version: Version }),
      handler: async (r) => ({ artifact_uri: await registry.getDownloadUri(r.name, r.version) }),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/model-versions/set-tag',
      summary: 'Set a tag on a version',
      request: Type.Object({ name: Name, version: Version, key: Required(Type.String()), value: Type.Optional(Type.String()) }),
      handler: (r, c) => done(registry.setModelVersionTag(r.name, r.version, { key: r.key, value: r.value ?? '' }, c.actor)),
    }),
    mlflowRoute({
      methods: ['DELETE'],
      path: '/model-versions/delete-tag',
      summary: 'Delete a tag of a version',
      request: Type.Object({ name: Name, version: Version, key: Required(Type.String()) }),
      handler: (r, c) => done(registry.deleteModelVersionTag(r.name, r.version, r.key, c.actor)),
    }),
  ];
}

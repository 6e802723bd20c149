import type { LineageGraph } from '../entities/lineage.js';
import type { ModelVersion } from '../entities/model-version.js';
import type { ApprovalPolicy, RegisteredModel } from '../entities/registered-model.js';
import type { RegistryChange, RegistryChangeType } from '../entities/registry-change.js';
import { REGISTRY_CHANGE_TYPES } from '../entities/registry-change.js';
import type { Tag } from '../entities/tag.js';
import { SlipwayError } from '../errors/slipway-error.js';
import type { RegistryStore } from '../ports/registry-store.js';
import type { TrackingStore } from '../ports/tracking-store.js';
import { parseModelVersionsFilter, parseModelVersionsOrderBy } from '../search/parse-model-versions-search.js';
import { parseRegisteredModelsFilter, parseRegisteredModelsOrderBy } from '../search/parse-registered-models-search.js';
import { decodePageToken, nextPageToken } from '../tracking/page-token.js';
import type { ResultPage } from '../tracking/tracking-service.js';
import { pageSize, validateLength } from '../tracking/validation.js';
import { buildLineage } from './build-lineage.js';
import { REGISTRY_LIMITS } from './registry-limits.js';
import {
  parseApprovalStatus,
  parseStage,
  parseVersion,
  validateAlias,
  validateModelName,
  validateRegistryTag,
} from './registry-validation.js';
import { resolveModelSource } from './resolve-model-source.js';

/**
 * The registry use cases: MLflow's registry API plus Slipway's approvals, audit trail and
 * lineage. Validates requests, resolves version sources into the artifact store, and
 * passes the acting user to the store, which records every change.
 */
export class RegistryService {
  readonly #registry: RegistryStore;
  readonly #tracking: TrackingStore;

  constructor(stores: { readonly registry: RegistryStore; readonly tracking: TrackingStore }) {
    this.#registry = stores.registry;
    this.#tracking = stores.tracking;
  }

  // --- registered models -------------------------------------------------------------

  createRegisteredModel(request: { name: string; description?: string | undefined; tags?: readonly Tag[] | undefined }, actor: string): Promise<RegisteredModel> {
    validateModelName(request.name);
    const tags = request.tags ?? [];
    tags.forEach((t, i) => validateRegistryTag(t, `tags[${i}]`));
    if (request.description !== undefined) validateLength(request.description, REGISTRY_LIMITS.descriptionLength, 'description');
    return this.#registry.createRegisteredModel({ name: request.name, description: request.description, tags, userId: actor }, actor);
  }

  getRegisteredModel(name: string): Promise<RegisteredModel> {
    return this.#registry.getRegisteredModel(name);
  }

  renameRegisteredModel(name: string, newName: string, actor: string): Promise<RegisteredModel> {
    validateModelName(newName, 'new_name');
    return this.#registry.renameRegisteredModel(name, newName, actor);
  }

  updateRegisteredModel(name: string, description: string | undefined, actor: string): Promise<RegisteredModel> {
    if (description !== undefined) validateLength(description, REGISTRY_LIMITS.descriptionLength, 'description');
    return this.#registry.updateRegisteredModel(name, description, actor);
  }

  deleteRegisteredModel(name: string, actor: string): Promise<void> {
    return this.#registry.deleteRegisteredModel(name, actor);
  }

  async searchRegisteredModels(request: {
    filter?: string | undefined;
    orderBy?: readonly string[] | undefined;
    maxResults?: number | undefined;
    pageToken?: string | undefined;
  }): Promise<ResultPage<RegisteredModel>> {
    const limit = pageSize(request.maxResults, REGISTRY_LIMITS.searchModelsDefault, REGISTRY_LIMITS.searchModelsMax);
    const offset = decodePageToken(request.pageToken);
    const page = await this.#registry.searchRegisteredModels({
      filter: parseRegisteredModelsFilter(request.filter),
      orderBy: parseRegisteredModelsOrderBy(request.orderBy ?? []),
      limit,
      offset,
    });
    return { items: page.items, nextPageToken: nextPageToken(offset, page.items.length, page.hasMore) };
  }

  setRegisteredModelTag(name: string, tag: Tag, actor: string): Promise<void> {
    validateRegistryTag(tag, 'tag');
    return this.#registry.setRegisteredModelTag(name, tag, actor);
  }

  deleteRegisteredModelTag(name: string, key: string, actor: string): Promise<void> {
    return this.#registry.deleteRegisteredModelTag(name, key, actor);
  }

  setAlias(name: string, alias: string, version: string | number, actor: string): Promise<void> {
    validateAlias(alias);
    return this.#registry.setAlias(name, alias, parseVersion(version), actor);
  }

  deleteAlias(name: string, alias: string, actor: string): Promise<void> {
    return this.#registry.deleteAlias(name, alias, actor);
  }

  getVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return this.#registry.getVersionByAlias(name, alias);
  }

  getLatestVersions(name: string, stages: readonly string[]): Promise<ModelVersion[]> {
    return this.#registry.getLatestVersions(
      name,
      stages.map((s, i) => parseStage(s, `stages[${i}]`)),
    );
  }

  /** Which aliases and stages need an approved version. */
  setApprovalPolicy(name: string, policy: { protectedAliases: readonly string[]; protectedStages: readonly string[] }, actor: string): Promise<RegisteredModel> {
    policy.protectedAliases.forEach((a, i) => validateAlias(a, `protected_aliases[${i}]`));
    const normalized: ApprovalPolicy = {
      protectedAliases: [...new Set(policy.protectedAliases)],
      protectedStages: [...new Set(policy.protectedStages.map((s, i) => parseStage(s, `protected_stages[${i}]`)))],
    };
    return this.#registry.setApprovalPolicy(name, normalized, actor);
  }

  // --- model versions ----------------------------------------------------------------

  /** Registers a version; the source must resolve into the artifact store. Versions are READY at once. */
  async createModelVersion(
    request: {
      name: string;
      source: string;
      runId?: string | undefined;
      runLink?: string | undefined;
      modelId?: string | undefined;
      description?: string | undefined;
      tags?: readonly Tag[] | undefined;
    },
    actor: string,
  ): Promise<ModelVersion> {
    validateModelName(request.name);
    if (request.source.trim() === '') throw SlipwayError.invalidParameter("Missing value for required parameter 'source'.");
    const tags = request.tags ?? [];
    tags.forEach((t, i) => validateRegistryTag(t, `tags[${i}]`));
    if (request.description !== undefined) validateLength(request.description, REGISTRY_LIMITS.descriptionLength, 'description');
    await this.#registry.getRegisteredModel(request.name);
    const resolved = await resolveModelSource(request.source, { tracking: this.#tracking, registry: this.#registry });
    const modelId = request.modelId || resolved.modelId;
    if (modelId !== undefined && modelId !== resolved.modelId) {
      await this.#tracking.getLoggedModel(modelId).catch(() => {
        throw SlipwayError.invalidParameter(`Invalid value '${modelId}' for parameter 'model_id': no such logged model.`);
      });
    }
    const runId = request.runId || resolved.runId;
    return this.#registry.createModelVersion(
      {
        name: request.name,
        source: request.source,
        storageLocation: resolved.storageLocation,
        runId,
        runLink: request.runLink || undefined,
        modelId,
        description: request.description,
        tags,
        userId: actor,
      },
      actor,
    );
  }

  getModelVersion(name: string, version: string | number): Promise<ModelVersion> {
    return this.#registry.getModelVersion(name, parseVersion(version));
  }

  updateModelVersion(name: string, version: string | number, description: string | undefined, actor: string): Promise<ModelVersion> {
    if (description !== undefined) validateLength(description, REGISTRY_LIMITS.descriptionLength, 'description');
    return this.#registry.updateModelVersion(name, parseVersion(version), description, actor);
  }

  deleteModelVersion(name: string, version: string | number, actor: string): Promise<void> {
    return this.#registry.deleteModelVersion(name, parseVersion(version), actor);
  }

  async searchModelVersions(request: {
    filter?: string | undefined;
    orderBy?: readonly string[] | undefined;
    maxResults?: number | undefined;
    pageToken?: string | undefined;
  }): Promise<ResultPage<ModelVersion>> {
    const limit = pageSize(request.maxResults, REGISTRY_LIMITS.searchVersionsDefault, REGISTRY_LIMITS.searchVersionsMax);
    const offset = decodePageToken(request.pageToken);
    const page = await this.#registry.searchModelVersions({
      filter: parseModelVersionsFilter(request.filter),
      orderBy: parseModelVersionsOrderBy(request.orderBy ?? []),
      limit,
      offset,
    });
    return { items: page.items, nextPageToken: nextPageToken(offset, page.items.length, page.hasMore) };
  }

  setModelVersionTag(name: string, version: string | number, tag: Tag, actor: string): Promise<void> {
    validateRegistryTag(tag, 'tag');
    return this.#registry.setModelVersionTag(name, parseVersion(version), tag, actor);
  }

  deleteModelVersionTag(name: string, version: string | number, key: string, actor: string): Promise<void> {
    return this.#registry.deleteModelVersionTag(name, parseVersion(version), key, actor);
  }

  /** MLflow's rule: archiving the others is allowed only when moving to Staging or Production. */
  transitionStage(name: string, version: string | number, stage: string, archiveExisting: boolean, actor: string): Promise<ModelVersion> {
    const target = parseStage(stage);
    if (archiveExisting && target !== 'Staging' && target !== 'Production') {
      throw SlipwayError.invalidParameter(
        `Invalid value for parameter 'archive_existing_versions': it can only be true when transitioning to Staging or Production, not ${target}.`,
      );
    }
    return this.#registry.transitionStage(name, parseVersion(version), target, archiveExisting, actor);
  }

  /** Approves or rejects a version (or sets it back to pending), recording who, when and why. */
  setApproval(name: string, version: string | number, status: string, comment: string | undefined, actor: string): Promise<ModelVersion> {
    if (comment !== undefined) validateLength(comment, REGISTRY_LIMITS.approvalCommentLength, 'comment');
    return this.#registry.setApproval(name, parseVersion(version), parseApprovalStatus(status), comment, actor);
  }

  /** A version's download location: the artifact-store URI its source resolved to. */
  async getDownloadUri(name: string, version: string | number): Promise<string> {
    return (await this.getModelVersion(name, version)).storageLocation;
  }

  // --- audit, events, lineage --------------------------------------------------------

  /** The change log of one model (all its names) or version, or all of it; oldest first. */
  async listChanges(request: {
    name?: string | undefined;
    version?: string | number | undefined;
    types?: readonly string[] | undefined;
    afterId?: number | undefined;
    maxResults?: number | undefined;
  }): Promise<RegistryChange[]> {
    const types = (request.types ?? []).map((t, i) => {
      if (!(REGISTRY_CHANGE_TYPES as readonly string[]).includes(t)) {
        throw SlipwayError.invalidParameter(`Invalid value '${t}' for parameter 'types[${i}]': one of ${REGISTRY_CHANGE_TYPES.join(', ')}.`);
      }
      return t as RegistryChangeType;
    });
    if (request.version !== undefined && request.name === undefined) {
      throw SlipwayError.invalidParameter("Parameter 'version' needs 'name'.");
    }
    return this.#registry.listChanges({
      modelName: request.name,
      version: request.version === undefined ? undefined : parseVersion(request.version),
      types,
      afterId: request.afterId,
      limit: pageSize(request.maxResults, 1_000, 10_000),
    });
  }

  /** Dataset → run → logged model → version, plus every stored link around them. */
  async lineage(name: string, version: string | number): Promise<LineageGraph> {
    const mv = await this.getModelVersion(name, version);
    return buildLineage(mv, { tracking: this.#tracking, registry: this.#registry });
  }
}

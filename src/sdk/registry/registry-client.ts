import type { HttpTransport, QueryValue } from '../http-transport.js';
import { iterate, type Page } from '../paging.js';
import type {
  ApprovalStatus,
  AuditEntry,
  AuditEventType,
  Lineage,
  ModelStage,
  ModelVersion,
  ModelVersionDetail,
  RegisteredModel,
  RegisteredModelDetail,
  Tag,
  TagsInput,
} from './registry-types.js';

const MLFLOW = '/api/2.0/mlflow';
const SLIPWAY = '/api/slipway/v1';

/** A search's parameters, in MLflow's grammar (`name LIKE 'house%'`, `order_by: ['name ASC']`). */
export interface SearchOptions {
  readonly filter?: string | undefined;
  readonly orderBy?: readonly string[] | undefined;
  /** Page size (server limits: 1000 for models, 200000 for versions). */
  readonly maxResults?: number | undefined;
  /** A `nextPageToken` from the previous page. */
  readonly pageToken?: string | undefined;
}

/** A search run to the end, page by page. */
export interface IterateOptions {
  readonly filter?: string | undefined;
  readonly orderBy?: readonly string[] | undefined;
  /** How many results each request asks for. */
  readonly pageSize?: number | undefined;
}

export interface AuditQuery {
  /** One model's changes, under every name it has had (default: the whole registry). */
  readonly name?: string | undefined;
  /** One version's changes (needs `name`). */
  readonly version?: string | number | undefined;
  readonly types?: readonly (AuditEventType | (string & {}))[] | undefined;
  /** Only entries with a larger id (for reading on from the last one seen). */
  readonly afterId?: number | undefined;
  /** At most this many entries (1–10000; server default 1000). */
  readonly maxResults?: number | undefined;
}

export interface CreateModelVersionOptions {
  readonly runId?: string | undefined;
  readonly runLink?: string | undefined;
  /** The logged model the version is registered from (`models:/<id>` sources name it already). */
  readonly modelId?: string | undefined;
  readonly description?: string | undefined;
  readonly tags?: TagsInput | undefined;
}

/**
 * The model registry: MLflow's registry API (`/api/2.0/mlflow/registered-models/*`,
 * `/model-versions/*`) plus Slipway's approvals, approval policy, audit trail and lineage
 * (`/api/slipway/v1`). Single objects are read through Slipway's routes, so they come with
 * their approval details; writes go through MLflow's routes.
 */
export class RegistryClient {
  readonly #http: HttpTransport;

  constructor(transport: HttpTransport) {
    this.#http = transport;
  }

  // --- registered models -------------------------------------------------------------

  /** One page of registered models. */
  async searchRegisteredModels(options: SearchOptions = {}): Promise<Page<RegisteredModel>> {
    const res = await this.#get<{ registered_models?: RegisteredModel[]; next_page_token?: string }>(`${MLFLOW}/registered-models/search`, searchQuery(options));
    return page(res.registered_models, res.next_page_token);
  }

  /** Every registered model matching the search, fetched page by page as the loop goes. */
  iterateRegisteredModels(options: IterateOptions = {}): AsyncGenerator<RegisteredModel, void, undefined> {
    return iterate((pageToken) => this.searchRegisteredModels({ ...options, maxResults: options.pageSize, pageToken }));
  }

  /** A registered model with its latest versions' approvals and its approval policy. */
  async getRegisteredModel(name: string): Promise<RegisteredModelDetail> {
    return (await this.#get<{ registered_model: RegisteredModelDetail }>(`${SLIPWAY}/registered-models/${segment(name)}`)).registered_model;
  }

  async createRegisteredModel(name: string, options: { description?: string | undefined; tags?: TagsInput | undefined } = {}): Promise<RegisteredModel> {
    const body = { name, description: options.description, tags: tagList(options.tags) };
    return (await this.#send<{ registered_model: RegisteredModel }>('POST', `${MLFLOW}/registered-models/create`, body)).registered_model;
  }

  /** Renames a model; its versions, aliases and tags move with it. */
  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    return (await this.#send<{ registered_model: RegisteredModel }>('POST', `${MLFLOW}/registered-models/rename`, { name, new_name: newName })).registered_model;
  }

  async updateRegisteredModel(name: string, update: { description?: string | undefined }): Promise<RegisteredModel> {
    const body = { name, description: update.description };
    return (await this.#send<{ registered_model: RegisteredModel }>('PATCH', `${MLFLOW}/registered-models/update`, body)).registered_model;
  }

  /** Deletes a model with its versions, tags and aliases. */
  async deleteRegisteredModel(name: string): Promise<void> {
    await this.#send('DELETE', `${MLFLOW}/registered-models/delete`, { name });
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    await this.#send('POST', `${MLFLOW}/registered-models/set-tag`, { name, key, value });
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await this.#send('DELETE', `${MLFLOW}/registered-models/delete-tag`, { name, key });
  }

  /** The latest version in each stage (or in each of `stages`). */
  async getLatestVersions(name: string, stages?: readonly (ModelStage | (string & {}))[]): Promise<ModelVersion[]> {
    const res = await this.#get<{ model_versions?: ModelVersion[] }>(`${MLFLOW}/registered-models/get-latest-versions`, { name, stages });
    return res.model_versions ?? [];
  }

  /** Points `alias` at `version` (refused with RESOURCE_CONFLICT when the policy protects the alias and the version is not approved). */
  async setAlias(name: string, alias: string, version: string | number): Promise<void> {
    await this.#send('POST', `${MLFLOW}/registered-models/alias`, { name, alias, version: String(version) });
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.#send('DELETE', `${MLFLOW}/registered-models/alias`, { name, alias });
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return (await this.#get<{ model_version: ModelVersion }>(`${MLFLOW}/registered-models/alias`, { name, alias })).model_version;
  }

  /** Replaces the model's approval policy: which aliases and stages need an `Approved` version. */
  async setApprovalPolicy(
    name: string,
    policy: { protectedAliases?: readonly string[] | undefined; protectedStages?: readonly (ModelStage | (string & {}))[] | undefined },
  ): Promise<RegisteredModelDetail> {
    const body = { protected_aliases: policy.protectedAliases ?? [], protected_stages: policy.protectedStages ?? [] };
    return (await this.#send<{ registered_model: RegisteredModelDetail }>('PUT', `${SLIPWAY}/registered-models/${segment(name)}/approval-policy`, body))
      .registered_model;
  }

  // --- model versions ----------------------------------------------------------------

  /** One page of model versions (`filter: "name = 'housing'"`). */
  async searchModelVersions(options: SearchOptions = {}): Promise<Page<ModelVersion>> {
    const res = await this.#get<{ model_versions?: ModelVersion[]; next_page_token?: string }>(`${MLFLOW}/model-versions/search`, searchQuery(options));
    return page(res.model_versions, res.next_page_token);
  }

  iterateModelVersions(options: IterateOptions = {}): AsyncGenerator<ModelVersion, void, undefined> {
    return iterate((pageToken) => this.searchModelVersions({ ...options, maxResults: options.pageSize, pageToken }));
  }

  /** A version with its approval and storage location. */
  async getModelVersion(name: string, version: string | number): Promise<ModelVersionDetail> {
    return (await this.#get<{ model_version: ModelVersionDetail }>(`${SLIPWAY}/registered-models/${segment(name)}/versions/${segment(String(version))}`))
      .model_version;
  }

  /** Registers a version from a `runs:/…`, `models:/…` or `mlflow-artifacts:/…` source. */
  async createModelVersion(name: string, source: string, options: CreateModelVersionOptions = {}): Promise<ModelVersion> {
    const body = {
      name,
      source,
      run_id: options.runId,
      run_link: options.runLink,
      model_id: options.modelId,
      description: options.description,
      tags: tagList(options.tags),
    };
    return (await this.#send<{ model_version: ModelVersion }>('POST', `${MLFLOW}/model-versions/create`, body)).model_version;
  }

  async updateModelVersion(name: string, version: string | number, update: { description?: string | undefined }): Promise<ModelVersion> {
    const body = { name, version: String(version), description: update.description };
    return (await this.#send<{ model_version: ModelVersion }>('PATCH', `${MLFLOW}/model-versions/update`, body)).model_version;
  }

  /** Deletes a version; its number is not reused and its aliases are removed. */
  async deleteModelVersion(name: string, version: string | number): Promise<void> {
    await this.#send('DELETE', `${MLFLOW}/model-versions/delete`, { name, version: String(version) });
  }

  /**
   * Moves a version to `None`, `Staging`, `Production` or `Archived` (any case).
   * `archiveExistingVersions` archives the versions in the target stage (Staging or
   * Production only).
   */
  async transitionModelVersionStage(
    name: string,
    version: string | number,
    stage: ModelStage | (string & {}),
    options: { archiveExistingVersions?: boolean | undefined } = {},
  ): Promise<ModelVersion> {
    const body = { name, version: String(version), stage, archive_existing_versions: options.archiveExistingVersions ?? false };
    return (await this.#send<{ model_version: ModelVersion }>('POST', `${MLFLOW}/model-versions/transition-stage`, body)).model_version;
  }

  async setModelVersionTag(name: string, version: string | number, key: string, value: string): Promise<void> {
    await this.#send('POST', `${MLFLOW}/model-versions/set-tag`, { name, version: String(version), key, value });
  }

  async deleteModelVersionTag(name: string, version: string | number, key: string): Promise<void> {
    await this.#send('DELETE', `${MLFLOW}/model-versions/delete-tag`, { name, version: String(version), key });
  }

  /** The `mlflow-artifacts:/` URI a version's files can be downloaded from. */
  async getModelVersionDownloadUri(name: string, version: string | number): Promise<string> {
    return (await this.#get<{ artifact_uri: string }>(`${MLFLOW}/model-versions/get-download-uri`, { name, version: String(version) })).artifact_uri;
  }

  /** Records an approval decision (who: the client's actor), with an optional comment. */
  async setApproval(
    name: string,
    version: string | number,
    status: ApprovalStatus | (string & {}),
    options: { comment?: string | undefined } = {},
  ): Promise<ModelVersionDetail> {
    const path = `${SLIPWAY}/registered-models/${segment(name)}/versions/${segment(String(version))}/approval`;
    return (await this.#send<{ model_version: ModelVersionDetail }>('POST', path, { status, comment: options.comment })).model_version;
  }

  approveModelVersion(name: string, version: string | number, options: { comment?: string | undefined } = {}): Promise<ModelVersionDetail> {
    return this.setApproval(name, version, 'Approved', options);
  }

  rejectModelVersion(name: string, version: string | number, options: { comment?: string | undefined } = {}): Promise<ModelVersionDetail> {
    return this.setApproval(name, version, 'Rejected', options);
  }

  /** Dataset → run → logged model → version, and linked pipeline executions and deployments. */
  async getLineage(name: string, version: string | number): Promise<Lineage> {
    return (await this.#get<{ lineage: Lineage }>(`${SLIPWAY}/registered-models/${segment(name)}/versions/${segment(String(version))}/lineage`)).lineage;
  }

  // --- audit trail -------------------------------------------------------------------

  /** Entries of the registry's change log, oldest first. */
  async listAuditEntries(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const res = await this.#get<{ entries?: AuditEntry[] }>(`${SLIPWAY}/registry/audit`, {
      name: query.name,
      version: query.version === undefined ? undefined : String(query.version),
      types: query.types,
      after_id: query.afterId,
      max_results: query.maxResults,
    });
    return res.entries ?? [];
  }

  /** The whole change log matching the query, oldest first, read `pageSize` entries (default 1000) at a time. */
  async *iterateAuditEntries(query: Omit<AuditQuery, 'maxResults'> & { pageSize?: number | undefined } = {}): AsyncGenerator<AuditEntry, void, undefined> {
    const pageSize = query.pageSize ?? 1000;
    let afterId = query.afterId;
    for (;;) {
      const entries = await this.listAuditEntries({ ...query, afterId, maxResults: pageSize });
      yield* entries;
      const last = entries.at(-1);
      if (last === undefined || entries.length < pageSize) return;
      afterId = last.id;
    }
  }

  // --- plumbing ----------------------------------------------------------------------

  #get<T>(path: string, query?: Record<string, QueryValue>): Promise<T> {
    return this.#http.request<T>({ method: 'GET', path, query });
  }

  #send<T = unknown>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body: Record<string, unknown>): Promise<T> {
    // JSON.stringify leaves undefined fields out.
    return this.#http.request<T>({ method, path, body });
  }
}

function searchQuery(options: SearchOptions): Record<string, QueryValue> {
  return { filter: options.filter, order_by: options.orderBy, max_results: options.maxResults, page_token: options.pageToken };
}

function page<T>(items: T[] | undefined, token: string | undefined): Page<T> {
  return token === undefined || token === '' ? { items: items ?? [] } : { items: items ?? [], nextPageToken: token };
}

function tagList(tags: TagsInput | undefined): Tag[] | undefined {
  if (tags === undefined) return undefined;
  if (Array.isArray(tags)) return (tags as readonly Tag[]).map((t) => ({ key: t.key, value: t.value }));
  return Object.entries(tags as Readonly<Record<string, string>>).map(([key, value]) => ({ key, value }));
}

/** A name as one path segment (model names may hold spaces, `%`, `?`, … but not `/`). */
function segment(text: string): string {
  return encodeURIComponent(text);
}

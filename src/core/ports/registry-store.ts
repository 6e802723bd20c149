import type { LineageEdge } from '../entities/lineage.js';
import type { ApprovalStatus, ModelVersion } from '../entities/model-version.js';
import type { ApprovalPolicy, ModelStage, RegisteredModel } from '../entities/registered-model.js';
import type { RegistryChange, RegistryChangeType } from '../entities/registry-change.js';
import type { Tag } from '../entities/tag.js';
import type { Filter, OrderByTerm } from '../search/search-ast.js';
import type { Page, Paging } from './tracking-store.js';

/**
 * The model registry port: registered models, versions, aliases, stages, approvals, the
 * change log (audit trail and event outbox) and stored lineage links.
 *
 * Implementer's notes — every adapter must keep these invariants (checked by
 * `test/contract/registry-store.contract.ts`):
 * - Every write is atomic and appends its change-log entries in the same transaction;
 *   change-log entries are never updated or deleted.
 * - Version numbers are `max + 1` per model and never reused, even after deletes.
 * - A rename carries versions, aliases and tags along; deleting a version removes the
 *   aliases pointing at it; deleting a model removes its versions, tags and aliases.
 * - The approval policy is enforced here, in the transaction that changes an alias or a
 *   stage: a protected alias or stage for a version that is not `Approved` →
 *   RESOURCE_CONFLICT, and nothing is written.
 * - Unknown models or versions → RESOURCE_DOES_NOT_EXIST; duplicate names →
 *   RESOURCE_ALREADY_EXISTS.
 */
export interface RegistryStore {
  createRegisteredModel(input: CreateRegisteredModelInput, actor: string): Promise<RegisteredModel>;
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  renameRegisteredModel(name: string, newName: string, actor: string): Promise<RegisteredModel>;
  updateRegisteredModel(name: string, description: string | undefined, actor: string): Promise<RegisteredModel>;
  deleteRegisteredModel(name: string, actor: string): Promise<void>;
  searchRegisteredModels(query: SearchRegistryQuery): Promise<Page<RegisteredModel>>;
  setRegisteredModelTag(name: string, tag: Tag, actor: string): Promise<void>;
  deleteRegisteredModelTag(name: string, key: string, actor: string): Promise<void>;
  setApprovalPolicy(name: string, policy: ApprovalPolicy, actor: string): Promise<RegisteredModel>;

  /** Points `alias` at `version` (moving it if it pointed elsewhere). */
  setAlias(name: string, alias: string, version: number, actor: string): Promise<void>;
  /** An alias that is not set is a no-op, as in MLflow (so is deleting an unset tag). */
  deleteAlias(name: string, alias: string, actor: string): Promise<void>;
  /** Missing alias → INVALID_PARAMETER_VALUE, as MLflow answers. */
  getVersionByAlias(name: string, alias: string): Promise<ModelVersion>;
  /** The highest version in each of `stages` (every stage when empty). */
  getLatestVersions(name: string, stages: readonly ModelStage[]): Promise<ModelVersion[]>;

  createModelVersion(input: CreateModelVersionInput, actor: string): Promise<ModelVersion>;
  getModelVersion(name: string, version: number): Promise<ModelVersion>;
  updateModelVersion(name: string, version: number, description: string | undefined, actor: string): Promise<ModelVersion>;
  deleteModelVersion(name: string, version: number, actor: string): Promise<void>;
  searchModelVersions(query: SearchRegistryQuery): Promise<Page<ModelVersion>>;
  setModelVersionTag(name: string, version: number, tag: Tag, actor: string): Promise<void>;
  deleteModelVersionTag(name: string, version: number, key: string, actor: string): Promise<void>;
  /** With `archiveExisting`, every other version in the target stage moves to `Archived`. */
  transitionStage(name: string, version: number, stage: ModelStage, archiveExisting: boolean, actor: string): Promise<ModelVersion>;
  setApproval(name: string, version: number, status: ApprovalStatus, comment: string | undefined, actor: string): Promise<ModelVersion>;

  /** Change-log entries in commit order. */
  listChanges(query: ListChangesQuery): Promise<RegistryChange[]>;

  /** Records a lineage edge that other parts of Slipway know about (pipelines, deployments). */
  addLineageLink(edge: LineageEdge): Promise<void>;
  /** Stored edges touching any of `nodeIds`. */
  lineageLinks(nodeIds: readonly string[]): Promise<LineageEdge[]>;
}

export interface CreateRegisteredModelInput {
  readonly name: string;
  readonly description?: string | undefined;
  readonly tags: readonly Tag[];
  readonly userId?: string | undefined;
}

export interface CreateModelVersionInput {
  readonly name: string;
  readonly source: string;
  /** The `mlflow-artifacts:/` location the source resolved to. */
  readonly storageLocation: string;
  readonly runId?: string | undefined;
  readonly runLink?: string | undefined;
  readonly modelId?: string | undefined;
  readonly description?: string | undefined;
  readonly tags: readonly Tag[];
  readonly userId?: string | undefined;
}

export interface SearchRegistryQuery extends Paging {
  readonly filter: Filter;
  readonly orderBy: readonly OrderByTerm[];
}

export interface ListChangesQuery {
  readonly modelName?: string | undefined;
  readonly version?: number | undefined;
  readonly types?: readonly RegistryChangeType[] | undefined;
  /** Only entries with a larger id (a consumer's cursor). */
  readonly afterId?: number | undefined;
  readonly limit: number;
}

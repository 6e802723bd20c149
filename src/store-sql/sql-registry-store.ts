import type { LineageEdge } from '../core/entities/lineage.js';
import type { ApprovalStatus, ModelVersion } from '../core/entities/model-version.js';
import type { ApprovalPolicy, ModelStage, RegisteredModel } from '../core/entities/registered-model.js';
import type { RegistryChange } from '../core/entities/registry-change.js';
import type { Tag } from '../core/entities/tag.js';
import type {
  CreateModelVersionInput,
  CreateRegisteredModelInput,
  ListChangesQuery,
  RegistryStore,
  SearchRegistryQuery,
} from '../core/ports/registry-store.js';
import type { Page } from '../core/ports/tracking-store.js';
import { migrateToLatest } from './migrate-to-latest.js';
import * as links from './registry/lineage-links.js';
import * as versions from './registry/model-version-queries.js';
import * as models from './registry/registered-model-queries.js';
import { listChanges } from './registry/registry-changes.js';
import { searchModelVersions, searchRegisteredModels } from './registry/registry-search.js';
import type { SqlDatabase } from './sql-database.js';

export interface SqlRegistryStoreOptions {
  /** Milliseconds since the epoch. @default Date.now */
  readonly clock?: () => number;
}

/** {@link RegistryStore} over SQLite or PostgreSQL, in the same database as the tracking store. */
export class SqlRegistryStore implements RegistryStore {
  readonly #database: SqlDatabase;
  readonly #now: () => number;

  private constructor(database: SqlDatabase, options: SqlRegistryStoreOptions) {
    this.#database = database;
    this.#now = options.clock ?? Date.now;
  }

  /** Migrates the database to the latest schema (a no-op when the tracking store already did). */
  static async open(database: SqlDatabase, options: SqlRegistryStoreOptions = {}): Promise<SqlRegistryStore> {
    await migrateToLatest(database);
    return new SqlRegistryStore(database, options);
  }

  get #db() {
    return this.#database.db;
  }

  createRegisteredModel(input: CreateRegisteredModelInput, actor: string): Promise<RegisteredModel> {
    return models.insertRegisteredModel(this.#db, input, actor, this.#now());
  }
  getRegisteredModel(name: string): Promise<RegisteredModel> {
    return models.fetchModel(this.#db, name);
  }
  renameRegisteredModel(name: string, newName: string, actor: string): Promise<RegisteredModel> {
    return models.renameModel(this.#db, name, newName, actor, this.#now());
  }
  updateRegisteredModel(name: string, description: string | undefined, actor: string): Promise<RegisteredModel> {
    return models.updateModel(this.#db, name, description, actor, this.#now());
  }
  deleteRegisteredModel(name: string, actor: string): Promise<void> {
    return models.deleteModel(this.#db, name, actor, this.#now());
  }
  searchRegisteredModels(query: SearchRegistryQuery): Promise<Page<RegisteredModel>> {
    return searchRegisteredModels(this.#db, this.#database.flavor, query);
  }
  setRegisteredModelTag(name: string, tag: Tag, actor: string): Promise<void> {
    return models.setModelTag(this.#db, name, tag, actor, this.#now());
  }
  deleteRegisteredModelTag(name: string, key: string, actor: string): Promise<void> {
    return models.deleteModelTag(this.#db, name, key, actor, this.#now());
  }
  setApprovalPolicy(name: string, policy: ApprovalPolicy, actor: string): Promise<RegisteredModel> {
    return models.setPolicy(this.#db, name, policy, actor, this.#now());
  }
  setAlias(name: string, alias: string, version: number, actor: string): Promise<void> {
    return models.setAlias(this.#db, name, alias, version, actor, this.#now());
  }
  deleteAlias(name: string, alias: string, actor: string): Promise<void> {
    return models.deleteAlias(this.#db, name, alias, actor, this.#now());
  }
  getVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return models.versionByAlias(this.#db, name, alias);
  }
  getLatestVersions(name: string, stages: readonly ModelStage[]): Promise<ModelVersion[]> {
    return models.latestVersions(this.#db, name, stages);
  }

  createModelVersion(input: CreateModelVersionInput, actor: string): Promise<ModelVersion> {
    return versions.insertVersion(this.#db, input, actor, this.#now());
  }
  getModelVersion(name: string, version: number): Promise<ModelVersion> {
    return versions.getVersion(this.#db, name, version);
  }
  updateModelVersion(name: string, version: number, description: string | undefined, actor: string): Promise<ModelVersion> {
    return versions.updateVersion(this.#db, name, version, description, actor, this.#now());
  }
  deleteModelVersion(name: string, version: number, actor: string): Promise<void> {
    return versions.deleteVersion(this.#db, name, version, actor, this.#now());
  }
  searchModelVersions(query: SearchRegistryQuery): Promise<Page<ModelVersion>> {
    return searchModelVersions(this.#db, this.#database.flavor, query);
  }
  setModelVersionTag(name: string, version: number, tag: Tag, actor: string): Promise<void> {
    return versions.setVersionTag(this.#db, name, version, tag, actor, this.#now());
  }
  deleteModelVersionTag(name: string, version: number, key: string, actor: string): Promise<void> {
    return versions.deleteVersionTag(this.#db, name, version, key, actor, this.#now());
  }
  transitionStage(name: string, version: number, stage: ModelStage, archiveExisting: boolean, actor: string): Promise<ModelVersion> {
    return versions.transitionStage(this.#db, name, version, stage, archiveExisting, actor, this.#now());
  }
  setApproval(name: string, version: number, status: ApprovalStatus, comment: string | undefined, actor: string): Promise<ModelVersion> {
    return versions.setApproval(this.#db, name, version, status, comment, actor, this.#now());
  }

  listChanges(query: ListChangesQuery): Promise<RegistryChange[]> {
    return listChanges(this.#db, query);
  }
  addLineageLink(edge: LineageEdge): Promise<void> {
    return links.addLineageLink(this.#db, edge, this.#now());
  }
  lineageLinks(nodeIds: readonly string[]): Promise<LineageEdge[]> {
    return links.lineageLinks(this.#db, nodeIds);
  }
}

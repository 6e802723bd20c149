import type { PipelineSummary, PipelineVersion } from '../core/pipelines/execution-model.js';
import type {
  ActiveExecution,
  CacheEntry,
  ExecutionListQuery,
  ExecutionRecord,
  NewPipelineVersion,
  PipelineStore,
  Transition,
} from '../core/ports/pipeline-store.js';
import type { Page, Paging } from '../core/ports/tracking-store.js';
import { migrateToLatest } from './migrate-to-latest.js';
import * as executions from './pipelines/execution-queries.js';
import * as pipelines from './pipelines/pipeline-queries.js';
import type { SqlDatabase } from './sql-database.js';

/** {@link PipelineStore} over SQLite or PostgreSQL, in the same database as tracking and the registry. */
export class SqlPipelineStore implements PipelineStore {
  readonly #database: SqlDatabase;

  private constructor(database: SqlDatabase) {
    this.#database = database;
  }

  /** Migrates the database to the latest schema (a no-op when another store already did). */
  static async open(database: SqlDatabase): Promise<SqlPipelineStore> {
    await migrateToLatest(database);
    return new SqlPipelineStore(database);
  }

  get #db() {
    return this.#database.db;
  }

  upsertPipelineVersion(input: NewPipelineVersion): Promise<{ pipeline: PipelineVersion; created: boolean }> {
    return pipelines.upsertVersion(this.#db, input);
  }
  getPipelineVersion(name: string, version?: number): Promise<PipelineVersion> {
    return pipelines.fetchVersion(this.#db, name, version);
  }
  getPipelineCodeDir(name: string): Promise<string | undefined> {
    return pipelines.fetchCodeDir(this.#db, name);
  }
  listPipelines(paging: Paging): Promise<Page<PipelineSummary>> {
    return pipelines.listPipelines(this.#db, paging);
  }
  createExecution(execution: ExecutionRecord): Promise<void> {
    return executions.insertExecution(this.#db, execution);
  }
  getExecution(executionId: string): Promise<ExecutionRecord> {
    return executions.fetchExecution(this.#db, executionId);
  }
  listExecutions(query: ExecutionListQuery): Promise<Page<ExecutionRecord>> {
    return executions.listExecutions(this.#db, query);
  }
  listActiveExecutionIds(): Promise<string[]> {
    return executions.activeExecutionIds(this.#db);
  }
  listActiveExecutions(): Promise<ActiveExecution[]> {
    return executions.activeExecutions(this.#db);
  }
  applyTransition(transition: Transition): Promise<number> {
    return executions.applyTransition(this.#db, transition);
  }
  getCacheEntry(cacheKey: string): Promise<CacheEntry | undefined> {
    return executions.newestCacheEntry(this.#db, cacheKey);
  }
}

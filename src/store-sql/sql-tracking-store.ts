import type { DatasetInput } from '../core/entities/dataset.js';
import type { Experiment } from '../core/entities/experiment.js';
import { LifecycleStage } from '../core/entities/lifecycle-stage.js';
import type { LoggedModel, LoggedModelStatus } from '../core/entities/logged-model.js';
import type { Metric } from '../core/entities/metric.js';
import type { ModelInput, ModelOutput, Run, RunInfo } from '../core/entities/run.js';
import type { Tag } from '../core/entities/tag.js';
import type {
  BulkIntervalQuery,
  CreateExperimentInput,
  CreateLoggedModelInput,
  CreateRunInput,
  LogBatchInput,
  MetricHistoryQuery,
  Page,
  SearchExperimentsQuery,
  SearchLoggedModelsQuery,
  SearchRunsQuery,
  TrackingStore,
  UpdateRunInput,
} from '../core/ports/tracking-store.js';
import type { DownsampledHistory, DownsampleQuery } from '../core/ports/metric-downsample.js';
import * as experiments from './experiment-queries.js';
import { logBatch } from './log-batch.js';
import * as models from './logged-model-queries.js';
import { migrateToLatest } from './migrate-to-latest.js';
import { metricHistory, metricHistoryBulkInterval, openMetricHistory } from './metric-history.js';
import { downsampleMetricHistory } from './metric-downsample.js';
import { logInputs, logOutputs } from './run-inputs.js';
import * as runs from './run-queries.js';
import { searchExperiments } from './search-experiments.js';
import { searchRuns } from './search-runs.js';
import type { SqlDatabase } from './sql-database.js';

export interface SqlTrackingStoreOptions {
  /** Root under which new experiments get their artifact location (`mlflow-artifacts:/`). */
  readonly defaultArtifactRoot: string;
  /** Milliseconds since the epoch. @default Date.now */
  readonly clock?: () => number;
}

/** {@link TrackingStore} over SQLite or PostgreSQL through Kysely. */
export class SqlTrackingStore implements TrackingStore {
  readonly #database: SqlDatabase;
  readonly #root: string;
  readonly #now: () => number;

  private constructor(database: SqlDatabase, options: SqlTrackingStoreOptions) {
    this.#database = database;
    this.#root = options.defaultArtifactRoot;
    this.#now = options.clock ?? Date.now;
  }

  /** Migrates the database to the latest schema and makes sure the `Default` experiment exists. */
  static async open(database: SqlDatabase, options: SqlTrackingStoreOptions): Promise<SqlTrackingStore> {
    await migrateToLatest(database);
    const store = new SqlTrackingStore(database, options);
    await experiments.ensureDefaultExperiment(database.db, store.#root, store.#now());
    return store;
  }

  get #db() {
    return this.#database.db;
  }

  createExperiment(input: CreateExperimentInput): Promise<string> {
    return experiments.insertExperiment(this.#db, input, this.#root, this.#now());
  }
  async getExperiment(experimentId: string): Promise<Experiment> {
    const [experiment] = await experiments.hydrateExperiments(this.#db, [await experiments.experimentRow(this.#db, experimentId)]);
    return experiment!;
  }
  getExperimentByName(name: string): Promise<Experiment> {
    return experiments.findExperimentByName(this.#db, name);
  }
  searchExperiments(query: SearchExperimentsQuery): Promise<Page<Experiment>> {
    return searchExperiments(this.#db, this.#database.flavor, query);
  }
  renameExperiment(experimentId: string, newName: string): Promise<void> {
    return experiments.renameExperiment(this.#db, experimentId, newName, this.#now());
  }
  deleteExperiment(experimentId: string): Promise<void> {
    return experiments.deleteExperiment(this.#db, experimentId, this.#now());
  }
  restoreExperiment(experimentId: string): Promise<void> {
    return experiments.restoreExperiment(this.#db, experimentId, this.#now());
  }
  setExperimentTag(experimentId: string, tag: Tag): Promise<void> {
    return experiments.setExperimentTag(this.#db, experimentId, tag);
  }
  deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    return experiments.deleteExperimentTag(this.#db, experimentId, key);
  }

  createRun(input: CreateRunInput): Promise<Run> {
    return runs.insertRun(this.#db, input);
  }
  getRun(runId: string): Promise<Run> {
    return runs.fetchRun(this.#db, runId);
  }
  updateRun(input: UpdateRunInput): Promise<RunInfo> {
    return runs.updateRun(this.#db, input);
  }
  deleteRun(runId: string): Promise<void> {
    return runs.setRunLifecycle(this.#db, runId, LifecycleStage.DELETED, this.#now());
  }
  restoreRun(runId: string): Promise<void> {
    return runs.setRunLifecycle(this.#db, runId, LifecycleStage.ACTIVE, this.#now());
  }
  searchRuns(query: SearchRunsQuery): Promise<Page<Run>> {
    return searchRuns(this.#db, this.#database.flavor, query);
  }
  logBatch(input: LogBatchInput): Promise<void> {
    return logBatch(this.#db, this.#database.flavor, input);
  }
  deleteTag(runId: string, key: string): Promise<void> {
    return runs.deleteRunTag(this.#db, runId, key);
  }
  logInputs(runId: string, datasets: readonly DatasetInput[], modelInputs: readonly ModelInput[]): Promise<void> {
    return logInputs(this.#db, runId, datasets, modelInputs);
  }
  logOutputs(runId: string, modelOutputs: readonly ModelOutput[]): Promise<void> {
    return logOutputs(this.#db, runId, modelOutputs);
  }
  getMetricHistory(query: MetricHistoryQuery): Promise<Page<Metric>> {
    return metricHistory(this.#db, query);
  }
  openMetricHistory(query: MetricHistoryQuery, chunkSize: number): Promise<AsyncIterable<Metric[]>> {
    return openMetricHistory(this.#db, query, chunkSize);
  }
  getMetricHistoryBulkInterval(query: BulkIntervalQuery): Promise<Metric[]> {
    return metricHistoryBulkInterval(this.#db, query);
  }
  downsampleMetricHistory(query: DownsampleQuery): Promise<DownsampledHistory> {
    return downsampleMetricHistory(this.#db, this.#database.flavor, query);
  }

  createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel> {
    return models.insertLoggedModel(this.#db, input, this.#now());
  }
  getLoggedModel(modelId: string): Promise<LoggedModel> {
    return models.fetchLoggedModel(this.#db, modelId);
  }
  finalizeLoggedModel(modelId: string, status: LoggedModelStatus): Promise<LoggedModel> {
    return models.setLoggedModelStatus(this.#db, modelId, status, this.#now());
  }
  deleteLoggedModel(modelId: string): Promise<void> {
    return models.deleteLoggedModel(this.#db, modelId, this.#now());
  }
  setLoggedModelTags(modelId: string, tags: readonly Tag[]): Promise<void> {
    return models.setLoggedModelKeyValues(this.#db, 'logged_model_tags', modelId, tags, this.#now());
  }
  deleteLoggedModelTag(modelId: string, key: string): Promise<void> {
    return models.deleteLoggedModelTag(this.#db, modelId, key);
  }
  logLoggedModelParams(modelId: string, params: readonly Tag[]): Promise<void> {
    return models.setLoggedModelKeyValues(this.#db, 'logged_model_params', modelId, params, this.#now());
  }
  searchLoggedModels(query: SearchLoggedModelsQuery): Promise<Page<LoggedModel>> {
    return models.searchLoggedModels(this.#db, this.#database.flavor, query);
  }

  close(): Promise<void> {
    return this.#database.close();
  }
}

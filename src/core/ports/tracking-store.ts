import type { DatasetInput } from '../entities/dataset.js';
import type { Experiment } from '../entities/experiment.js';
import type { ViewType } from '../entities/lifecycle-stage.js';
import type { LoggedModel, LoggedModelStatus } from '../entities/logged-model.js';
import type { Metric } from '../entities/metric.js';
import type { ModelInput, ModelOutput, Run, RunInfo, RunStatus } from '../entities/run.js';
import type { Tag } from '../entities/tag.js';
import type { Filter, OrderByTerm } from '../search/search-ast.js';
import type { DownsampledHistory, DownsampleQuery } from './metric-downsample.js';

/**
 * The tracking store port: experiments, runs, metrics, params, tags, dataset inputs and
 * logged models.
 *
 * Implementer's notes — every adapter must keep these invariants (the contract suite in
 * `test/contract/tracking-store.contract.ts` checks them):
 * - Inputs arrive already validated for shape and size by `TrackingService`; the store
 *   enforces everything that depends on stored state (existence, lifecycle stage,
 *   uniqueness, param immutability) and throws `SlipwayError` with MLflow's codes.
 * - Every write method is atomic: when it throws, nothing of it is stored.
 * - A write acknowledged (the promise resolved) survives a crash of the process.
 * - Filters and ordering run in the database; `limit`/`offset` page the ordered result.
 * - Experiment `"0"` (`Default`) exists once the store is opened.
 */
export interface TrackingStore {
  // --- experiments -------------------------------------------------------------------
  /** Creates an experiment and returns its id. Duplicate name (even deleted) → RESOURCE_ALREADY_EXISTS. */
  createExperiment(input: CreateExperimentInput): Promise<string>;
  /** Any lifecycle stage. Missing → RESOURCE_DOES_NOT_EXIST. */
  getExperiment(experimentId: string): Promise<Experiment>;
  /** The active experiment of that name if there is one, else a deleted one. Missing → RESOURCE_DOES_NOT_EXIST. */
  getExperimentByName(name: string): Promise<Experiment>;
  searchExperiments(query: SearchExperimentsQuery): Promise<Page<Experiment>>;
  /** Renames an active experiment. */
  renameExperiment(experimentId: string, newName: string): Promise<void>;
  /** Soft-deletes the experiment and its runs. */
  deleteExperiment(experimentId: string): Promise<void>;
  /** Restores the experiment and the runs its deletion deleted. */
  restoreExperiment(experimentId: string): Promise<void>;
  setExperimentTag(experimentId: string, tag: Tag): Promise<void>;
  /** Missing tag → RESOURCE_DOES_NOT_EXIST. */
  deleteExperimentTag(experimentId: string, key: string): Promise<void>;

  // --- runs --------------------------------------------------------------------------
  /** Creates a RUNNING run in an active experiment. */
  createRun(input: CreateRunInput): Promise<Run>;
  getRun(runId: string): Promise<Run>;
  /** Applies only the fields that are set; returns the updated info. */
  updateRun(input: UpdateRunInput): Promise<RunInfo>;
  deleteRun(runId: string): Promise<void>;
  restoreRun(runId: string): Promise<void>;
  searchRuns(query: SearchRunsQuery): Promise<Page<Run>>;
  /**
   * Logs metrics, params and tags in one transaction: all or nothing. Exact duplicate
   * metric points are ignored; a param already logged with another value →
   * INVALID_PARAMETER_VALUE. Setting `mlflow.runName` renames the run.
   */
  logBatch(input: LogBatchInput): Promise<void>;
  /** Missing tag → RESOURCE_DOES_NOT_EXIST. */
  deleteTag(runId: string, key: string): Promise<void>;
  /** Records dataset inputs (deduplicated by experiment, name and digest) and model inputs. */
  logInputs(runId: string, datasets: readonly DatasetInput[], models: readonly ModelInput[]): Promise<void>;
  logOutputs(runId: string, models: readonly ModelOutput[]): Promise<void>;
  /** One metric's history, ordered by step, then timestamp, then value. */
  getMetricHistory(query: MetricHistoryQuery): Promise<Page<Metric>>;
  /**
   * The points `getMetricHistory` would return (or those after `query.after`), read and
   * handed over `chunkSize` at a time, so a long history never sits in memory whole. Each
   * chunk is a short query of its own (other requests run in between); points are read
   * after the last one handed over, so points logged meanwhile are neither repeated nor
   * skipped. The promise rejects (missing run → RESOURCE_DOES_NOT_EXIST) before any
   * chunk is read, so callers can answer errors before they start streaming.
   */
  openMetricHistory(query: MetricHistoryQuery, chunkSize: number): Promise<AsyncIterable<Metric[]>>;
  /**
   * Up to `maxResults` points per run, sampled evenly over the steps in
   * `[startStep, endStep]` (always keeping the first and last), each with `runId`.
   */
  getMetricHistoryBulkInterval(query: BulkIntervalQuery): Promise<Metric[]>;
  /**
   * One metric's history reduced in the database for a chart `buckets` pixels wide: the
   * x range (`[xMin, xMax]` when given, else the history's) is cut into `buckets` equal
   * spans and each span that holds finite points yields its smallest and largest value
   * and x; when the range holds at most `2 × buckets` finite points they come back as
   * they are (`exact`). Non-finite values are counted, never drawn. Missing run →
   * RESOURCE_DOES_NOT_EXIST. See `metric-downsample.ts` for the types.
   */
  downsampleMetricHistory(query: DownsampleQuery): Promise<DownsampledHistory>;

  // --- logged models -----------------------------------------------------------------
  createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel>;
  /** Deleted or missing → RESOURCE_DOES_NOT_EXIST. */
  getLoggedModel(modelId: string): Promise<LoggedModel>;
  finalizeLoggedModel(modelId: string, status: LoggedModelStatus): Promise<LoggedModel>;
  deleteLoggedModel(modelId: string): Promise<void>;
  setLoggedModelTags(modelId: string, tags: readonly Tag[]): Promise<void>;
  deleteLoggedModelTag(modelId: string, key: string): Promise<void>;
  logLoggedModelParams(modelId: string, params: readonly Tag[]): Promise<void>;
  searchLoggedModels(query: SearchLoggedModelsQuery): Promise<Page<LoggedModel>>;

  /** Releases connections. The store is unusable afterwards. */
  close(): Promise<void>;
}

/** One page of an ordered result. `hasMore` says whether rows follow `offset + items.length`. */
export interface Page<T> {
  readonly items: T[];
  readonly hasMore: boolean;
}

export interface Paging {
  readonly limit: number;
  readonly offset: number;
}

export interface CreateExperimentInput {
  readonly name: string;
  /** Defaults to `<default artifact root>/<experiment id>`. */
  readonly artifactLocation?: string | undefined;
  readonly tags: readonly Tag[];
}

export interface SearchExperimentsQuery extends Paging {
  readonly viewType: ViewType;
  readonly filter: Filter;
  readonly orderBy: readonly OrderByTerm[];
}

export interface CreateRunInput {
  /** Generated by the caller (32 lowercase hex characters). */
  readonly runId: string;
  readonly experimentId: string;
  readonly userId: string;
  readonly runName: string;
  readonly startTime: number;
  readonly tags: readonly Tag[];
}

export interface UpdateRunInput {
  readonly runId: string;
  readonly status?: RunStatus | undefined;
  readonly endTime?: number | undefined;
  readonly runName?: string | undefined;
}

export interface SearchRunsQuery extends Paging {
  readonly experimentIds: readonly string[];
  readonly viewType: ViewType;
  readonly filter: Filter;
  readonly orderBy: readonly OrderByTerm[];
}

export interface LogBatchInput {
  readonly runId: string;
  readonly metrics: readonly Metric[];
  readonly params: readonly Tag[];
  readonly tags: readonly Tag[];
}

export interface MetricHistoryQuery {
  readonly runId: string;
  readonly key: string;
  /** Undefined = every point. */
  readonly limit?: number | undefined;
  readonly offset: number;
  /** Start after this point of the history's order (a cursor), instead of at `offset`. */
  readonly after?: MetricPointKey | undefined;
}

/** A point's place in a history's order: step, then timestamp, then value (NaN last). */
export interface MetricPointKey {
  readonly step: number;
  readonly timestamp: number;
  readonly value: number;
}

export interface BulkIntervalQuery {
  readonly runIds: readonly string[];
  readonly key: string;
  readonly startStep?: number | undefined;
  readonly endStep?: number | undefined;
  readonly maxResults: number;
}

export interface CreateLoggedModelInput {
  /** Generated by the caller (`m-` + 32 hex characters). */
  readonly modelId: string;
  readonly experimentId: string;
  readonly name: string;
  readonly modelType?: string | undefined;
  readonly sourceRunId?: string | undefined;
  readonly params: readonly Tag[];
  readonly tags: readonly Tag[];
}

export interface SearchLoggedModelsQuery extends Paging {
  readonly experimentIds: readonly string[];
  readonly filter: Filter;
  /** Restricts metric clauses to metrics logged against one of these datasets. */
  readonly datasets: readonly { readonly datasetName: string; readonly datasetDigest?: string | undefined }[];
  readonly orderBy: readonly OrderByTerm[];
}

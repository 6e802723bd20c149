import type { DatasetInput } from '../entities/dataset.js';
import type { Experiment } from '../entities/experiment.js';
import type { ViewType } from '../entities/lifecycle-stage.js';
import type { LoggedModel, LoggedModelStatus } from '../entities/logged-model.js';
import type { Metric } from '../entities/metric.js';
import { RUN_NAME_TAG, USER_TAG, type ModelInput, type ModelOutput, type Run, type RunInfo, type RunStatus } from '../entities/run.js';
import type { Tag } from '../entities/tag.js';
import { SlipwayError } from '../errors/slipway-error.js';
import type { TrackingStore } from '../ports/tracking-store.js';
import { parseExperimentsFilter, parseExperimentsOrderBy } from '../search/parse-experiments-search.js';
import { parseLoggedModelsFilter, parseLoggedModelsOrderBy } from '../search/parse-logged-models-search.js';
import { parseRunsFilter, parseRunsOrderBy } from '../search/parse-runs-search.js';
import { newLoggedModelId, newRunId, randomName } from './ids.js';
import { LIMITS } from './limits.js';
import type { DownsampledHistory } from '../ports/metric-downsample.js';
import { toDownsampleQuery, type DownsampleRequest } from './downsample-request.js';
import { decodeHistoryCursor, encodeHistoryCursor } from './history-page-token.js';
import { decodePageToken, nextPageToken } from './page-token.js';
import {
  normalizeParam,
  normalizeRunTag,
  pageSize,
  validateBatch,
  validateDatasetInput,
  validateExperimentName,
  validateExperimentTag,
  validateKey,
  validateLength,
  validateMetric,
} from './validation.js';

/** Points per chunk when a history is streamed. */
const HISTORY_CHUNK = 1_000;

/** A page of results with the token for the next one (absent on the last page). */
export interface ResultPage<T> {
  readonly items: T[];
  readonly nextPageToken?: string | undefined;
}

export interface TrackingServiceOptions {
  /** Milliseconds since the epoch. @default Date.now */
  readonly clock?: () => number;
}

/**
 * The tracking use cases behind MLflow's REST API: validates requests the way MLflow
 * does, fills in MLflow's defaults (ids, run names, tags, page sizes), parses search
 * strings, turns page tokens into offsets and back, then calls the store.
 */
export class TrackingService {
  readonly #store: TrackingStore;
  readonly #now: () => number;

  constructor(store: TrackingStore, options: TrackingServiceOptions = {}) {
    this.#store = store;
    this.#now = options.clock ?? Date.now;
  }

  // --- experiments -------------------------------------------------------------------

  createExperiment(name: string, artifactLocation: string | undefined, tags: readonly Tag[]): Promise<string> {
    validateExperimentName(name, 'name');
    if (artifactLocation !== undefined && artifactLocation !== '') validateArtifactLocation(artifactLocation);
    tags.forEach((t, i) => validateExperimentTag(t, `tags[${i}]`));
    return this.#store.createExperiment({
      name,
      artifactLocation: artifactLocation === '' ? undefined : artifactLocation,
      tags,
    });
  }

  getExperiment(experimentId: string): Promise<Experiment> {
    return this.#store.getExperiment(experimentId);
  }

  getExperimentByName(name: string): Promise<Experiment> {
    return this.#store.getExperimentByName(name);
  }

  async searchExperiments(request: {
    filter?: string | undefined;
    orderBy?: readonly string[] | undefined;
    viewType?: ViewType | undefined;
    maxResults?: number | undefined;
    pageToken?: string | undefined;
  }): Promise<ResultPage<Experiment>> {
    const limit = pageSize(request.maxResults, LIMITS.searchExperimentsDefault, LIMITS.searchExperimentsMaxResults);
    const offset = decodePageToken(request.pageToken);
    const page = await this.#store.searchExperiments({
      viewType: request.viewType ?? 'ACTIVE_ONLY',
      filter: parseExperimentsFilter(request.filter),
      orderBy: parseExperimentsOrderBy(request.orderBy ?? []),
      limit,
      offset,
    });
    return { items: page.items, nextPageToken: nextPageToken(offset, page.items.length, page.hasMore) };
  }

  renameExperiment(experimentId: string, newName: string): Promise<void> {
    validateExperimentName(newName, 'new_name');
    return this.#store.renameExperiment(experimentId, newName);
  }

  deleteExperiment(experimentId: string): Promise<void> {
    return this.#store.deleteExperiment(experimentId);
  }

  restoreExperiment(experimentId: string): Promise<void> {
    return this.#store.restoreExperiment(experimentId);
  }

  setExperimentTag(experimentId: string, tag: Tag): Promise<void> {
    validateExperimentTag(tag, 'tag');
    return this.#store.setExperimentTag(experimentId, tag);
  }

  deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    return this.#store.deleteExperimentTag(experimentId, key);
  }

  // --- runs --------------------------------------------------------------------------

  /**
   * Creates a run. The name is `runName`, else the `mlflow.runName` tag, else a random
   * one; the tag is set to match. Both given and different → INVALID_PARAMETER_VALUE.
   */
  createRun(request: {
    experimentId?: string | undefined;
    userId?: string | undefined;
    runName?: string | undefined;
    startTime?: number | undefined;
    tags?: readonly Tag[] | undefined;
  }): Promise<Run> {
    const tags = (request.tags ?? []).map((t, i) => normalizeRunTag(t, `tags[${i}]`));
    const tagName = tags.find((t) => t.key === RUN_NAME_TAG)?.value;
    const requested = request.runName === '' ? undefined : request.runName;
    if (requested !== undefined && tagName !== undefined && requested !== tagName) {
      throw SlipwayError.invalidParameter(
        `Both 'run_name' argument and '${RUN_NAME_TAG}' tag are specified, but with different values ` +
          `(run_name='${requested}', ${RUN_NAME_TAG}='${tagName}').`,
      );
    }
    const runName = requested ?? tagName ?? randomName();
    validateLength(runName, LIMITS.runTagValueLength, 'run_name');
    const withName = [...tags.filter((t) => t.key !== RUN_NAME_TAG), { key: RUN_NAME_TAG, value: runName }];
    return this.#store.createRun({
      runId: newRunId(),
      experimentId: request.experimentId === undefined || request.experimentId === '' ? '0' : request.experimentId,
      userId: request.userId ?? tags.find((t) => t.key === USER_TAG)?.value ?? '',
      runName,
      startTime: request.startTime ?? this.#now(),
      tags: withName,
    });
  }

  getRun(runId: string): Promise<Run> {
    return this.#store.getRun(runId);
  }

  updateRun(request: { runId: string; status?: RunStatus | undefined; endTime?: number | undefined; runName?: string | undefined }): Promise<RunInfo> {
    if (request.runName !== undefined) validateLength(request.runName, LIMITS.runTagValueLength, 'run_name');
    return this.#store.updateRun({
      runId: request.runId,
      status: request.status,
      endTime: request.endTime,
      runName: request.runName === '' ? undefined : request.runName,
    });
  }

  deleteRun(runId: string): Promise<void> {
    return this.#store.deleteRun(runId);
  }

  restoreRun(runId: string): Promise<void> {
    return this.#store.restoreRun(runId);
  }

  async searchRuns(request: {
    experimentIds: readonly string[];
    filter?: string | undefined;
    runViewType?: ViewType | undefined;
    maxResults?: number | undefined;
    orderBy?: readonly string[] | undefined;
    pageToken?: string | undefined;
  }): Promise<ResultPage<Run>> {
    const limit = pageSize(request.maxResults, LIMITS.searchRunsDefault, LIMITS.searchRunsMaxResults);
    const offset = decodePageToken(request.pageToken);
    const filter = parseRunsFilter(request.filter);
    const orderBy = parseRunsOrderBy(request.orderBy ?? []);
    const page = await this.#store.searchRuns({
      experimentIds: request.experimentIds,
      viewType: request.runViewType ?? 'ACTIVE_ONLY',
      filter,
      orderBy,
      limit,
      offset,
    });
    return { items: page.items, nextPageToken: nextPageToken(offset, page.items.length, page.hasMore) };
  }

  logMetric(runId: string, metric: Metric): Promise<void> {
    validateMetric(metric, 'metric');
    return this.#store.logBatch({ runId, metrics: [metric], params: [], tags: [] });
  }

  logParam(runId: string, param: Tag): Promise<void> {
    const normalized = normalizeParam(param, 'param');
    return this.#store.logBatch({ runId, metrics: [], params: [normalized], tags: [] });
  }

  setTag(runId: string, tag: Tag): Promise<void> {
    const normalized = normalizeRunTag(tag, 'tag');
    return this.#store.logBatch({ runId, metrics: [], params: [], tags: [normalized] });
  }

  deleteTag(runId: string, key: string): Promise<void> {
    return this.#store.deleteTag(runId, key);
  }

  /** All or nothing: one invalid entry rejects the whole batch before anything is written. */
  logBatch(runId: string, metrics: readonly Metric[], params: readonly Tag[], tags: readonly Tag[]): Promise<void> {
    validateBatch(metrics, params, tags);
    const normalizedParams = params.map((p, i) => normalizeParam(p, `params[${i}]`));
    const normalizedTags = tags.map((t, i) => normalizeRunTag(t, `tags[${i}]`));
    return this.#store.logBatch({ runId, metrics, params: normalizedParams, tags: normalizedTags });
  }

  logInputs(runId: string, datasets: readonly DatasetInput[], models: readonly ModelInput[]): Promise<void> {
    datasets.forEach((d, i) => validateDatasetInput(d, `datasets[${i}]`));
    models.forEach((m, i) => {
      if (m.modelId === '') throw SlipwayError.invalidParameter(`Missing value for required parameter 'models[${i}].model_id'.`);
    });
    return this.#store.logInputs(runId, datasets, models);
  }

  logOutputs(runId: string, models: readonly ModelOutput[]): Promise<void> {
    models.forEach((m, i) => {
      if (m.modelId === '') throw SlipwayError.invalidParameter(`Missing value for required parameter 'models[${i}].model_id'.`);
    });
    return this.#store.logOutputs(runId, models);
  }

  async getMetricHistory(request: {
    runId: string;
    metricKey: string;
    maxResults?: number | undefined;
    pageToken?: string | undefined;
  }): Promise<ResultPage<Metric>> {
    const offset = decodePageToken(request.pageToken);
    const limit =
      request.maxResults === undefined
        ? undefined
        : pageSize(request.maxResults, LIMITS.metricHistoryMaxResults, LIMITS.metricHistoryMaxResults);
    const page = await this.#store.getMetricHistory({ runId: request.runId, key: request.metricKey, limit, offset });
    return { items: page.items, nextPageToken: nextPageToken(offset, page.items.length, page.hasMore) };
  }

  /**
   * Like {@link getMetricHistory}, for responses written as they are read: the points
   * come in chunks, so a history of millions of points never sits in memory whole. The
   * next page token (a cursor after the last point) is known once the chunks are read.
   */
  async streamMetricHistory(request: {
    runId: string;
    metricKey: string;
    maxResults?: number | undefined;
    pageToken?: string | undefined;
  }): Promise<{ chunks: AsyncIterable<Metric[]>; nextPageToken: () => string | undefined }> {
    const cursor = decodeHistoryCursor(request.pageToken);
    const limit =
      request.maxResults === undefined
        ? undefined
        : pageSize(request.maxResults, LIMITS.metricHistoryMaxResults, LIMITS.metricHistoryMaxResults);
    // One point past the page says whether there is a next one.
    const source = await this.#store.openMetricHistory(
      { runId: request.runId, key: request.metricKey, limit: limit === undefined ? undefined : limit + 1, offset: cursor.offset, after: cursor.after },
      HISTORY_CHUNK,
    );
    let emitted = 0;
    let last: Metric | undefined;
    let more = false;
    async function* page(): AsyncGenerator<Metric[]> {
      for await (const chunk of source) {
        let out = chunk;
        if (limit !== undefined && emitted + chunk.length > limit) {
          out = chunk.slice(0, limit - emitted);
          more = true;
        }
        emitted += out.length;
        last = out.at(-1) ?? last;
        if (out.length > 0) yield out;
        if (more) return;
      }
    }
    return {
      chunks: page(),
      nextPageToken: () => (more && last !== undefined ? encodeHistoryCursor(last) : undefined),
    };
  }

  getMetricHistoryBulkInterval(request: {
    runIds: readonly string[];
    metricKey: string;
    startStep?: number | undefined;
    endStep?: number | undefined;
    maxResults?: number | undefined;
  }): Promise<Metric[]> {
    if (request.runIds.length === 0) throw SlipwayError.invalidParameter("Missing value for required parameter 'run_ids'.");
    if (request.runIds.length > LIMITS.bulkIntervalMaxRuns) {
      throw SlipwayError.invalidParameter(
        `Parameter 'run_ids' may hold at most ${LIMITS.bulkIntervalMaxRuns} run ids; got ${request.runIds.length}.`,
      );
    }
    if ((request.startStep === undefined) !== (request.endStep === undefined)) {
      throw SlipwayError.invalidParameter("Parameters 'start_step' and 'end_step' must be given together or not at all.");
    }
    if (request.startStep !== undefined && request.endStep !== undefined && request.startStep > request.endStep) {
      throw SlipwayError.invalidParameter(
        `Parameter 'end_step' (${request.endStep}) must be at least 'start_step' (${request.startStep}).`,
      );
    }
    const maxResults = pageSize(request.maxResults, LIMITS.bulkIntervalMaxResults, LIMITS.bulkIntervalMaxResults);
    return this.#store.getMetricHistoryBulkInterval({
      runIds: [...new Set(request.runIds)],
      key: request.metricKey,
      startStep: request.startStep,
      endStep: request.endStep,
      maxResults,
    });
  }

  /** A metric's history reduced in the store for a chart (see `toDownsampleQuery`). */
  downsampleMetricHistory(request: DownsampleRequest): Promise<DownsampledHistory> {
    return this.#store.downsampleMetricHistory(toDownsampleQuery(request));
  }

  // --- logged models -----------------------------------------------------------------

  createLoggedModel(request: {
    experimentId: string;
    name?: string | undefined;
    modelType?: string | undefined;
    sourceRunId?: string | undefined;
    params?: readonly Tag[] | undefined;
    tags?: readonly Tag[] | undefined;
  }): Promise<LoggedModel> {
    const params = (request.params ?? []).map((p, i) => normalizeParam(p, `params[${i}]`));
    const tags = (request.tags ?? []).map((t, i) => normalizeRunTag(t, `tags[${i}]`));
    return this.#store.createLoggedModel({
      modelId: newLoggedModelId(),
      experimentId: request.experimentId,
      name: request.name === undefined || request.name === '' ? randomName() : request.name,
      modelType: request.modelType,
      sourceRunId: request.sourceRunId === '' ? undefined : request.sourceRunId,
      params,
      tags,
    });
  }

  getLoggedModel(modelId: string): Promise<LoggedModel> {
    return this.#store.getLoggedModel(modelId);
  }

  finalizeLoggedModel(modelId: string, status: LoggedModelStatus): Promise<LoggedModel> {
    if (status !== 'LOGGED_MODEL_READY' && status !== 'LOGGED_MODEL_UPLOAD_FAILED') {
      throw SlipwayError.invalidParameter(
        `Invalid value '${status}' for parameter 'status': a logged model is finalized as LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED.`,
      );
    }
    return this.#store.finalizeLoggedModel(modelId, status);
  }

  deleteLoggedModel(modelId: string): Promise<void> {
    return this.#store.deleteLoggedModel(modelId);
  }

  setLoggedModelTags(modelId: string, tags: readonly Tag[]): Promise<void> {
    tags.forEach((t, i) => validateKey('tag', t.key, `tags[${i}].key`));
    return this.#store.setLoggedModelTags(modelId, tags.map((t, i) => normalizeRunTag(t, `tags[${i}]`)));
  }

  deleteLoggedModelTag(modelId: string, key: string): Promise<void> {
    return this.#store.deleteLoggedModelTag(modelId, key);
  }

  logLoggedModelParams(modelId: string, params: readonly Tag[]): Promise<void> {
    return this.#store.logLoggedModelParams(
      modelId,
      params.map((p, i) => normalizeParam(p, `params[${i}]`)),
    );
  }

  async searchLoggedModels(request: {
    experimentIds: readonly string[];
    filter?: string | undefined;
    datasets?: readonly { datasetName: string; datasetDigest?: string | undefined }[] | undefined;
    maxResults?: number | undefined;
    orderBy?: readonly { fieldName: string; ascending?: boolean | undefined; datasetName?: string | undefined; datasetDigest?: string | undefined }[] | undefined;
    pageToken?: string | undefined;
  }): Promise<ResultPage<LoggedModel>> {
    if (request.experimentIds.length === 0) {
      throw SlipwayError.invalidParameter("Missing value for required parameter 'experiment_ids'.");
    }
    const limit = pageSize(request.maxResults, LIMITS.searchLoggedModelsDefault, LIMITS.searchLoggedModelsMaxResults);
    const offset = decodePageToken(request.pageToken);
    const page = await this.#store.searchLoggedModels({
      experimentIds: request.experimentIds,
      filter: parseLoggedModelsFilter(request.filter),
      datasets: request.datasets ?? [],
      orderBy: parseLoggedModelsOrderBy(request.orderBy ?? []),
      limit,
      offset,
    });
    return { items: page.items, nextPageToken: nextPageToken(offset, page.items.length, page.hasMore) };
  }
}

/** MLflow refuses artifact locations with a query string or fragment. */
function validateArtifactLocation(location: string): void {
  if (/[?#]/.test(location)) {
    throw SlipwayError.invalidParameter(
      `Invalid value '${location}' for parameter 'artifact_location': it must not contain a query string or fragment.`,
    );
  }
}

import type { DatasetInput } from '../../core/entities/dataset.js';
import type { Experiment } from '../../core/entities/experiment.js';
import type { FileInfo } from '../../core/entities/file-info.js';
import type { LoggedModel } from '../../core/entities/logged-model.js';
import type { Metric } from '../../core/entities/metric.js';
import type { Run, RunInfo } from '../../core/entities/run.js';
import type { Tag } from '../../core/entities/tag.js';

/**
 * Domain objects → MLflow's proto-JSON: snake_case names, int64 as JSON numbers, enums
 * by name, unset fields left out, and non-finite doubles as the strings `"NaN"`,
 * `"Infinity"` and `"-Infinity"` (plain JSON cannot carry them).
 * @module
 */

export type Wire = Record<string, unknown>;

/** A double as proto-JSON writes it. */
export function wireDouble(value: number): number | string {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

export function wireTags(tags: readonly Tag[]): Wire[] {
  return tags.map((t) => ({ key: t.key, value: t.value }));
}

export function wireExperiment(e: Experiment): Wire {
  return {
    experiment_id: e.experimentId,
    name: e.name,
    artifact_location: e.artifactLocation,
    lifecycle_stage: e.lifecycleStage,
    last_update_time: e.lastUpdateTime,
    creation_time: e.creationTime,
    tags: wireTags(e.tags),
  };
}

export function wireMetric(m: Metric): Wire {
  const out: Wire = { key: m.key, value: wireDouble(m.value), timestamp: m.timestamp, step: m.step };
  if (m.datasetName !== undefined) out.dataset_name = m.datasetName;
  if (m.datasetDigest !== undefined) out.dataset_digest = m.datasetDigest;
  if (m.modelId !== undefined) out.model_id = m.modelId;
  if (m.runId !== undefined) out.run_id = m.runId;
  return out;
}

export function wireRunInfo(info: RunInfo): Wire {
  const out: Wire = {
    run_id: info.runId,
    run_uuid: info.runId,
    run_name: info.runName,
    experiment_id: info.experimentId,
    user_id: info.userId,
    status: info.status,
    start_time: info.startTime,
    artifact_uri: info.artifactUri,
    lifecycle_stage: info.lifecycleStage,
  };
  if (info.endTime !== null) out.end_time = info.endTime;
  return out;
}

function wireDatasetInput(d: DatasetInput): Wire {
  const dataset: Wire = {
    name: d.dataset.name,
    digest: d.dataset.digest,
    source_type: d.dataset.sourceType,
    source: d.dataset.source,
  };
  if (d.dataset.schema !== undefined) dataset.schema = d.dataset.schema;
  if (d.dataset.profile !== undefined) dataset.profile = d.dataset.profile;
  return { tags: wireTags(d.tags), dataset };
}

export function wireRun(run: Run): Wire {
  return {
    info: wireRunInfo(run.info),
    data: {
      metrics: run.data.metrics.map(wireMetric),
      params: wireTags(run.data.params),
      tags: wireTags(run.data.tags),
    },
    inputs: {
      dataset_inputs: run.inputs.datasetInputs.map(wireDatasetInput),
      model_inputs: run.inputs.modelInputs.map((m) => ({ model_id: m.modelId })),
    },
    outputs: {
      model_outputs: run.outputs.modelOutputs.map((m) => ({ model_id: m.modelId, step: m.step })),
    },
  };
}

export function wireLoggedModel(m: LoggedModel): Wire {
  const info: Wire = {
    model_id: m.modelId,
    experiment_id: m.experimentId,
    name: m.name,
    creation_timestamp_ms: m.creationTimestampMs,
    last_updated_timestamp_ms: m.lastUpdatedTimestampMs,
    artifact_uri: m.artifactLocation,
    status: m.status,
    tags: wireTags(m.tags),
  };
  if (m.modelType !== undefined) info.model_type = m.modelType;
  if (m.sourceRunId !== undefined) info.source_run_id = m.sourceRunId;
  if (m.statusMessage !== undefined) info.status_message = m.statusMessage;
  return { info, data: { params: wireTags(m.params), metrics: m.metrics.map(wireMetric) } };
}

export function wireFileInfo(f: FileInfo, path = f.path): Wire {
  const out: Wire = { path, is_dir: f.isDir };
  if (!f.isDir && f.fileSize !== undefined) out.file_size = f.fileSize;
  return out;
}

/** Adds `next_page_token` when there is a next page. */
export function withPageToken(body: Wire, token: string | undefined): Wire {
  if (token !== undefined) body.next_page_token = token;
  return body;
}

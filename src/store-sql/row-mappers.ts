import type { Experiment } from '../core/entities/experiment.js';
import type { LifecycleStage } from '../core/entities/lifecycle-stage.js';
import type { Metric } from '../core/entities/metric.js';
import type { RunInfo, RunStatus } from '../core/entities/run.js';
import type { Tag } from '../core/entities/tag.js';
import type { ExperimentsTable, RunsTable } from './database-schema.js';

/** Rows as selected (generated columns resolved). */
export type ExperimentRow = Omit<ExperimentsTable, 'experiment_id'> & { experiment_id: number };
export type RunRow = RunsTable;

export function toExperiment(row: ExperimentRow, tags: readonly Tag[]): Experiment {
  return {
    experimentId: String(row.experiment_id),
    name: row.name,
    artifactLocation: row.artifact_location,
    lifecycleStage: row.lifecycle_stage as LifecycleStage,
    creationTime: row.creation_time,
    lastUpdateTime: row.last_update_time,
    tags,
  };
}

export function toRunInfo(row: RunRow): RunInfo {
  return {
    runId: row.run_uuid,
    runName: row.name,
    experimentId: String(row.experiment_id),
    userId: row.user_id,
    status: row.status as RunStatus,
    startTime: row.start_time,
    endTime: row.end_time,
    artifactUri: row.artifact_uri,
    lifecycleStage: row.lifecycle_stage as LifecycleStage,
  };
}

/** Stored metric value → real value (NaN is stored as 0 with `is_nan = 1`). */
export function metricValue(value: number, isNan: number | boolean): number {
  return isNan ? Number.NaN : value;
}

/** Real value → stored value and flag. */
export function storedMetricValue(value: number): { value: number; is_nan: number } {
  return Number.isNaN(value) ? { value: 0, is_nan: 1 } : { value, is_nan: 0 };
}

export function toMetric(row: {
  key: string;
  value: number;
  is_nan: number;
  timestamp: number;
  step: number;
  model_id?: string | null;
  dataset_name?: string | null;
  dataset_digest?: string | null;
  run_uuid?: string;
}): Metric {
  return {
    key: row.key,
    value: metricValue(row.value, row.is_nan),
    timestamp: row.timestamp,
    step: row.step,
    modelId: row.model_id ?? undefined,
    datasetName: row.dataset_name || undefined,
    datasetDigest: row.dataset_digest || undefined,
    runId: row.run_uuid,
  };
}

/** Groups `(owner, key, value)` rows into tag lists per owner, preserving order. */
export function groupTags<O extends string | number>(
  rows: readonly { owner: O; key: string; value: string }[],
): Map<O, Tag[]> {
  const byOwner = new Map<O, Tag[]>();
  for (const r of rows) {
    let list = byOwner.get(r.owner);
    if (list === undefined) byOwner.set(r.owner, (list = []));
    list.push({ key: r.key, value: r.value });
  }
  return byOwner;
}

/** Parses a numeric id; undefined when the text is not one (such ids never exist). */
export function parseNumericId(id: string): number | undefined {
  return /^[0-9]{1,18}$/.test(id) ? Number(id) : undefined;
}

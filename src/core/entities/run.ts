import type { DatasetInput } from './dataset.js';
import type { LifecycleStage } from './lifecycle-stage.js';
import type { Metric } from './metric.js';
import type { Tag } from './tag.js';

/** MLflow's run statuses, in proto order (RUNNING = 1). */
export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunInfo {
  readonly runId: string;
  readonly runName: string;
  readonly experimentId: string;
  readonly userId: string;
  readonly status: RunStatus;
  readonly startTime: number;
  /** Null while the run has not ended. */
  readonly endTime: number | null;
  readonly artifactUri: string;
  readonly lifecycleStage: LifecycleStage;
}

export interface RunData {
  /** The latest value of each metric: the largest `(step, timestamp, value)`. */
  readonly metrics: readonly Metric[];
  readonly params: readonly Tag[];
  readonly tags: readonly Tag[];
}

export interface ModelInput {
  readonly modelId: string;
}

export interface ModelOutput {
  readonly modelId: string;
  readonly step: number;
}

export interface Run {
  readonly info: RunInfo;
  readonly data: RunData;
  readonly inputs: { readonly datasetInputs: readonly DatasetInput[]; readonly modelInputs: readonly ModelInput[] };
  readonly outputs: { readonly modelOutputs: readonly ModelOutput[] };
}

/** Tag that mirrors the run name; setting either updates the other. */
export const RUN_NAME_TAG = 'mlflow.runName';
/** Tag that links a nested run to its parent. */
export const PARENT_RUN_ID_TAG = 'mlflow.parentRunId';
/** Tag holding the user that created a run. */
export const USER_TAG = 'mlflow.user';

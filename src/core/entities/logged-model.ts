import type { LifecycleStage } from './lifecycle-stage.js';
import type { Metric } from './metric.js';
import type { Tag } from './tag.js';

/** MLflow 3's logged-model statuses, in proto order (UNSPECIFIED = 0). */
export const LOGGED_MODEL_STATUSES = [
  'LOGGED_MODEL_STATUS_UNSPECIFIED',
  'LOGGED_MODEL_PENDING',
  'LOGGED_MODEL_READY',
  'LOGGED_MODEL_UPLOAD_FAILED',
] as const;
export type LoggedModelStatus = (typeof LOGGED_MODEL_STATUSES)[number];

/** A model logged by a run (MLflow 3): its artifacts live under its own artifact location. */
export interface LoggedModel {
  readonly modelId: string;
  readonly experimentId: string;
  readonly name: string;
  readonly artifactLocation: string;
  readonly creationTimestampMs: number;
  readonly lastUpdatedTimestampMs: number;
  readonly status: LoggedModelStatus;
  readonly statusMessage?: string | undefined;
  readonly modelType?: string | undefined;
  readonly sourceRunId?: string | undefined;
  readonly lifecycleStage: LifecycleStage;
  readonly tags: readonly Tag[];
  readonly params: readonly Tag[];
  /** Metrics logged with this model's id. */
  readonly metrics: readonly Metric[];
}

/** Logged-model tag listing the registry versions made from it (JSON `[{name, version}]`). */
export const MODEL_VERSIONS_TAG = 'mlflow.modelVersions';

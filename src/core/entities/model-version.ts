import type { ModelStage } from './registered-model.js';
import type { Tag } from './tag.js';

/** MLflow's model-version statuses. Slipway registers synchronously: versions are READY. */
export const MODEL_VERSION_STATUSES = ['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY'] as const;
export type ModelVersionStatus = (typeof MODEL_VERSION_STATUSES)[number];

/** Approval states, as in SageMaker's model registry. */
export const APPROVAL_STATUSES = ['PendingManualApproval', 'Approved', 'Rejected'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** The latest approval decision on a version (or the initial pending state). */
export interface Approval {
  readonly status: ApprovalStatus;
  readonly actor?: string | undefined;
  readonly timestamp?: number | undefined;
  readonly comment?: string | undefined;
}

/** One version of a registered model. */
export interface ModelVersion {
  readonly name: string;
  readonly version: number;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly userId?: string | undefined;
  readonly currentStage: ModelStage;
  readonly description?: string | undefined;
  /** As the client gave it (`models:/m-…`, `runs:/…/model`, `mlflow-artifacts:/…`). */
  readonly source: string;
  /** Where the files are: a `mlflow-artifacts:/` URI resolved from `source`. */
  readonly storageLocation: string;
  readonly runId?: string | undefined;
  readonly runLink?: string | undefined;
  readonly modelId?: string | undefined;
  readonly status: ModelVersionStatus;
  readonly statusMessage?: string | undefined;
  readonly tags: readonly Tag[];
  readonly aliases: readonly string[];
  readonly approval: Approval;
}

import type { ModelVersion } from './model-version.js';
import type { Tag } from './tag.js';

/** A named model in the registry; its versions are numbered from 1. */
export interface RegisteredModel {
  readonly name: string;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly userId?: string | undefined;
  readonly description?: string | undefined;
  readonly tags: readonly Tag[];
  readonly aliases: readonly ModelAlias[];
  /** The highest version in each stage (deleted versions excluded). */
  readonly latestVersions: readonly ModelVersion[];
  /** Slipway's approval gate for this model (absent: nothing requires approval). */
  readonly approvalPolicy: ApprovalPolicy;
}

export interface ModelAlias {
  readonly alias: string;
  readonly version: number;
}

/**
 * Which promotions need an `Approved` version. Setting one of `protectedAliases`, or moving
 * a version into one of `protectedStages`, is refused for a version that is not approved.
 */
export interface ApprovalPolicy {
  readonly protectedAliases: readonly string[];
  readonly protectedStages: readonly ModelStage[];
}

export const NO_APPROVAL_POLICY: ApprovalPolicy = Object.freeze({ protectedAliases: [], protectedStages: [] });

/** MLflow's (deprecated but still used) stages, in their canonical spelling. */
export const MODEL_STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

/** Tag that marks a registered model as a prompt (MLflow's prompt registry). */
export const PROMPT_TAG = 'mlflow.prompt.is_prompt';

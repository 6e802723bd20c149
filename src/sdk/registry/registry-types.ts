/**
 * The registry's objects as the server sends them: MLflow's proto-JSON (snake_case,
 * version numbers as strings, timestamps in milliseconds, unset fields left out) and
 * Slipway's extended views with approvals, the approval policy, the audit trail and
 * lineage. These are wire types: the SDK returns the JSON the server sent, unchanged.
 * @module
 */

/** MLflow's stages, in their canonical spelling (requests accept any case). */
export type ModelStage = 'None' | 'Staging' | 'Production' | 'Archived';
export const MODEL_STAGES: readonly ModelStage[] = ['None', 'Staging', 'Production', 'Archived'];

/** Approval states (as in SageMaker's model registry); a new version is `PendingManualApproval`. */
export type ApprovalStatus = 'PendingManualApproval' | 'Approved' | 'Rejected';
export const APPROVAL_STATUSES: readonly ApprovalStatus[] = ['PendingManualApproval', 'Approved', 'Rejected'];

export type ModelVersionStatus = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';

export interface Tag {
  key: string;
  value: string;
}

/** Tags as a request takes them: `{key: value}` or MLflow's `[{key, value}]`. */
export type TagsInput = Readonly<Record<string, string>> | readonly Tag[];

/** A model version, as MLflow's API returns it. */
export interface ModelVersion {
  name: string;
  /** The version number, as a string (MLflow's int64 encoding). */
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id?: string;
  current_stage: ModelStage;
  description?: string;
  /** As it was registered (`runs:/<run>/model`, `models:/m-…`, `mlflow-artifacts:/…`). */
  source: string;
  run_id?: string;
  run_link?: string;
  model_id?: string;
  status: ModelVersionStatus;
  status_message?: string;
  tags: Tag[];
  aliases: string[];
}

/** The latest approval decision on a version (or its initial pending state). */
export interface Approval {
  status: ApprovalStatus;
  actor?: string;
  timestamp?: number;
  comment?: string;
}

/** Slipway's view of a version: MLflow's fields, where its files are, and its approval. */
export interface ModelVersionDetail extends ModelVersion {
  /** The `mlflow-artifacts:/` URI the source resolved to. */
  storage_location: string;
  approval: Approval;
}

export interface RegisteredModelAlias {
  alias: string;
  version: string;
}

/** A registered model, as MLflow's API returns it. */
export interface RegisteredModel {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id?: string;
  description?: string;
  /** The highest version in each stage. */
  latest_versions: ModelVersion[];
  tags: Tag[];
  aliases: RegisteredModelAlias[];
}

/** Which aliases and stages may only point at / hold an `Approved` version. */
export interface ApprovalPolicy {
  protected_aliases: string[];
  protected_stages: ModelStage[];
}

/** Slipway's view of a registered model: MLflow's fields with approvals and the approval policy. */
export interface RegisteredModelDetail extends Omit<RegisteredModel, 'latest_versions'> {
  latest_versions: ModelVersionDetail[];
  approval_policy: ApprovalPolicy;
}

/** The kinds of registry change the audit trail records. */
export type AuditEventType =
  | 'registered_model.created'
  | 'registered_model.renamed'
  | 'registered_model.updated'
  | 'registered_model.deleted'
  | 'registered_model_tag.set'
  | 'registered_model_tag.deleted'
  | 'registered_model.approval_policy_set'
  | 'model_version.created'
  | 'model_version.updated'
  | 'model_version.deleted'
  | 'model_version.stage_changed'
  | 'model_version.approval_changed'
  | 'model_version_tag.set'
  | 'model_version_tag.deleted'
  | 'model_version_alias.created'
  | 'model_version_alias.deleted';

/** One entry of the registry's append-only change log. */
export interface AuditEntry {
  /** Increasing in commit order; pass the last one seen as `afterId` to read on. */
  id: number;
  timestamp: number;
  actor: string;
  /** An {@link AuditEventType}; typed open so newer servers' events still parse. */
  type: AuditEventType | (string & {});
  /** The model's name when the change was made. */
  model_name: string;
  version?: string;
  /** What changed: `stage`, `alias:champion`, `tag:owner`, `name`, `approval`, … */
  field?: string;
  from?: string;
  to?: string;
  comment?: string;
}

/** Known lineage node kinds; the set is open (later parts of Slipway add kinds). */
export type LineageNodeKind = 'dataset' | 'run' | 'logged_model' | 'model_version' | 'pipeline_execution' | 'deployment' | (string & {});

export interface LineageNode {
  /** `<kind>:<natural id>` (`run:ab12…`, `model_version:housing/3`). */
  id: string;
  kind: LineageNodeKind;
  label: string;
  /** What the kind knows about the node (a run's params and metrics, a dataset's digest, …). */
  attributes: Record<string, unknown>;
}

export interface LineageEdge {
  from: string;
  to: string;
  /** `input_to`, `produced`, `registered_as`, `deployed_as`, … */
  relation: string;
}

/** A version's lineage: edges go from input to output (dataset → run → logged model → version → deployment). */
export interface Lineage {
  /** The id of the version's node. */
  root: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
}

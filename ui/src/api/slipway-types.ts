/**
 * The parts of Slipway's own API (`/api/slipway/v1/...`) the UI reads, declared here (the
 * UI shares no code with the server).
 * @module
 */

/** `GET metrics/history-downsampled`: one entry per bucket in each array, in x order. */
export interface DownsampledHistory {
  readonly x_axis: 'step' | 'time';
  readonly total_points: number;
  readonly non_finite_points: number;
  /** The buckets are the points themselves (the range held few enough). */
  readonly exact: boolean;
  readonly x_start: readonly number[];
  readonly x_end: readonly number[];
  readonly min: readonly number[];
  readonly max: readonly number[];
}

export interface DownsampleRequest {
  readonly runId: string;
  readonly metricKey: string;
  readonly maxPoints: number;
  readonly xAxis: 'step' | 'time';
  readonly xMin?: number | undefined;
  readonly xMax?: number | undefined;
}

export type ApprovalStatus = 'PendingManualApproval' | 'Approved' | 'Rejected';

export interface ModelVersion {
  readonly name: string;
  readonly version: string;
  readonly creation_timestamp?: number;
  readonly last_updated_timestamp?: number;
  readonly current_stage?: string;
  readonly source?: string;
  readonly status?: string;
  readonly run_id?: string;
  readonly model_id?: string;
  readonly description?: string;
  readonly user_id?: string;
  readonly aliases?: readonly string[];
  readonly tags?: readonly { key: string; value: string }[];
  /** Slipway's version view only. */
  readonly approval?: { readonly status: ApprovalStatus; readonly actor?: string; readonly timestamp?: number; readonly comment?: string };
  readonly storage_location?: string;
}

export interface RegisteredModel {
  readonly name: string;
  readonly creation_timestamp?: number;
  readonly last_updated_timestamp?: number;
  readonly description?: string;
  readonly latest_versions?: readonly ModelVersion[];
  readonly aliases?: readonly { alias: string; version: string }[];
  readonly tags?: readonly { key: string; value: string }[];
  /** Slipway's model view only. */
  readonly approval_policy?: { readonly protected_aliases: readonly string[]; readonly protected_stages: readonly string[] };
}

/** An entry of the registry's audit trail. */
export interface RegistryChange {
  readonly id: number;
  readonly timestamp: number;
  readonly actor: string;
  readonly type: string;
  readonly model_name: string;
  readonly version?: string;
  readonly field?: string;
  readonly from?: string;
  readonly to?: string;
  readonly comment?: string;
}

export interface LineageNode {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface Lineage {
  readonly root: string;
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly { readonly from: string; readonly to: string; readonly relation: string }[];
}

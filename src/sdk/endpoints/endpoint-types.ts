/**
 * Endpoints as the API returns them (see docs/endpoints.md). Times are ms since the epoch.
 * @module
 */

export type EndpointStatus = 'Creating' | 'InService' | 'Updating' | 'Failed' | 'Deleting';
export type VariantStatus = 'Pending' | 'Loading' | 'Ready' | 'Failed' | 'Draining' | 'Retired';
export type RolloutPhase = 'Warming' | 'Baking' | 'Completed' | 'RolledBack' | 'Failed';
export type RuntimePreference = 'auto' | 'onnx' | 'python';

export interface EndpointVariant {
  readonly name: string;
  readonly model_uri: string;
  /** The registered model and version the URI named when the variant was asked for (an alias is pinned then). */
  readonly model_name: string;
  readonly model_version: string;
  /** Share of the live traffic (0 for a shadow). */
  readonly weight: number;
  readonly shadow?: { readonly sample_percent: number };
  readonly runtime: RuntimePreference;
  readonly status: VariantStatus;
  readonly status_reason?: string;
  /** The runtime serving it once loaded, and why that one. */
  readonly serving_runtime?: 'onnx' | 'python';
  readonly runtime_reason?: string;
  readonly serving_since?: number;
}

export interface EndpointRollout {
  readonly rollout_id: string;
  readonly strategy: 'blue-green' | 'canary';
  readonly steps: readonly number[];
  readonly bake_seconds: number;
  readonly max_error_rate?: number;
  readonly max_p99_ms?: number;
  readonly min_requests: number;
  readonly phase: RolloutPhase;
  /** Index into `steps`; -1 while warming. */
  readonly step: number;
  /** The share of the live traffic the target has now. */
  readonly target_percent: number;
  readonly target: readonly EndpointVariant[];
  readonly started_time: number;
  readonly step_started_time?: number;
  readonly ended_time?: number;
  readonly reason?: string;
}

export interface Endpoint {
  readonly name: string;
  /** Changes when the endpoint is deleted and created again under the same name. */
  readonly endpoint_id: string;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly status: EndpointStatus;
  readonly status_reason?: string;
  readonly variants: readonly EndpointVariant[];
  readonly rollout?: EndpointRollout;
  readonly creation_time: number;
  readonly last_update_time: number;
  readonly revision: number;
}

export interface EndpointEvent {
  readonly event_id: string;
  readonly endpoint_id: string;
  readonly endpoint_name: string;
  readonly time: number;
  readonly kind: string;
  readonly message: string;
  readonly actor: string;
  readonly rollout_id?: string;
  readonly variant?: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** A variant serving a model version now. */
export interface Deployment {
  readonly endpoint_name: string;
  readonly endpoint_status: EndpointStatus;
  readonly variant: string;
  readonly variant_status: VariantStatus;
  readonly model_name: string;
  readonly model_version: string;
  readonly model_uri: string;
  readonly weight: number;
  readonly shadow?: { readonly sample_percent: number };
  readonly traffic_percent: number;
  readonly in_rollout: boolean;
  readonly serving_since?: number;
}

/**
 * Endpoints: named places that serve registered models over HTTP. An endpoint has one or
 * more variants (a model version each, with a share of the traffic, or a shadow copy of
 * it) and moves through a status lifecycle while variants load, rollouts run and it is
 * deleted. Every change is recorded as an {@link EndpointEvent}.
 *
 * Who writes what:
 * - the API (`EndpointService`) writes what a user asks for: a new endpoint (`Creating`,
 *   variants `Pending`), an update (`Updating`, a {@link Rollout} whose `target` variants
 *   are `Pending`), a delete (`Deleting`);
 * - the controller (one server per database, holding the `endpoints` lease) makes it so:
 *   it loads variants, marks them `Ready`/`Failed`, moves traffic step by step, rolls back,
 *   and ends every operation (`InService`, `Failed`, or the row deleted).
 * Every server process serves every endpoint from what the store says (variants `Ready`
 * and their weights), so a switch is one store write that all processes follow.
 * @module
 */

export const ENDPOINT_STATUSES = ['Creating', 'InService', 'Updating', 'Failed', 'Deleting'] as const;
/**
 * `Creating` → `InService` | `Failed` (no variant could load); `InService` → `Updating`
 * (a rollout) → `InService` (done or rolled back; `statusReason` says which); any →
 * `Deleting` → gone. `Failed` endpoints can be updated (a new rollout) or deleted.
 */
export type EndpointStatus = (typeof ENDPOINT_STATUSES)[number];

/** The runtimes that can serve a variant. */
export type RuntimeName = 'onnx' | 'python';
/** What a variant asks for: `auto` serves ONNX when it can (compiling scikit-learn models), else Python. */
export type RuntimePreference = 'auto' | RuntimeName;

export const VARIANT_STATUSES = ['Pending', 'Loading', 'Ready', 'Failed', 'Draining', 'Retired'] as const;
/**
 * `Pending` (asked for) → `Loading` → `Ready` (warmed up, may take traffic) | `Failed`
 * (`statusReason` is the loader's message); a replaced variant is `Draining` while its
 * in-flight requests finish, then `Retired` (kept in the rollout's history only).
 */
export type VariantStatus = (typeof VARIANT_STATUSES)[number];

/** A variant as a user asks for it. */
export interface VariantSpec {
  /** Unique within the endpoint: `[a-z0-9][a-z0-9-]{0,62}`. */
  readonly name: string;
  /** `models:/<name>/<version>` or `models:/<name>@<alias>`. */
  readonly modelUri: string;
  /** Share of the live traffic, 0–100; the weights of the live (non-shadow) variants sum to 100. */
  readonly weight: number;
  /** A shadow variant gets a copy of `samplePercent` % of the requests; its answers are recorded, never returned. Its weight is 0. */
  readonly shadow?: { readonly samplePercent: number } | undefined;
  /** @default 'auto' */
  readonly runtime?: RuntimePreference | undefined;
}

/** A variant as the endpoint holds it. */
export interface Variant extends VariantSpec {
  /** The registered model and version the URI named when the variant was asked for: an alias is pinned then, so moving the alias later changes nothing that serves. */
  readonly modelName: string;
  readonly modelVersion: string;
  readonly status: VariantStatus;
  /** Why it failed (the loader's message), or what it is doing. */
  readonly statusReason?: string | undefined;
  /** The runtime serving it, once loaded, and why that one (e.g. "compiled to ONNX; predictions match within 1e-5"). */
  readonly servingRuntime?: RuntimeName | undefined;
  readonly runtimeReason?: string | undefined;
  /** When it first took live traffic (ms since the epoch). */
  readonly servingSince?: number | undefined;
}

/** How an update moves traffic from the serving variants to the new ones. */
export interface RolloutPolicy {
  /**
   * `blue-green`: warm every new variant, switch all traffic in one write, drain the old.
   * `canary`: warm, then give the new variants `steps[i]` % of the live traffic for
   * `bakeSeconds` each, checking the rollback thresholds, until 100.
   */
  readonly strategy: 'blue-green' | 'canary';
  /** Canary traffic shares in percent, increasing, ending at 100. Blue/green: `[100]`. */
  readonly steps: readonly number[];
  /** How long each step runs before the next one (and, for blue/green, how long the new variants are watched after the switch). */
  readonly bakeSeconds: number;
  readonly rollback: RollbackThresholds;
}

/** When a rollout is undone: the new variants' error rate or p99 latency over the current step breaches a threshold. */
export interface RollbackThresholds {
  /** Fraction of requests answered with a 5xx (0–1). */
  readonly maxErrorRate?: number | undefined;
  /** Milliseconds. */
  readonly maxP99Ms?: number | undefined;
  /** Requests the new variants must have answered in a step before the thresholds are judged. @default 20 */
  readonly minRequests: number;
}

/** Where an update is. */
export type RolloutPhase = 'Warming' | 'Baking' | 'Completed' | 'RolledBack' | 'Failed';

export interface Rollout {
  readonly id: string;
  readonly policy: RolloutPolicy;
  /** The variants the update asked for. */
  readonly target: readonly Variant[];
  readonly phase: RolloutPhase;
  /** Index into `policy.steps` of the traffic share the target has now; -1 while warming. */
  readonly step: number;
  readonly stepStartedTime?: number | undefined;
  readonly startedTime: number;
  readonly endedTime?: number | undefined;
  /** Why it was rolled back or failed. */
  readonly reason?: string | undefined;
}

export interface Endpoint {
  /** Unique: `[a-z0-9][a-z0-9-]{0,62}` (it is a URL path segment). */
  readonly name: string;
  /** Changes when an endpoint is deleted and created again under the same name. */
  readonly id: string;
  readonly description?: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly status: EndpointStatus;
  /** Why it failed, or what the last operation ended with. */
  readonly statusReason?: string | undefined;
  /** The variants serving now (live and shadow). During a rollout the target's share comes from `rollout`. */
  readonly variants: readonly Variant[];
  /** The update in progress, or the last one (phase `Completed`/`RolledBack`/`Failed`). */
  readonly rollout?: Rollout | undefined;
  readonly creationTime: number;
  readonly lastUpdateTime: number;
  /** Bumped by every write; writes are compare-and-set on it. */
  readonly revision: number;
}

export const ENDPOINT_EVENT_KINDS = [
  'created',
  'update_requested',
  'variant_loading',
  'variant_ready',
  'variant_failed',
  'traffic_shifted',
  'switched',
  'variant_drained',
  'rollout_completed',
  'rolled_back',
  'failed',
  'delete_requested',
  'deleted',
] as const;
export type EndpointEventKind = (typeof ENDPOINT_EVENT_KINDS)[number];

/** One recorded step in an endpoint's life. */
export interface EndpointEvent {
  readonly id: string;
  readonly endpointId: string;
  readonly endpointName: string;
  readonly time: number;
  readonly kind: EndpointEventKind;
  readonly message: string;
  /** Who asked (a user, a pipeline step) or `slipway` for the controller. */
  readonly actor: string;
  readonly rolloutId?: string | undefined;
  readonly variant?: string | undefined;
  /** Measured numbers behind a decision (error rate, p99, requests), traffic shares, … */
  readonly details: Readonly<Record<string, unknown>>;
}

export type NewEndpointEvent = Omit<EndpointEvent, 'id' | 'endpointId' | 'endpointName'>;

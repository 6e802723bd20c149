/**
 * What a {@link PipelineEngine} is built from: its dependencies (store, executor, tracking
 * and registry services) and its options.
 * @module
 */

import type { ApprovalService } from '../../core/approvals/approval-service.js';
import type { EndpointService } from '../../core/endpoints/endpoint-service.js';
import type { ArtifactStore } from '../../core/ports/artifact-store.js';
import type { Executor } from '../../core/ports/executor.js';
import type { LeaseStore } from '../../core/ports/lease-store.js';
import type { PipelineStore } from '../../core/ports/pipeline-store.js';
import type { RegistryStore } from '../../core/ports/registry-store.js';
import type { RegistryService } from '../../core/registry/registry-service.js';
import type { TrackingService } from '../../core/tracking/tracking-service.js';

export interface PipelineEngineDeps {
  readonly store: PipelineStore;
  readonly executor: Executor;
  readonly tracking: TrackingService;
  readonly registry: RegistryService;
  readonly registryStore: RegistryStore;
  readonly artifacts: ArtifactStore;
  /** Approval requests of `slipway/approval` steps (and their in-process wake-ups); without it those steps fail. */
  readonly approvals?: ApprovalService | undefined;
  /** Endpoints, for `slipway/deploy` and `slipway/smoke-test`; without it those steps fail. */
  readonly endpoints?: EndpointService | undefined;
  /**
   * Several servers on one database: only the holder of the `pipeline-engine` lease
   * advances executions (see `engine-leadership.ts`). Absent: this engine is the only one.
   */
  readonly leases?: LeaseStore | undefined;
}

export interface PipelineEngineOptions {
  /** Holds code snapshots, attempt workspaces and logs. */
  readonly dataDir: string;
  /** Steps of one execution running at once. @default unlimited (the executor's limit applies) */
  readonly maxParallelPerExecution?: number | undefined;
  /** Secret env vars (name → value) given to every step and masked in logs. */
  readonly secrets?: Readonly<Record<string, string>> | undefined;
  /** The server's environment, of which PATH, HOME, locale… are passed on. @default process.env */
  readonly serverEnv?: NodeJS.ProcessEnv | undefined;
  /** How often the loop looks at the store without being woken. @default 500 */
  readonly pollIntervalMs?: number | undefined;
  /** How often a waiting `slipway/approval` step reads its request (decisions of other processes). @default 2000 */
  readonly approvalPollIntervalMs?: number | undefined;
  /** Largest code snapshot. @default 256 MiB */
  readonly snapshotLimitBytes?: number | undefined;
  readonly clock?: (() => number) | undefined;
  /** This process's name in the `pipeline-engine` lease. @default a random id */
  readonly holder?: string | undefined;
  /** How long the lease lasts without a renewal: a dead leader is replaced after at most this. @default 15000 */
  readonly leaseTtlMs?: number | undefined;
  readonly random?: (() => number) | undefined;
  readonly fetch?: typeof fetch | undefined;
  readonly log?: { warn(message: string): void; info?(message: string): void } | undefined;
}

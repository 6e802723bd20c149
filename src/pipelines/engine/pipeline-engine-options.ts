/**
 * What a {@link PipelineEngine} is built from: its dependencies (store, executor, tracking
 * and registry services) and its options.
 * @module
 */

import type { ArtifactStore } from '../../core/ports/artifact-store.js';
import type { Executor } from '../../core/ports/executor.js';
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
  /** Largest code snapshot. @default 256 MiB */
  readonly snapshotLimitBytes?: number | undefined;
  readonly clock?: (() => number) | undefined;
  readonly random?: (() => number) | undefined;
  readonly fetch?: typeof fetch | undefined;
  readonly log?: { warn(message: string): void; info?(message: string): void } | undefined;
}

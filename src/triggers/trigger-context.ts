import type { ExecutionTrigger, PipelineVersion } from '../core/pipelines/execution-model.js';
import type { JsonValue } from '../core/pipelines/pipeline-model.js';
import type { ArtifactStore } from '../core/ports/artifact-store.js';
import type { LeaseStore } from '../core/ports/lease-store.js';
import type { RegistryStore } from '../core/ports/registry-store.js';
import type { TriggerStore } from '../core/ports/trigger-store.js';

/** Starts an execution of the pipeline's latest version; the coordinator wires it to `PipelineEngine.startExecution`. */
export type StartExecution = (
  pipeline: string,
  params: Readonly<Record<string, string>>,
  trigger: ExecutionTrigger,
) => Promise<{ readonly executionId: string }>;

export interface TriggerServiceDeps {
  readonly store: TriggerStore;
  /** The pipeline versions (to check a trigger's pipeline and params at creation, and to sync at start). */
  readonly pipelines: {
    getPipeline(name: string, version?: number): Promise<PipelineVersion>;
    listPipelines(query: { readonly maxResults?: number; readonly pageToken?: string | undefined }): Promise<{
      readonly items: readonly { readonly name: string }[];
      readonly nextPageToken?: string | undefined;
    }>;
  };
  /** The registry's change log (registry triggers) and lineage links (data triggers). */
  readonly registry: Pick<RegistryStore, 'listChanges' | 'addLineageLink'>;
  /** For data triggers on `mlflow-artifacts:/…` paths. */
  readonly artifacts: ArtifactStore;
  /**
   * The code directory recorded with a pipeline (`pipelines upsert --code-dir`, `slipway
   * run`): a relative local path in the pipeline's `on: data:` is resolved against it, so
   * `data/train.csv` means the file next to the pipeline's code wherever the server runs.
   * Absent, or no directory recorded: against `cwd`.
   */
  readonly codeDirOf?: ((pipeline: string) => Promise<string | undefined>) | undefined;
  readonly startExecution: StartExecution;
  /**
   * When given, the watchers poll only while this process holds the `triggers` lease, so
   * one server of several polls (events are claimed once per trigger either way).
   */
  readonly leases?: LeaseStore | undefined;
}

export interface TriggerServiceOptions {
  /** Server secrets by name (`--pipeline-secrets`): the HMAC keys YAML triggers name. */
  readonly secrets?: Readonly<Record<string, string>>;
  /** How often data, registry and pipeline-finished triggers look for events. @default 2000 */
  readonly pollIntervalMs?: number;
  /** Relative local data paths are resolved against it when the pipeline has no code directory. @default process.cwd() */
  readonly cwd?: string;
  /** Milliseconds since the epoch. @default Date.now */
  readonly clock?: () => number;
  /** Where watcher failures are reported. Secrets are never logged. */
  readonly log?: { warn(message: string): void };
}

/** What a watcher or the hook endpoint hands over when an event matches. */
export interface MatchedEvent {
  readonly summary: Readonly<Record<string, JsonValue>>;
  /** The short text after `<trigger>: ` in the execution's trigger detail. */
  readonly description: string;
  /** What `${{ event.… }}` placeholders in the params read. */
  readonly context: unknown;
  /** The event's identity for this trigger: a second event with the same key is dropped. */
  readonly dedupKey?: string | undefined;
  /** Params added to the trigger's own (`changed_paths`, `digests`). */
  readonly extraParams?: Readonly<Record<string, string>> | undefined;
  /** Runs once the execution exists (lineage links). */
  readonly afterStart?: ((executionId: string) => Promise<void>) | undefined;
}

/**
 * What a built-in step (`uses: slipway/…`) gets when the engine runs it in-process.
 * @module
 */

import type { ApprovalService } from '../../core/approvals/approval-service.js';
import type { EndpointService } from '../../core/endpoints/endpoint-service.js';
import type { JsonValue, PipelineDefinition } from '../../core/pipelines/pipeline-model.js';
import type { ArtifactStore } from '../../core/ports/artifact-store.js';
import type { ExecutionRecord } from '../../core/ports/pipeline-store.js';
import type { RegistryStore } from '../../core/ports/registry-store.js';
import type { RegistryService } from '../../core/registry/registry-service.js';
import type { TrackingService } from '../../core/tracking/tracking-service.js';

export interface BuiltinContext {
  readonly registry: RegistryService;
  /** For lineage links (the service has no write for them). */
  readonly registryStore: RegistryStore;
  readonly tracking: TrackingService;
  readonly artifacts: ArtifactStore;
  readonly fetch: typeof fetch;
  readonly execution: ExecutionRecord;
  readonly definition: PipelineDefinition;
  readonly stepId: string;
  /** The evaluated `with:` inputs. */
  readonly inputs: Readonly<Record<string, JsonValue>>;
  /** Upstream artifacts by the local path an expression gave for them: the URI and the producing step's run. */
  readonly artifactByLocalPath: ReadonlyMap<string, { readonly uri: string; readonly runId?: string | undefined; readonly stepId: string }>;
  log(line: string): void;
  /** The matrix instance key, for an instance of a matrix step. */
  readonly instance?: string | undefined;
  /** Approval requests (`slipway/approval`); absent when the server has none. */
  readonly approvals?: ApprovalService | undefined;
  /** The engine's clock (tests control it), for deadlines. */
  readonly now?: (() => number) | undefined;
  /** How often a waiting step looks at the store for a decision made by another process. */
  readonly pollIntervalMs?: number | undefined;
  /**
   * Why a long-waiting step should stop now: its execution is being cancelled (`cancel`) or
   * the server is shutting down (`stop`: it must end so the server can stop, and it is
   * resumed after the restart). Undefined while it may go on waiting.
   */
  readonly interruption?: (() => 'cancel' | 'stop' | undefined) | undefined;
  /** Endpoints (`slipway/deploy`, `slipway/smoke-test`); absent when the server has none. */
  readonly endpoints?: EndpointService | undefined;
  /** The step's own MLflow run, for a built-in that declares `runsInMlflowRun`. */
  readonly stepRun?: { readonly runId: string; readonly artifactUri: string } | undefined;
  /** A scratch directory of this attempt (created on demand, kept with the attempt's log). */
  readonly workDir?: string | undefined;
  /** The execution's code snapshot (the pipeline's code directory), when it has one. */
  readonly codeDir?: string | undefined;
  /** This server's own URL (e.g. http://127.0.0.1:5000), once the engine is started. */
  readonly serverUrl?: string | undefined;
}

export interface BuiltinResult {
  readonly outputs: Record<string, string>;
  /** Set by a gate that rejected (with `fail-on-reject`): the step fails with class `gate`. */
  readonly gateRejected?: string | undefined;
}

/** A failure of a built-in step: class `user` unless said otherwise. */
export class BuiltinStepError extends Error {
  constructor(
    message: string,
    readonly failureClass: 'user' | 'infrastructure' | 'cancelled' = 'user',
  ) {
    super(message);
    this.name = 'BuiltinStepError';
  }
}

export type BuiltinRunner = (context: BuiltinContext) => Promise<BuiltinResult>;

export const text = (value: JsonValue | undefined): string | undefined =>
  value === undefined || value === null ? undefined : typeof value === 'string' ? value : JSON.stringify(value);

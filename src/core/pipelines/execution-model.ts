import type { FailureClass, ParamValue, PipelineDefinition, StepResources } from './pipeline-model.js';

/**
 * What the pipeline engine records: stored pipeline versions, executions, steps and
 * attempts, and the operations the HTTP API and the CLI call (`PipelineOperations`).
 * The engine implements `PipelineOperations`; the API and the SDK are written against it.
 * @module
 */

/** A pipeline version: a validated definition, stored once per content hash. */
export interface PipelineVersion {
  readonly name: string;
  /** 1, 2, …: a new version whenever an upsert's content hash differs from every earlier one. */
  readonly version: number;
  /** SHA-256 of the canonical JSON of `definition`. */
  readonly hash: string;
  readonly definition: PipelineDefinition;
  /** How the definition was written. */
  readonly sourceFormat: 'yaml' | 'typescript' | 'json';
  /** The YAML text when there is one (shown in `pipelines show`). */
  readonly sourceText?: string | undefined;
  readonly createdTime: number;
  readonly createdBy: string;
}

export interface PipelineSummary {
  readonly name: string;
  readonly description?: string | undefined;
  readonly latestVersion: number;
  readonly latestHash: string;
  readonly createdTime: number;
  readonly updatedTime: number;
  /** The last execution's id and status, when there is one. */
  readonly lastExecution?: { readonly executionId: string; readonly status: ExecutionStatus; readonly createdTime: number } | undefined;
}

export const EXECUTION_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelling', 'cancelled'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/**
 * A step's (or a matrix instance's) status:
 * - `pending`: waiting for its needs; `waiting`: between attempts (retry backoff);
 * - `skipped`: its `if:` was false, or a need did not succeed; `gated`: it did not run
 *   because an upstream `slipway/evaluate` gate failed (the reason says which);
 * - `succeeded` also covers a cache hit (`cachedFrom` says where from).
 */
export const STEP_STATUSES = ['pending', 'waiting', 'running', 'succeeded', 'failed', 'skipped', 'gated', 'cancelled'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** Why an attempt or a step did not succeed. */
export type AttemptFailureClass = FailureClass | 'cancelled' | 'gate';

export interface ExecutionTrigger {
  readonly type: 'manual' | 'api' | 'schedule' | 'event' | 'retry';
  /** The cron expression, event name, or the retried execution's id. */
  readonly detail?: string | undefined;
}

export interface Attempt {
  /** 1, 2, … */
  readonly attempt: number;
  readonly status: 'running' | 'succeeded' | 'failed';
  readonly startedTime: number;
  readonly endedTime?: number | undefined;
  readonly exitCode?: number | undefined;
  readonly failureClass?: AttemptFailureClass | undefined;
  readonly message?: string | undefined;
  /** The MLflow run of this attempt (each attempt of a `run:` step logs into its own child run). */
  readonly runId?: string | undefined;
  /**
   * The step's resource hints as given to the executor for this attempt (`resources:` of a
   * `run:` step; absent when it gives none, and on cache hits). Recorded for executors that
   * use them; the local executor does not limit.
   */
  readonly resources?: StepResources | undefined;
}

export interface StepExecution {
  readonly stepId: string;
  /** For a matrix instance: its values as a short key (`region=north,depth=3`); absent otherwise. */
  readonly instance?: string | undefined;
  readonly status: StepStatus;
  readonly startedTime?: number | undefined;
  readonly endedTime?: number | undefined;
  /** Why it was skipped, gated, cancelled or failed, in words. */
  readonly reason?: string | undefined;
  readonly failureClass?: AttemptFailureClass | undefined;
  /** `key=value` outputs the step wrote to `$SLIPWAY_OUTPUT` (and built-in step outputs). */
  readonly outputs: Readonly<Record<string, string>>;
  /** Declared file/dir outputs: name → `mlflow-artifacts:/…` URI where they were uploaded. */
  readonly artifacts: Readonly<Record<string, string>>;
  /** Metrics read from the log through the step's `metrics:` definitions (last value wins). */
  readonly metrics: Readonly<Record<string, number>>;
  /** The MLflow run the step logs into (a child of the execution's run). */
  readonly runId?: string | undefined;
  /** Set on a cache hit, or on a step reused by a retry: the execution whose result this is. */
  readonly cachedFrom?: string | undefined;
  readonly reusedFrom?: string | undefined;
  readonly attempts: readonly Attempt[];
}

export interface Execution {
  readonly executionId: string;
  readonly pipelineName: string;
  readonly pipelineVersion: number;
  readonly pipelineHash: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly trigger: ExecutionTrigger;
  readonly status: ExecutionStatus;
  readonly actor: string;
  readonly createdTime: number;
  readonly startedTime?: number | undefined;
  readonly endedTime?: number | undefined;
  /** The execution retried to make this one. */
  readonly retryOf?: string | undefined;
  /** The MLflow experiment and parent run every step's run hangs under. */
  readonly experimentId?: string | undefined;
  readonly runId?: string | undefined;
  /** Why it failed or was cancelled. */
  readonly reason?: string | undefined;
  /** In topological order (matrix instances after their step's position). */
  readonly steps: readonly StepExecution[];
}

export interface UpsertPipelineInput {
  /** A pipeline document: YAML text (a string, with `sourceFormat: 'yaml'`) or the JSON model. */
  readonly source: unknown;
  readonly sourceFormat: 'yaml' | 'typescript' | 'json';
  /** The file name to show in error messages (`pipeline.yaml:14:9: …`). */
  readonly fileName?: string | undefined;
  /**
   * A directory on the server's machine holding the steps' code; it is snapshotted (copied,
   * content-addressed) when an execution starts, so a later edit does not change a running
   * execution and a retry picks up the fixed code.
   */
  readonly codeDir?: string | undefined;
}

export interface StartExecutionInput {
  readonly pipelineName: string;
  /** Absent: the latest version. */
  readonly version?: number | undefined;
  /** Overrides as typed values or as the strings `-p key=value` gives; type-checked. */
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly trigger?: ExecutionTrigger | undefined;
  /** Overrides the code directory recorded with the pipeline. */
  readonly codeDir?: string | undefined;
}

/** A page request as the API takes it: an opaque token from the previous page. */
export interface PageRequest {
  /** Default 100, at most 1000. */
  readonly maxResults?: number | undefined;
  readonly pageToken?: string | undefined;
}

export interface ResultPage<T> {
  readonly items: readonly T[];
  readonly nextPageToken?: string | undefined;
}

export interface ListExecutionsQuery extends PageRequest {
  readonly pipelineName?: string | undefined;
  readonly status?: ExecutionStatus | undefined;
}

export interface LogChunk {
  readonly text: string;
  /** Pass back as `offset` to read on. */
  readonly nextOffset: number;
  /** True once the attempt has ended and everything has been read. */
  readonly complete: boolean;
}

export interface ReadLogsQuery {
  readonly stepId: string;
  readonly instance?: string | undefined;
  /** Absent: the latest attempt. */
  readonly attempt?: number | undefined;
  /** Byte offset to read from. */
  readonly offset?: number | undefined;
  readonly maxBytes?: number | undefined;
}

/** What the HTTP API, the SDK and the CLI can do with pipelines. */
export interface PipelineOperations {
  /** Validates (400 naming file:line:column), stores a new version when the hash is new. */
  upsertPipeline(input: UpsertPipelineInput, actor: string): Promise<{ readonly pipeline: PipelineVersion; readonly created: boolean }>;
  listPipelines(query: PageRequest): Promise<ResultPage<PipelineSummary>>;
  /** Absent version: the latest. Unknown → RESOURCE_DOES_NOT_EXIST. */
  getPipeline(name: string, version?: number): Promise<PipelineVersion>;
  /** Type-checks the params, records the execution and queues it; returns at once. */
  startExecution(input: StartExecutionInput, actor: string): Promise<Execution>;
  /** Newest first. */
  listExecutions(query: ListExecutionsQuery): Promise<ResultPage<Execution>>;
  getExecution(executionId: string): Promise<Execution>;
  readLogs(executionId: string, query: ReadLogsQuery): Promise<LogChunk>;
  /** Kills running steps (their whole process groups); idempotent on a finished execution. */
  cancelExecution(executionId: string, actor: string): Promise<Execution>;
  /**
   * A new execution (trigger `retry`) of a failed or cancelled one: steps that succeeded
   * are reused (outputs, artifacts, metrics), the rest run again — with the latest pipeline
   * version when `latest` is set (a fixed definition), and a fresh code snapshot.
   */
  retryExecution(executionId: string, options: { readonly latest?: boolean | undefined }, actor: string): Promise<Execution>;
}

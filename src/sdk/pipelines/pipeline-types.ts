import type { ParamValue, PipelineDefinition } from '../../core/pipelines/pipeline-model.js';

/**
 * Pipelines, executions and logs as the server sends them (`/api/slipway/v1`): snake_case
 * fields, timestamps in milliseconds, unset fields left out. Wire types: the SDK returns
 * the JSON the server sent, unchanged.
 * @module
 */

/** How a pipeline version was written. */
export type PipelineSourceFormat = 'yaml' | 'typescript' | 'json';

/** A stored pipeline version: one per content hash. */
export interface Pipeline {
  name: string;
  /** 1, 2, …: a new version whenever an upsert's content hash differs from every earlier one. */
  version: number;
  /** SHA-256 (hex) of the canonical JSON of `definition`. */
  hash: string;
  description?: string;
  source_format: PipelineSourceFormat;
  /** The YAML text, when the version was written in YAML. */
  source_text?: string;
  created_time: number;
  created_by: string;
  /** The validated model (camelCase keys, as `definePipeline` returns it). */
  definition: PipelineDefinition;
}

/** A pipeline in a list: its latest version and its last execution. */
export interface PipelineSummary {
  name: string;
  description?: string;
  latest_version: number;
  latest_hash: string;
  created_time: number;
  updated_time: number;
  last_execution?: { execution_id: string; status: ExecutionStatus; created_time: number };
}

export const EXECUTION_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelling', 'cancelled'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
/** The statuses an execution ends in. */
export const FINISHED_EXECUTION_STATUSES: readonly ExecutionStatus[] = ['succeeded', 'failed', 'cancelled'];

/** True once the execution has ended (succeeded, failed or cancelled). */
export function isExecutionFinished(execution: Pick<Execution, 'status'>): boolean {
  return FINISHED_EXECUTION_STATUSES.includes(execution.status);
}

/**
 * A step's (or a matrix instance's) status: `pending` waits for its needs, `waiting` sits
 * between attempts (retry backoff), `skipped` had a false `if:` or a need that did not
 * succeed, `gated` did not run because an upstream `slipway/evaluate` gate failed;
 * `succeeded` also covers a cache hit (`cached_from`) and a step reused by a retry (`reused_from`).
 */
export const STEP_STATUSES = ['pending', 'waiting', 'running', 'succeeded', 'failed', 'skipped', 'gated', 'cancelled'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** Why an attempt or a step did not succeed. */
export type StepFailureClass = 'user' | 'timeout' | 'infrastructure' | 'cancelled' | 'gate';

export interface StepAttempt {
  /** 1, 2, … */
  attempt: number;
  status: 'running' | 'succeeded' | 'failed';
  started_time: number;
  ended_time?: number;
  exit_code?: number;
  failure_class?: StepFailureClass;
  message?: string;
  /**
   * The step's resource hints (`resources:`) as given to the executor for this attempt;
   * absent when the step gives none. Recorded; the local executor does not limit.
   */
  resources?: AttemptResources;
}

/** Resource hints recorded on an attempt. */
export interface AttemptResources {
  /** CPU cores. */
  cpu?: number;
  /** Memory in bytes. */
  memory_bytes?: number;
  gpu?: number;
}

export interface StepExecution {
  step_id: string;
  /** A matrix instance's values as a short key (`region=north,depth=3`). */
  instance?: string;
  status: StepStatus;
  started_time?: number;
  ended_time?: number;
  /** Why it was skipped, gated, cancelled or failed. */
  reason?: string;
  failure_class?: StepFailureClass;
  /** Values the step wrote to `$SLIPWAY_OUTPUT` (and built-in step outputs). */
  outputs: Record<string, string>;
  /** Declared file and directory outputs: name → `mlflow-artifacts:/…` URI. */
  artifacts: Record<string, string>;
  /** Metrics read from the log (non-finite values as the strings `NaN`, `Infinity`, `-Infinity`). */
  metrics: Record<string, number | string>;
  /** The MLflow run the step logged into. */
  run_id?: string;
  /** A cache hit: the execution whose result this is. */
  cached_from?: string;
  /** Reused by a retry: the execution whose result this is. */
  reused_from?: string;
  attempts: StepAttempt[];
}

export interface ExecutionTrigger {
  type: 'manual' | 'api' | 'schedule' | 'event' | 'retry';
  /** The cron expression, event name, or the retried execution's id. */
  detail?: string;
}

export interface Execution {
  execution_id: string;
  pipeline_name: string;
  pipeline_version: number;
  pipeline_hash: string;
  /** Every param's value, typed. */
  params: Record<string, ParamValue>;
  trigger: ExecutionTrigger;
  status: ExecutionStatus;
  actor: string;
  created_time: number;
  started_time?: number;
  ended_time?: number;
  /** The execution this one retries. */
  retry_of?: string;
  /** The MLflow experiment and parent run of the steps' runs. */
  experiment_id?: string;
  run_id?: string;
  /** Why it failed or was cancelled. */
  reason?: string;
  /** In topological order, matrix instances after their step's position. */
  steps: StepExecution[];
}

/** A piece of a step attempt's log. */
export interface LogChunk {
  text: string;
  /** Pass back as `offset` to read on. */
  next_offset: number;
  /** True once the attempt has ended and everything has been read. */
  complete: boolean;
}

/** One problem with a pipeline definition or params, from an error's `details.issues`. */
export interface PipelineIssueDetail {
  message: string;
  /** In the definition document: `steps[2].needs[0]`, `params.n_estimators`. */
  path: string;
  file?: string;
  line?: number;
  column?: number;
}

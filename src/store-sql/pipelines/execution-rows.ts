import type { Insertable, Selectable } from 'kysely';
import type { AttemptFailureClass, ExecutionStatus, StepStatus } from '../../core/pipelines/execution-model.js';
import type { JsonValue, ParamValue, StepResources } from '../../core/pipelines/pipeline-model.js';
import type { AttemptRecord, CacheEntry, ExecutionRecord, StepRecord } from '../../core/ports/pipeline-store.js';
import type {
  PipelineAttemptsTable,
  PipelineCacheTable,
  PipelineExecutionsTable,
  PipelineStepsTable,
} from '../database-schema.js';

/** Rows ↔ records. Optional fields are left out rather than set to undefined. */

const opt = <K extends string, V>(key: K, value: V | null): { [P in K]?: V } =>
  (value === null ? {} : { [key]: value }) as { [P in K]?: V };

export function executionRow(e: Omit<ExecutionRecord, 'steps'>): Insertable<PipelineExecutionsTable> {
  return {
    execution_id: e.executionId,
    pipeline_name: e.pipelineName,
    pipeline_version: e.pipelineVersion,
    pipeline_hash: e.pipelineHash,
    params: JSON.stringify(e.params),
    trigger_type: e.trigger.type,
    trigger_detail: e.trigger.detail ?? null,
    status: e.status,
    actor: e.actor,
    created_time: e.createdTime,
    started_time: e.startedTime ?? null,
    ended_time: e.endedTime ?? null,
    retry_of: e.retryOf ?? null,
    experiment_id: e.experimentId ?? null,
    run_id: e.runId ?? null,
    reason: e.reason ?? null,
    code_dir: e.codeDir ?? null,
    code_digest: e.codeDigest ?? null,
    // Every execution starts at revision 0, whatever the record says.
    revision: 0,
  };
}

export function toExecutionRecord(row: Selectable<PipelineExecutionsTable>, steps: StepRecord[]): ExecutionRecord {
  return {
    executionId: row.execution_id,
    pipelineName: row.pipeline_name,
    pipelineVersion: row.pipeline_version,
    pipelineHash: row.pipeline_hash,
    params: JSON.parse(row.params) as Record<string, ParamValue>,
    trigger: { type: row.trigger_type as ExecutionRecord['trigger']['type'], ...opt('detail', row.trigger_detail) },
    status: row.status as ExecutionStatus,
    actor: row.actor,
    createdTime: row.created_time,
    ...opt('startedTime', row.started_time),
    ...opt('endedTime', row.ended_time),
    ...opt('retryOf', row.retry_of),
    ...opt('experimentId', row.experiment_id),
    ...opt('runId', row.run_id),
    ...opt('reason', row.reason),
    ...opt('codeDir', row.code_dir),
    ...opt('codeDigest', row.code_digest),
    revision: row.revision,
    steps,
  };
}

export function stepRow(executionId: string, s: Omit<StepRecord, 'attempts'>): PipelineStepsTable {
  return {
    execution_id: executionId,
    step_id: s.stepId,
    instance: s.instance ?? '',
    position: s.position,
    status: s.status,
    started_time: s.startedTime ?? null,
    ended_time: s.endedTime ?? null,
    reason: s.reason ?? null,
    failure_class: s.failureClass ?? null,
    outputs: JSON.stringify(s.outputs),
    artifacts: JSON.stringify(s.artifacts),
    metrics: JSON.stringify(s.metrics),
    artifact_digests: JSON.stringify(s.artifactDigests),
    matrix_values: s.matrixValues === undefined ? null : JSON.stringify(s.matrixValues),
    expanded: s.expanded === true ? 1 : 0,
    run_id: s.runId ?? null,
    cached_from: s.cachedFrom ?? null,
    reused_from: s.reusedFrom ?? null,
    next_attempt_time: s.nextAttemptTime ?? null,
    cache_key: s.cacheKey ?? null,
  };
}

export function toStepRecord(row: Selectable<PipelineStepsTable>, attempts: AttemptRecord[]): StepRecord {
  return {
    stepId: row.step_id,
    ...(row.instance === '' ? {} : { instance: row.instance }),
    position: row.position,
    status: row.status as StepStatus,
    ...opt('startedTime', row.started_time),
    ...opt('endedTime', row.ended_time),
    ...opt('reason', row.reason),
    ...opt('failureClass', row.failure_class as AttemptFailureClass | null),
    outputs: JSON.parse(row.outputs) as Record<string, string>,
    artifacts: JSON.parse(row.artifacts) as Record<string, string>,
    metrics: JSON.parse(row.metrics) as Record<string, number>,
    artifactDigests: JSON.parse(row.artifact_digests) as Record<string, string>,
    ...(row.matrix_values === null ? {} : { matrixValues: JSON.parse(row.matrix_values) as Record<string, JsonValue> }),
    ...(row.expanded === 1 ? { expanded: true } : {}),
    ...opt('runId', row.run_id),
    ...opt('cachedFrom', row.cached_from),
    ...opt('reusedFrom', row.reused_from),
    ...opt('nextAttemptTime', row.next_attempt_time),
    ...opt('cacheKey', row.cache_key),
    attempts,
  };
}

export function attemptRow(executionId: string, stepId: string, instance: string | undefined, a: AttemptRecord): PipelineAttemptsTable {
  return {
    execution_id: executionId,
    step_id: stepId,
    instance: instance ?? '',
    attempt: a.attempt,
    status: a.status,
    started_time: a.startedTime,
    ended_time: a.endedTime ?? null,
    exit_code: a.exitCode ?? null,
    failure_class: a.failureClass ?? null,
    message: a.message ?? null,
    run_id: a.runId ?? null,
    pid: a.pid ?? null,
    boot_id: a.bootId ?? null,
    interrupted: a.interrupted === true ? 1 : 0,
    resources: a.resources === undefined ? null : JSON.stringify(a.resources),
  };
}

export function toAttemptRecord(row: Selectable<PipelineAttemptsTable>): AttemptRecord {
  return {
    attempt: row.attempt,
    status: row.status as AttemptRecord['status'],
    startedTime: row.started_time,
    ...opt('endedTime', row.ended_time),
    ...opt('exitCode', row.exit_code),
    ...opt('failureClass', row.failure_class as AttemptFailureClass | null),
    ...opt('message', row.message),
    ...opt('runId', row.run_id),
    ...opt('pid', row.pid),
    ...opt('bootId', row.boot_id),
    ...(row.interrupted === 1 ? { interrupted: true } : {}),
    ...(row.resources === null ? {} : { resources: JSON.parse(row.resources) as StepResources }),
  };
}

export function toCacheEntry(row: Selectable<PipelineCacheTable>): CacheEntry {
  return {
    cacheKey: row.cache_key,
    executionId: row.execution_id,
    stepId: row.step_id,
    ...(row.instance === '' ? {} : { instance: row.instance }),
    createdTime: row.created_time,
  };
}

import type {
  Attempt,
  Execution,
  LogChunk,
  PipelineSummary,
  PipelineVersion,
  StepExecution,
} from '../../core/pipelines/execution-model.js';
import { wireDouble, type Wire } from '../mlflow/wire-format.js';

/**
 * Pipelines, executions and logs as Slipway's API sends them: snake_case field names,
 * timestamps in milliseconds, unset fields left out. A pipeline's `definition` is the
 * validated model (`PipelineDefinition`) as it is: a document, whose keys (camelCase,
 * `timeoutMinutes`) are what its content hash covers, not API fields.
 * @module
 */

export function wirePipelineVersion(p: PipelineVersion): Wire {
  const out: Wire = {
    name: p.name,
    version: p.version,
    hash: p.hash,
    source_format: p.sourceFormat,
    created_time: p.createdTime,
    created_by: p.createdBy,
    definition: p.definition,
  };
  if (p.definition.description !== undefined) out.description = p.definition.description;
  if (p.sourceText !== undefined) out.source_text = p.sourceText;
  return out;
}

export function wirePipelineSummary(p: PipelineSummary): Wire {
  const out: Wire = {
    name: p.name,
    latest_version: p.latestVersion,
    latest_hash: p.latestHash,
    created_time: p.createdTime,
    updated_time: p.updatedTime,
  };
  if (p.description !== undefined) out.description = p.description;
  if (p.lastExecution !== undefined) {
    out.last_execution = {
      execution_id: p.lastExecution.executionId,
      status: p.lastExecution.status,
      created_time: p.lastExecution.createdTime,
    };
  }
  return out;
}

export function wireExecution(e: Execution): Wire {
  const trigger: Wire = { type: e.trigger.type };
  if (e.trigger.detail !== undefined) trigger.detail = e.trigger.detail;
  const out: Wire = {
    execution_id: e.executionId,
    pipeline_name: e.pipelineName,
    pipeline_version: e.pipelineVersion,
    pipeline_hash: e.pipelineHash,
    params: { ...e.params },
    trigger,
    status: e.status,
    actor: e.actor,
    created_time: e.createdTime,
  };
  setIfDefined(out, 'started_time', e.startedTime);
  setIfDefined(out, 'ended_time', e.endedTime);
  setIfDefined(out, 'retry_of', e.retryOf);
  setIfDefined(out, 'experiment_id', e.experimentId);
  setIfDefined(out, 'run_id', e.runId);
  setIfDefined(out, 'reason', e.reason);
  out.steps = e.steps.map(wireStepExecution);
  return out;
}

export function wireStepExecution(s: StepExecution): Wire {
  const out: Wire = { step_id: s.stepId };
  setIfDefined(out, 'instance', s.instance);
  out.status = s.status;
  setIfDefined(out, 'started_time', s.startedTime);
  setIfDefined(out, 'ended_time', s.endedTime);
  setIfDefined(out, 'reason', s.reason);
  setIfDefined(out, 'failure_class', s.failureClass);
  out.outputs = { ...s.outputs };
  out.artifacts = { ...s.artifacts };
  out.metrics = Object.fromEntries(Object.entries(s.metrics).map(([k, v]) => [k, wireDouble(v)]));
  setIfDefined(out, 'run_id', s.runId);
  setIfDefined(out, 'cached_from', s.cachedFrom);
  setIfDefined(out, 'reused_from', s.reusedFrom);
  out.attempts = s.attempts.map(wireAttempt);
  return out;
}

export function wireAttempt(a: Attempt): Wire {
  const out: Wire = { attempt: a.attempt, status: a.status, started_time: a.startedTime };
  setIfDefined(out, 'ended_time', a.endedTime);
  setIfDefined(out, 'exit_code', a.exitCode);
  setIfDefined(out, 'failure_class', a.failureClass);
  setIfDefined(out, 'message', a.message);
  if (a.resources !== undefined) {
    const resources: Wire = {};
    setIfDefined(resources, 'cpu', a.resources.cpu);
    setIfDefined(resources, 'memory_bytes', a.resources.memoryBytes);
    setIfDefined(resources, 'gpu', a.resources.gpu);
    out.resources = resources;
  }
  return out;
}

export function wireLogChunk(c: LogChunk): Wire {
  return { text: c.text, next_offset: c.nextOffset, complete: c.complete };
}

function setIfDefined(out: Wire, key: string, value: unknown): void {
  if (value !== undefined) out[key] = value;
}

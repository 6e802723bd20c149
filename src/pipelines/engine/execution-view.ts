import type { Attempt, Execution, StepExecution } from '../../core/pipelines/execution-model.js';
import type { AttemptRecord, ExecutionRecord, StepRecord } from '../../core/ports/pipeline-store.js';

/** The API's view of a stored execution: the engine's bookkeeping left out. */
export function toExecution(record: ExecutionRecord): Execution {
  const { codeDir: _c, codeDigest: _d, revision: _r, steps, ...rest } = record;
  return { ...rest, steps: steps.map(toStep) };
}

function toStep(record: StepRecord): StepExecution {
  const {
    position: _p,
    matrixValues: _m,
    expanded: _e,
    nextAttemptTime: _n,
    cacheKey: _k,
    artifactDigests: _a,
    attempts,
    ...rest
  } = record;
  return { ...rest, attempts: attempts.map(toAttempt) };
}

function toAttempt(record: AttemptRecord): Attempt {
  const { pid: _p, bootId: _b, interrupted: _i, ...rest } = record;
  return rest;
}

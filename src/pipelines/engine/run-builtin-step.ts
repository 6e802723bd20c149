import { join } from 'node:path';
import type { PipelineDefinition, StepDefinition } from '../../core/pipelines/pipeline-model.js';
import type { ExecutionRecord, StepRecord } from '../../core/ports/pipeline-store.js';
import { BUILTIN_RUNNERS } from '../builtins/index.js';
import { BuiltinStepError } from '../builtins/builtin-context.js';
import type { AttemptLog } from './attempt-log.js';
import { describeError } from './describe-error.js';
import type { EngineContext } from './engine-context.js';
import type { Prepared } from './prepare-attempt.js';
import type { AttemptResult } from './run-step-attempt.js';
import { attemptKey } from './running-attempts.js';
import { instanceDir } from './step-positions.js';

/**
 * One attempt of a built-in (`uses:`) step, in process; a rejecting gate is a `gate` failure.
 * A built-in that waits (`slipway/approval`) is told when its execution is cancelled or the
 * server stops; one that ends because of a shutdown is recorded as interrupted (it runs
 * again, not counted, after the restart).
 */
export async function runBuiltinStep(
  ctx: EngineContext,
  record: ExecutionRecord,
  definition: PipelineDefinition,
  step: StepDefinition,
  row: StepRecord,
  prepared: Prepared,
  log: AttemptLog,
  attempt: { readonly number: number; readonly run?: { readonly runId: string; readonly artifactUri: string } | undefined } = { number: 1 },
): Promise<AttemptResult> {
  const runner = step.kind === 'uses' ? BUILTIN_RUNNERS.get(step.uses) : undefined;
  if (step.kind !== 'uses' || runner === undefined) {
    return { ok: false, failureClass: 'user', message: `unknown built-in step '${step.kind === 'uses' ? step.uses : step.id}'`, metrics: {} };
  }
  const key = attemptKey(record.executionId, step.id, row.instance);
  let stopped = false;
  const interruption = (): 'cancel' | 'stop' | undefined => {
    if (ctx.stopping) {
      stopped = true;
      return 'stop';
    }
    return ctx.running.get(key)?.control.cancelled === true ? 'cancel' : undefined;
  };
  try {
    const result = await runner({
      registry: ctx.deps.registry,
      registryStore: ctx.deps.registryStore,
      tracking: ctx.deps.tracking,
      artifacts: ctx.deps.artifacts,
      fetch: ctx.options.fetch ?? fetch,
      execution: record,
      definition,
      stepId: step.id,
      instance: row.instance,
      inputs: prepared.inputs ?? {},
      artifactByLocalPath: prepared.artifactsByPath ?? new Map(),
      log: (line) => log.line(line),
      approvals: ctx.deps.approvals,
      now: ctx.now,
      pollIntervalMs: ctx.options.approvalPollIntervalMs,
      interruption,
      endpoints: ctx.deps.endpoints,
      stepRun: attempt.run,
      workDir: join(ctx.options.dataDir, 'executions', record.executionId, step.id, ...(row.instance === undefined ? [] : [instanceDir(row) ?? '']), String(attempt.number), 'work'),
      codeDir: record.codeDigest === undefined ? undefined : join(ctx.options.dataDir, 'pipelines', 'code', record.codeDigest),
      serverUrl: ctx.trackingUri === '' ? undefined : ctx.trackingUri,
    });
    if (result.gateRejected !== undefined) {
      return { ok: false, failureClass: 'gate', message: result.gateRejected, metrics: {}, outputs: result.outputs };
    }
    return { ok: true, outputs: result.outputs, artifacts: {}, artifactDigests: {}, metrics: {} };
  } catch (e) {
    // Ended by the shutdown: marked like a killed process, so the end is recorded as interrupted.
    const control = stopped ? ctx.running.get(key)?.control : undefined;
    if (control !== undefined) control.cancelled = true;
    if (e instanceof BuiltinStepError) return { ok: false, failureClass: e.failureClass, message: e.message, metrics: {} };
    return { ok: false, failureClass: 'infrastructure', message: describeError(e), metrics: {} };
  }
}


import type { PipelineDefinition, StepDefinition } from '../../core/pipelines/pipeline-model.js';
import type { ExecutionRecord } from '../../core/ports/pipeline-store.js';
import { BUILTIN_RUNNERS } from '../builtins/index.js';
import { BuiltinStepError } from '../builtins/builtin-context.js';
import type { AttemptLog } from './attempt-log.js';
import { describeError } from './describe-error.js';
import type { EngineContext } from './engine-context.js';
import type { Prepared } from './prepare-attempt.js';
import type { AttemptResult } from './run-step-attempt.js';

/** One attempt of a built-in (`uses:`) step, in process; a rejecting gate is a `gate` failure. */
export async function runBuiltinStep(ctx: EngineContext, record: ExecutionRecord, definition: PipelineDefinition, step: StepDefinition, prepared: Prepared, log: AttemptLog): Promise<AttemptResult> {
  const runner = step.kind === 'uses' ? BUILTIN_RUNNERS.get(step.uses) : undefined;
  if (step.kind !== 'uses' || runner === undefined) {
    return { ok: false, failureClass: 'user', message: `unknown built-in step '${step.kind === 'uses' ? step.uses : step.id}'`, metrics: {} };
  }
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
      inputs: prepared.inputs ?? {},
      artifactByLocalPath: prepared.artifactsByPath ?? new Map(),
      log: (line) => log.line(line),
    });
    if (result.gateRejected !== undefined) {
      return { ok: false, failureClass: 'gate', message: result.gateRejected, metrics: {}, outputs: result.outputs };
    }
    return { ok: true, outputs: result.outputs, artifacts: {}, artifactDigests: {}, metrics: {} };
  } catch (e) {
    if (e instanceof BuiltinStepError) return { ok: false, failureClass: e.failureClass, message: e.message, metrics: {} };
    return { ok: false, failureClass: 'infrastructure', message: describeError(e), metrics: {} };
  }
}

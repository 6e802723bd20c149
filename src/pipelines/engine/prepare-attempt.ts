/**
 * Preparing a step's attempt: evaluating its templates (command, env, working directory,
 * outputs, a built-in's `with:`), choosing the upstream artifacts it downloads, and
 * computing its cache key.
 * @module
 */

import { join } from 'node:path';
import { evaluateInputs, interpolate, type ExpressionContext } from '../../core/pipelines/expressions/evaluate-expression.js';
import type { JsonValue, PipelineDefinition, StepDefinition } from '../../core/pipelines/pipeline-model.js';
import type { ExecutionRecord, StepRecord } from '../../core/ports/pipeline-store.js';
import { artifactFileName } from './artifact-transfer.js';
import { cacheKey } from './cache-key.js';
import type { EngineContext } from './engine-context.js';
import { placeholderPath } from './placeholder-path.js';
import type { DeclaredOutput, InputArtifact, RunAttemptSpec } from './run-step-attempt.js';
import { buildContext, type ArtifactPathOf } from './step-context.js';
import { inputVariable } from './step-environment.js';
import { instanceDir } from './step-positions.js';
import { instanceRows, stepRow } from './step-rows.js';
import { declaredOutputs } from './tune-step.js';

/** What an attempt needs, evaluated. */
export interface Prepared {
  readonly userEnv: Record<string, string>;
  readonly cacheKey?: string | undefined;
  readonly inputEnv?: Record<string, string> | undefined;
  readonly run?: Omit<RunAttemptSpec, 'env' | 'artifactRoot'> | undefined;
  /** Built-in steps: the evaluated `with:`. */
  readonly inputs?: Record<string, JsonValue> | undefined;
  readonly artifactsByPath?: Map<string, { uri: string; runId?: string | undefined; stepId: string }> | undefined;
}

/** A step that cannot be prepared because of what its definition resolved to. */
export class PrepareError extends Error {}

type WantedInput = InputArtifact & { stepId: string; name: string; index: number | undefined; runId?: string | undefined };

/**
 * Evaluates what the attempt needs (templates, inputs, cache key); throws for bad input
 * (an {@link ExpressionError}, a {@link PrepareError} or a {@link DeclaredCodeError}).
 */
export async function prepareAttempt(ctx: EngineContext, record: ExecutionRecord, definition: PipelineDefinition, step: StepDefinition, row: StepRecord, attemptNo: number): Promise<Prepared> {
  const index = definition.steps.indexOf(step);
  const attemptDir = join(ctx.options.dataDir, 'executions', record.executionId, step.id, ...(row.instance === undefined ? [] : [instanceDir(row) ?? '']), String(attemptNo));
  const inputs = new Map<string, WantedInput>();
  const upstreamRow = (id: string, i: number | undefined): StepRecord | undefined => (i === undefined ? stepRow(record, id) : instanceRows(record, id)[i]);
  const realPath: ArtifactPathOf = (id, name, i) => {
    const source = upstreamRow(id, i);
    const uri = source?.artifacts[name] ?? '';
    const output = declaredOutputs(definition.steps.find((s) => s.id === id))[name];
    const kind = output?.type === 'file' ? 'file' : 'dir';
    const base = join(attemptDir, '.slipway', 'inputs', id, ...(i === undefined ? [] : [String(i)]), name);
    const localPath = kind === 'file' ? join(base, artifactFileName(uri)) : base;
    inputs.set(`${id}#${i ?? ''}/${name}`, { uri, kind, localPath, stepId: id, name, index: i, runId: source?.runId });
    return localPath;
  };
  const context = buildContext(record, definition, step, { artifactPath: realPath, matrix: row.matrixValues });
  const keyContext = buildContext(record, definition, step, { artifactPath: placeholderPath, matrix: row.matrixValues });
  const env = (c: ExpressionContext): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(definition.env)) out[k] = interpolate(v, c, `env.${k}`);
    for (const [k, v] of Object.entries(step.env)) out[k] = interpolate(v, c, `steps[${index}].env.${k}`);
    return out;
  };

  if (step.kind === 'uses') {
    const withInputs = evaluateInputs(step.with, context, `steps[${index}].with`) as Record<string, JsonValue>;
    return { inputs: withInputs, userEnv: env(context), artifactsByPath: new Map([...inputs.values()].map((i) => [i.localPath.replace(/\/+$/, ''), { uri: i.uri, runId: i.runId, stepId: i.stepId }])) };
  }

  const command = interpolate(step.run, context, `steps[${index}].run`);
  const userEnv = env(context);
  const relative = (text: string, where: string): string => {
    if (/^(?:[/\\]|[A-Za-z]:[/\\])/.test(text) || text.split(/[/\\]/).includes('..')) {
      throw new PrepareError(`${where}: '${text}' must be a relative path inside the step's workspace`);
    }
    return text;
  };
  const workingDirectory = step.workingDirectory === undefined ? undefined : relative(interpolate(step.workingDirectory, context, `steps[${index}].working-directory`), `steps[${index}].working-directory`);
  const outputs: DeclaredOutput[] = Object.entries(step.outputs).map(([name, output]) =>
    output.type === 'value'
      ? { name, type: 'value' }
      : { name, type: output.type, path: relative(interpolate(output.path, context, `steps[${index}].outputs.${name}`), `steps[${index}].outputs.${name}`) },
  );
  // Which upstream artifacts to download: those of the direct needs, and those the step's text names.
  const text = JSON.stringify([step.run, step.env, definition.env, step.workingDirectory ?? '', step.outputs]);
  const wanted = [...inputs.values()].filter((i) => step.needs.includes(i.stepId) || text.includes(`steps.${i.stepId}.artifacts`) || text.includes(`'${i.stepId}'`));
  const inputDigests: Record<string, string> = {};
  for (const input of wanted) {
    const source = upstreamRow(input.stepId, input.index);
    inputDigests[`${input.stepId}#${input.index ?? ''}/${input.name}`] = source?.artifactDigests[input.name] ?? input.uri;
  }
  const secretNames = new Set(Object.keys(ctx.options.secrets ?? {}));
  const keyEnv = Object.fromEntries(Object.entries(env(keyContext)).filter(([k]) => !secretNames.has(k)));
  const key = cacheKey({
    step,
    resolved: {
      run: interpolate(step.run, keyContext),
      env: keyEnv,
      workingDirectory: workingDirectory ?? null,
      outputs: outputs.map((o) => `${o.name}:${o.type}:${o.path ?? ''}`),
    },
    matrix: row.matrixValues,
    inputDigests,
    // Declared code: exactly those files; otherwise the whole snapshot.
    codeDigest: step.code === undefined ? (record.codeDigest ?? '') : await ctx.declaredCode.digest(record, step.code),
  });
  const workDir = workingDirectory === undefined ? attemptDir : join(attemptDir, workingDirectory);
  return {
    userEnv,
    cacheKey: key,
    inputEnv: inputEnvironment(wanted),
    run: {
      command,
      attemptDir,
      workDir,
      snapshotDir: join(ctx.options.dataDir, 'pipelines', 'code', record.codeDigest ?? 'none'),
      outputFile: join(attemptDir, '.slipway', 'output'),
      outputsDir: join(attemptDir, '.slipway', 'outputs'),
      timeoutMs: step.timeoutMinutes === undefined ? undefined : Math.round(step.timeoutMinutes * 60_000),
      resources: step.resources,
      inputs: wanted,
      outputs,
      metrics: step.metrics,
    },
  };
}

/** `SLIPWAY_INPUT_<STEP>_<NAME>` for each downloaded artifact (a JSON list for a matrix step's instances). */
function inputEnvironment(inputs: readonly (InputArtifact & { stepId: string; name: string; index: number | undefined })[]): Record<string, string> {
  const grouped = new Map<string, string[]>();
  const single = new Map<string, string>();
  for (const input of inputs) {
    const name = inputVariable(input.stepId, input.name);
    if (input.index === undefined) single.set(name, input.localPath);
    else grouped.set(name, [...(grouped.get(name) ?? []), input.localPath]);
  }
  return { ...Object.fromEntries(single), ...Object.fromEntries([...grouped].map(([k, v]) => [k, JSON.stringify(v)])) };
}

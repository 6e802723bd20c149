/**
 * One attempt of a `run:` step: prepare its workspace (a fresh copy of the code snapshot,
 * the upstream artifacts downloaded), run the command through the executor with the step
 * contract's environment, then read `$SLIPWAY_OUTPUT`, check and upload the declared
 * outputs, and report what happened.
 * @module
 */

import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { metricReader } from '../../core/pipelines/extract-metrics.js';
import type { AttemptFailureClass } from '../../core/pipelines/execution-model.js';
import type { MetricDefinition } from '../../core/pipelines/pipeline-model.js';
import type { ArtifactStore } from '../../core/ports/artifact-store.js';
import type { Executor, ProcessHandle, ResourceHints } from '../../core/ports/executor.js';
import type { AttemptLog } from './attempt-log.js';
import { downloadArtifact, pathKind, uploadOutput } from './artifact-transfer.js';
import { copySnapshot } from './code-snapshot.js';
import { OutputFileError, parseOutputFile } from './output-file.js';

export interface InputArtifact {
  readonly uri: string;
  readonly kind: 'file' | 'dir';
  /** Where it goes: the file itself, or the directory. */
  readonly localPath: string;
}

export interface DeclaredOutput {
  readonly name: string;
  readonly type: 'file' | 'dir' | 'value';
  /** Resolved path, relative to the working directory (file and dir outputs). */
  readonly path?: string | undefined;
}

export interface RunAttemptSpec {
  readonly command: string;
  readonly attemptDir: string;
  /** `attemptDir` or a directory inside it (`working-directory`). */
  readonly workDir: string;
  readonly snapshotDir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly outputFile: string;
  readonly outputsDir: string;
  readonly timeoutMs?: number | undefined;
  /** The step's resource hints, passed on to the executor. */
  readonly resources?: ResourceHints | undefined;
  readonly inputs: readonly InputArtifact[];
  readonly outputs: readonly DeclaredOutput[];
  readonly metrics: readonly MetricDefinition[];
  /** The step run's artifact root (`mlflow-artifacts:/…`). */
  readonly artifactRoot: string;
}

export type AttemptResult =
  | {
      readonly ok: true;
      readonly exitCode?: number | undefined;
      readonly outputs: Record<string, string>;
      readonly artifacts: Record<string, string>;
      readonly artifactDigests: Record<string, string>;
      readonly metrics: Record<string, number>;
    }
  | {
      readonly ok: false;
      readonly exitCode?: number | undefined;
      readonly failureClass: AttemptFailureClass;
      readonly message: string;
      readonly metrics: Record<string, number>;
      /** A rejecting gate still reports its outputs. */
      readonly outputs?: Record<string, string> | undefined;
    };

export interface AttemptControl {
  /** Set when the attempt is to be cancelled (before or while the process runs). */
  cancelled: boolean;
  /** The running process, once started. */
  handle?: ProcessHandle | undefined;
  /** Called with the process-group id once the process started (not awaited: the process runs meanwhile). */
  onStarted?(pid: number): Promise<void>;
}

const infra = (message: string, metrics: Record<string, number> = {}): AttemptResult => ({ ok: false, failureClass: 'infrastructure', message, metrics });

export async function runStepAttempt(
  deps: { readonly executor: Executor; readonly artifacts: ArtifactStore },
  spec: RunAttemptSpec,
  log: AttemptLog,
  control: AttemptControl,
): Promise<AttemptResult> {
  try {
    await copySnapshot(spec.snapshotDir, spec.attemptDir);
    await mkdir(spec.workDir, { recursive: true });
    await mkdir(spec.outputsDir, { recursive: true });
    await writeFile(spec.outputFile, '');
    for (const input of spec.inputs) await downloadArtifact(deps.artifacts, input.uri, input.kind, input.localPath);
  } catch (e) {
    return infra(`could not prepare the workspace: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (control.cancelled) return { ok: false, failureClass: 'cancelled', message: 'cancelled before it started', metrics: {} };

  const metrics: Record<string, number> = {};
  const read = metricReader(spec.metrics);
  const process = { command: spec.command, cwd: spec.workDir, env: spec.env, timeoutMs: spec.timeoutMs, resources: spec.resources };
  const handle = deps.executor.start(process, (_stream, line) => {
    log.line(line);
    for (const reading of read(line)) metrics[reading.name] = reading.value;
  });
  control.handle = handle;
  // Recorded in the background (the engine writes it before the result, and not at all for
  // a process that has already ended): the process is not held up by a commit.
  if (handle.pid !== undefined) void control.onStarted?.(handle.pid).catch(() => undefined);
  if (control.cancelled) handle.cancel();
  const outcome = await handle.done;

  if (outcome.startError !== undefined) return infra(`the command could not be started: ${outcome.startError}`, metrics);
  if (outcome.cancelled) return { ok: false, failureClass: 'cancelled', message: 'cancelled', metrics, ...exit(outcome.exitCode) };
  if (outcome.timedOut) {
    return { ok: false, failureClass: 'timeout', message: `timed out after ${Math.round((spec.timeoutMs ?? 0) / 1000)} s`, metrics, ...exit(outcome.exitCode) };
  }
  if (outcome.exitCode === null) {
    return infra(`killed by ${outcome.signal ?? 'a signal'} from outside the step (out of memory?)`, metrics);
  }
  if (outcome.exitCode !== 0) {
    return { ok: false, failureClass: 'user', message: `the command exited with code ${outcome.exitCode}`, metrics, exitCode: outcome.exitCode };
  }

  let values: Record<string, string>;
  try {
    values = parseOutputFile(await readFile(spec.outputFile, 'utf8').catch(() => ''));
  } catch (e) {
    if (e instanceof OutputFileError) return { ok: false, failureClass: 'user', message: e.message, metrics, exitCode: 0 };
    throw e;
  }
  const missingValues = spec.outputs.filter((o) => o.type === 'value' && !Object.hasOwn(values, o.name)).map((o) => `'${o.name}'`);
  const missingFiles: string[] = [];
  for (const output of spec.outputs) {
    if (output.type === 'value') continue;
    const kind = await pathKind(join(spec.workDir, output.path ?? ''));
    if (kind !== output.type) {
      missingFiles.push(`'${output.name}' (${output.type === 'dir' ? 'directory' : 'file'} ${output.path ?? ''}${kind === undefined ? '' : `, found a ${kind === 'dir' ? 'directory' : 'file'}`})`);
    }
  }
  if (missingValues.length > 0 || missingFiles.length > 0) {
    const parts = [
      ...(missingFiles.length > 0 ? [`declared outputs missing after the step: ${missingFiles.join(', ')}`] : []),
      ...(missingValues.length > 0 ? [`declared value outputs not written to $SLIPWAY_OUTPUT: ${missingValues.join(', ')}`] : []),
    ];
    return { ok: false, failureClass: 'user', message: parts.join('; '), metrics, exitCode: 0 };
  }

  const artifacts: Record<string, string> = {};
  const artifactDigests: Record<string, string> = {};
  try {
    for (const output of spec.outputs) {
      if (output.type === 'value') continue;
      const uploaded = await uploadOutput(deps.artifacts, join(spec.workDir, output.path ?? ''), output.type, spec.artifactRoot, output.name);
      artifacts[output.name] = uploaded.uri;
      artifactDigests[output.name] = uploaded.digest;
    }
    // Anything the step left in $SLIPWAY_OUTPUTS_DIR is kept with its run.
    if ((await listedAny(spec.outputsDir)) && !Object.hasOwn(artifacts, EXTRA_OUTPUTS)) {
      await uploadOutput(deps.artifacts, spec.outputsDir, 'dir', spec.artifactRoot, EXTRA_OUTPUTS);
    }
  } catch (e) {
    return infra(`could not upload the outputs: ${e instanceof Error ? e.message : String(e)}`, metrics);
  }
  return { ok: true, exitCode: 0, outputs: values, artifacts, artifactDigests, metrics };
}

/** Where the files of `$SLIPWAY_OUTPUTS_DIR` go in the step run's artifacts. */
export const EXTRA_OUTPUTS = 'slipway-outputs';

async function listedAny(dir: string): Promise<boolean> {
  return (await readdir(dir).catch(() => [])).length > 0;
}

function exit(code: number | null): { exitCode?: number } {
  return code === null ? {} : { exitCode: code };
}

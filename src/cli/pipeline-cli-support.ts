import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { resolveParams, parseParamAssignments } from '../core/pipelines/param-overrides.js';
import { formatIssue, formatIssueLocation, isPipelineDefinitionError, type PipelineIssue } from '../core/pipelines/pipeline-issues.js';
import type { PipelineDefinition } from '../core/pipelines/pipeline-model.js';
import { loadPipelineFile, YAML_EXTENSIONS, type LoadedPipeline } from '../pipelines/load-pipeline-file.js';
import { pipelineIssues, SlipwayApiError, SlipwayClient, type UpsertPipelineOptions } from '../sdk/index.js';
import { SLIPWAY_VERSION } from '../server/version.js';
import { reportFailure, type ClientOptions, type CommandOutput } from './client-support.js';

/**
 * What `slipway pipelines`, `slipway run` and `slipway executions` share: loading a
 * pipeline file for upload, checking `-p` params before anything is sent, and reporting
 * failures — definition problems one per line, compiler style (`pipeline.yaml:6:22: …`).
 *
 * Exit status: 0 on success; 1 when the file is not a valid pipeline, the server refuses
 * the request or cannot be reached, or a watched execution did not succeed; 2 for usage
 * errors (bad options, `-p` values the pipeline does not take).
 * @module
 */

/** `-p` assignments the pipeline refuses: a usage error (exit 2), each problem naming its `-p`. */
export class ParamsError extends Error {
  override name = 'ParamsError';
  readonly lines: readonly string[];

  constructor(lines: readonly string[]) {
    super(lines.join('\n'));
    this.lines = lines;
  }
}

/** A client built from the command's `--tracking-uri` and `--actor`. */
export function clientFor(command: Command): SlipwayClient {
  const options = command.optsWithGlobals<ClientOptions>();
  return new SlipwayClient({ trackingUri: options.trackingUri, actor: options.actor, userAgent: `slipway-cli/${SLIPWAY_VERSION}` });
}

/** As `CommandOutput`, and the exit status a result calls for (e.g. 1 for a failed execution). */
export interface PipelineCommandOutput<T> extends CommandOutput<T> {
  readonly exitCode?: (result: T) => number;
}

/**
 * Runs a command's work, then prints `text(result)` or, with `--json`, `json(result)`.
 * Failures are reported by {@link reportPipelineFailure}.
 */
export async function runPipelineCommand<T>(
  command: Command,
  work: (client: SlipwayClient) => Promise<T>,
  output: PipelineCommandOutput<T>,
): Promise<void> {
  const options = command.optsWithGlobals<ClientOptions>();
  try {
    const result = await work(clientFor(command));
    process.stdout.write(options.json ? `${JSON.stringify(output.json(result), null, 2)}\n` : output.text(result));
    const code = output.exitCode?.(result) ?? 0;
    if (code !== 0) process.exitCode = code;
  } catch (e) {
    reportPipelineFailure(e);
  }
}

/**
 * Reports a failure on stderr and sets the exit status. Definition problems (found here or
 * by the server) are printed one per line, `slipway: pipeline.yaml:6:22: …`; refused `-p`
 * values as `slipway: -p n=abc: …` (exit 2); everything else as the other commands do.
 */
export function reportPipelineFailure(e: unknown): void {
  if (e instanceof ParamsError) {
    for (const line of e.lines) process.stderr.write(`slipway: ${line}\n`);
    process.exitCode = 2;
    return;
  }
  if (isPipelineDefinitionError(e)) {
    for (const issue of e.issues) process.stderr.write(`slipway: ${singleLine(formatIssue(issue))}\n`);
    process.exitCode = 1;
    return;
  }
  if (e instanceof SlipwayApiError) {
    const issues = pipelineIssues(e);
    if (issues.length > 0) {
      for (const issue of issues) process.stderr.write(`slipway: ${singleLine(formatIssue({ ...issue, segments: [] }))}\n`);
      process.exitCode = 1;
      return;
    }
    const lines = e.message.split('\n').filter((l) => l.trim() !== '');
    if (lines.length > 1) {
      process.stderr.write(`slipway: ${e.errorCode}: ${lines[0] ?? ''}\n`);
      for (const line of lines.slice(1)) process.stderr.write(`slipway: ${line}\n`);
      process.exitCode = 1;
      return;
    }
  }
  reportFailure(e);
}

/** A pipeline file loaded and validated here, and what to send to store it. */
export interface PipelineUpload {
  readonly loaded: LoadedPipeline;
  readonly upsert: UpsertPipelineOptions;
}

/**
 * Loads and validates a pipeline file here, first (a bad file fails before anything is
 * sent, with `file:line:col`), and prepares the upsert: YAML goes as its text (the server
 * keeps it, and places its own errors in it), TypeScript and JavaScript as the compiled
 * model. The code directory is the file's directory unless `codeDir` is given; either way
 * an absolute path.
 */
export async function preparePipelineUpload(file: string, codeDir?: string): Promise<PipelineUpload> {
  const loaded = await loadPipelineFile(file);
  const yaml = YAML_EXTENSIONS.includes(extname(file).toLowerCase());
  const upsert: UpsertPipelineOptions = {
    source: yaml ? await readFile(file, 'utf8') : loaded.definition,
    sourceFormat: yaml ? 'yaml' : 'typescript',
    fileName: file,
    codeDir: resolve(codeDir ?? dirname(file)),
  };
  return { loaded, upsert };
}

/**
 * Splits and checks `-p name=value` assignments against the definition (types, options,
 * unknown and missing params) before anything is sent. Returns them as strings, as the
 * API takes them; throws {@link ParamsError} naming each bad `-p`.
 */
export function checkParams(definition: PipelineDefinition, assignments: readonly string[]): Record<string, string> {
  let values: Record<string, string>;
  try {
    values = parseParamAssignments(assignments);
    resolveParams(definition, values);
  } catch (e) {
    if (isPipelineDefinitionError(e)) throw new ParamsError(e.issues.map((issue) => describeParamIssue(issue, assignments)));
    throw e;
  }
  return values;
}

/** `-p n=abc: param 'n' (int) must be an integer, not 'abc'`, or the message as it is. */
function describeParamIssue(issue: PipelineIssue, assignments: readonly string[]): string {
  const [root, key] = issue.segments;
  if (root === 'params' && typeof key === 'number') return `-p ${assignments[key] ?? ''}: ${issue.message}`;
  if (root === 'params' && typeof key === 'string') {
    const given = assignments.find((a) => a.slice(0, a.indexOf('=')).trim() === key);
    if (given !== undefined) return `-p ${given}: ${issue.message}`;
    if (/is required/.test(issue.message)) return `${issue.message}: add -p ${key}=<value>`;
  }
  return issue.path === '' ? issue.message : `${formatIssueLocation(issue)}: ${issue.message}`;
}

function singleLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

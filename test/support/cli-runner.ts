import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { expect } from 'vitest';
import { eventually } from './eventually.js';
import { CLI } from './server-process.js';

/**
 * Running the built CLI (`node dist/cli/main.js …`) as users run it, and reading what it
 * did: to completion, in the background (to signal it, or to act while it watches), or on
 * a pseudo-terminal.
 * @module
 */

/** How a `slipway` process ended and what it printed. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The variables the CLI reads; cleared so the machine's own settings do not leak in. */
export const CLEAN_ENV: Readonly<Record<string, string>> = {
  SLIPWAY_TRACKING_URI: '',
  MLFLOW_TRACKING_URI: '',
  SLIPWAY_ACTOR: '',
  MLFLOW_TRACKING_USERNAME: '',
  MLFLOW_TRACKING_PASSWORD: '',
  MLFLOW_TRACKING_TOKEN: '',
};

/** A clean environment in which the CLI talks to the server at `url` as `ci-bot` (plus `extra`). */
export function cliEnv(url: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...CLEAN_ENV, SLIPWAY_TRACKING_URI: url, SLIPWAY_ACTOR: 'ci-bot', ...extra };
}

/** A `slipway` process still running. */
export interface RunningCli {
  readonly child: ChildProcess;
  /** What it printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout matches `pattern` (fails after `timeoutMs`). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  readonly exited: Promise<CliResult>;
}

function track(child: ChildProcess): RunningCli {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<CliResult>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    async waitForOutput(pattern, timeoutMs = 20_000) {
      await eventually(() => pattern.test(stdout), timeoutMs, `${String(pattern)} in the output of ${child.spawnargs.join(' ')}:\n${stdout}${stderr}`);
    },
    exited,
  };
}

/** Starts `slipway <args>` (stdin: `input`, or none) and returns at once. */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, input?: string): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (input !== undefined) child.stdin?.end(input);
  return track(child);
}

/** Runs `slipway <args>` to completion (stdin: `input`, or none). */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<CliResult> {
  return spawnCli(args, env, input).exited;
}

/** util-linux's `script` runs a command on a pseudo-terminal: the only way to a TTY without a pty package. */
export const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;

/**
 * Starts `slipway <args>` on a pseudo-terminal (`columns` × `rows`) through `script`; its
 * stdout is everything the terminal showed, escape sequences included.
 */
export function spawnCliOnTerminal(args: readonly string[], env: NodeJS.ProcessEnv = {}, size = { columns: 100, rows: 30 }): RunningCli {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    env: { ...process.env, ...env, COLUMNS: String(size.columns), LINES: String(size.rows) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return track(child);
}

/** Expects exit 0 and nothing on stderr; returns stdout. */
export function ok(result: CliResult): string {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

/** Expects a failure: the exit status and exactly one line on stderr, nothing on stdout. Returns that line. */
export function failed(result: CliResult, code: number): string {
  expect(result.stdout).toBe('');
  expect(result.code).toBe(code);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  return result.stderr.trimEnd();
}

/** Expects success and returns stdout parsed as JSON. */
export function json<T>(result: CliResult): T {
  return JSON.parse(ok(result)) as T;
}

/** The execution id in `Execution <id> started, …` or `Execution <id> retries …` (what `--wait` prints first). */
export function watchedExecutionId(stdout: string): string {
  const m = /^Execution (\S+) (?:started|retries)/m.exec(stdout);
  if (m?.[1] === undefined) throw new Error(`no execution id in:\n${stdout}`);
  return m[1];
}

/** The progress lines of `--wait` output (those that start with a `hh:mm:ss` time), the time replaced by `T`. */
export function progressLines(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => /^\d\d:\d\d:\d\d /.test(l))
    .map((l) => `T ${l.slice(9)}`);
}

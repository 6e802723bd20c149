import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { REPO } from '../support/bench-paths.js';
import { startServerProcess, stopServerProcess, tail, type ServerProcess } from '../support/start-server-process.js';
import type { ProcessRss } from './process-rss.js';

export interface LoggedRun {
  /** Wall time from spawn to exit. */
  readonly seconds: number;
  /** Peak RSS of the process group, when `rss` was given. */
  readonly peakRssMb?: number | undefined;
  /** What the command printed (stdout and stderr). */
  readonly output: string;
}

/**
 * Runs a command to completion in its own process group, its stdout and stderr appended to
 * `logFile`; throws with the log's tail unless it exits 0. `rss` may attach a sampler.
 */
export async function runLogged(
  spec: { command: string; args: string[]; logFile: string; env?: NodeJS.ProcessEnv },
  what: string,
  rss?: (p: ServerProcess) => ProcessRss,
): Promise<LoggedRun> {
  const started = performance.now();
  const proc = startServerProcess({ command: spec.command, args: spec.args, cwd: REPO, logFile: spec.logFile, env: spec.env }, `could not spawn ${what}`);
  const sampler = rss?.(proc);
  const code = await new Promise<number | null>((resolve) => {
    if (proc.child.exitCode !== null) resolve(proc.child.exitCode);
    else proc.child.once('exit', (c) => resolve(c));
  });
  const seconds = (performance.now() - started) / 1000;
  sampler?.stop();
  await stopServerProcess(proc.child, what); // the group, should anything outlive the leader
  if (code !== 0) throw new Error(`${what} exited with ${code}; log:\n${tail(spec.logFile)}`);
  return { seconds, peakRssMb: sampler?.overallPeakMb(), output: readFileSync(spec.logFile, 'utf8') };
}

import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { REPO } from './bench-paths.js';

/** What a command prints (trimmed), or 'unknown' when it fails. */
export function commandOutput(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** `- Machine: …` for a results file: cores, CPU model, RAM, OS. */
export function machineLine(): string {
  const cpus = os.cpus();
  return `- Machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}`;
}

/** The checkout's commit (`git describe --always --dirty`). */
export function gitCommit(): string {
  return commandOutput('git', ['-C', REPO, 'describe', '--always', '--dirty']);
}

/** The 1/5/15-minute load averages, `a / b / c`. */
export function loadAverages(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' / ');
}

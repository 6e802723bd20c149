import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Executor, ProcessOutcome } from '../../src/core/ports/executor.js';
import { processAlive } from '../support/process-alive.js';

export interface ExecutorHarness {
  /** An executor allowing at least `maxConcurrent` processes at once. */
  create(options: { maxConcurrent: number }): Executor;
  skip?: string | undefined;
}

const alive = processAlive;

/**
 * Behaviour every {@link Executor} must show: exit codes, exactly the given environment and
 * working directory, output line by line, timeouts and cancellation that end the whole
 * process group (grandchildren included), and the concurrency limit.
 */
export function describeExecutorContract(name: string, harness: ExecutorHarness): void {
  describe.skipIf(harness.skip !== undefined)(`${name}: executor contract`, () => {
    let dir: string;
    let executor: Executor;
    beforeEach(() => {
      dir = realpathSync(mkdtempSync(join(tmpdir(), 'slipway-exec-')));
      executor = harness.create({ maxConcurrent: 2 });
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    const run = async (command: string, extra: { env?: Record<string, string>; timeoutMs?: number } = {}) => {
      const lines: [string, string][] = [];
      const handle = executor.start(
        { command, cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...extra.env }, timeoutMs: extra.timeoutMs },
        (stream, line) => lines.push([stream, line]),
      );
      const outcome = await handle.done;
      return { outcome, lines };
    };

    it('reports exit codes', async () => {
      expect((await run('exit 0')).outcome).toMatchObject({ exitCode: 0, timedOut: false, cancelled: false });
      expect((await run('exit 7')).outcome).toMatchObject({ exitCode: 7, signal: null });
    });

    it('runs in cwd with exactly the given environment', async () => {
      process.env.SLIPWAY_EXECUTOR_LEAK = 'leaked';
      try {
        const { lines } = await run('pwd; echo "a=$A"; echo "leak=${SLIPWAY_EXECUTOR_LEAK:-none}"', { env: { A: 'x y' } });
        expect(lines).toEqual([
          ['stdout', dir],
          ['stdout', 'a=x y'],
          ['stdout', 'leak=none'],
        ]);
      } finally {
        delete process.env.SLIPWAY_EXECUTOR_LEAK;
      }
    });

    it('streams stdout and stderr line by line, the last line without a newline too', async () => {
      const seen: string[] = [];
      const handle = executor.start({ command: 'echo one; sleep 0.3; echo two >&2; printf three', cwd: dir, env: {} }, (stream, line) =>
        seen.push(`${stream}:${line}`),
      );
      await new Promise((r) => setTimeout(r, 150));
      expect(seen).toEqual(['stdout:one']);
      await handle.done;
      expect(seen).toEqual(['stdout:one', 'stderr:two', 'stdout:three']);
    });

    it('ends the whole group on timeout and says so', async () => {
      const started = Date.now();
      const { outcome } = await run(`sleep 30 & echo $! > ${dir}/child; wait`, { timeoutMs: 300 });
      expect(outcome.timedOut).toBe(true);
      expect(outcome.cancelled).toBe(false);
      expect(Date.now() - started).toBeLessThan(5_000);
      const child = Number(readFileSync(join(dir, 'child'), 'utf8'));
      await waitUntil(() => !alive(child));
    });

    it('cancel kills grandchildren: every process of the group', async () => {
      const handle = executor.start(
        { command: `sh -c 'sleep 100 & echo $! > ${dir}/a; sleep 100 & echo $! > ${dir}/b; wait' & wait`, cwd: dir, env: { PATH: process.env.PATH ?? '' } },
        () => undefined,
      );
      await waitUntil(() => {
        try {
          return readFileSync(join(dir, 'a'), 'utf8') !== '' && readFileSync(join(dir, 'b'), 'utf8') !== '';
        } catch {
          return false;
        }
      });
      const pids = ['a', 'b'].map((f) => Number(readFileSync(join(dir, f), 'utf8')));
      expect(pids.every(alive)).toBe(true);
      handle.cancel();
      const outcome: ProcessOutcome = await handle.done;
      expect(outcome.cancelled).toBe(true);
      expect(outcome.exitCode === 0).toBe(false);
      await waitUntil(() => !pids.some(alive));
    });

    it('resolves with startError when the command cannot start', async () => {
      const handle = executor.start({ command: 'true', cwd: join(dir, 'missing'), env: {} }, () => undefined);
      const outcome = await handle.done;
      expect(outcome.startError).toBeDefined();
    });

    it('says when the concurrency limit is reached', async () => {
      expect(executor.hasCapacity()).toBe(true);
      const a = executor.start({ command: 'sleep 0.3', cwd: dir, env: {} }, () => undefined);
      const b = executor.start({ command: 'sleep 0.3', cwd: dir, env: {} }, () => undefined);
      expect(executor.runningCount()).toBe(2);
      expect(executor.hasCapacity()).toBe(false);
      await Promise.all([a.done, b.done]);
      expect(executor.hasCapacity()).toBe(true);
    });
  });
}

async function waitUntil(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

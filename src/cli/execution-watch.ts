import type { Execution, SlipwayClient } from '../sdk/index.js';
import { INITIAL_PROGRESS, liveFrame, progressLines, redraw, type ProgressState } from './pipelines-view.js';

/**
 * Watching an execution until it ends (`slipway run --wait`, `slipway executions retry
 * --wait`): on a terminal, a table of steps redrawn in place; otherwise (a pipe, a CI
 * log) one plain line per change. Ctrl-C detaches: the execution keeps running.
 * @module
 */

export interface WatchOptions {
  /** No progress at all (`--json`: only the final document is printed). */
  readonly quiet: boolean;
  /** Time between polls. */
  readonly intervalMs: number;
  /** Where progress goes (default `process.stdout`). */
  readonly out?: NodeJS.WriteStream | undefined;
}

/** How a watch ended: the execution as it finished, or as it was when Ctrl-C detached. */
export interface WatchResult {
  readonly execution: Execution;
  readonly detached: boolean;
}

/** Polls `execution` until it ends, showing progress; Ctrl-C stops watching (not the execution). */
export async function watchExecution(client: SlipwayClient, execution: Execution, options: WatchOptions): Promise<WatchResult> {
  const out = options.out ?? process.stdout;
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  let last = execution;
  const show = options.quiet ? undefined : out.isTTY ? liveView(out) : plainView(out);
  try {
    const done = await client.pipelines.waitForExecution(execution.execution_id, {
      intervalMs: options.intervalMs,
      signal: controller.signal,
      onUpdate: (e) => {
        last = e;
        show?.(e);
      },
    });
    return { execution: done, detached: false };
  } catch (e) {
    if (!controller.signal.aborted) throw e;
    const id = execution.execution_id;
    process.stderr.write(
      `\nslipway: stopped watching; execution ${id} keeps running.\n` +
        `  Watch it:  slipway executions show ${id}   (or: slipway executions logs ${id} -f)\n` +
        `  Cancel it: slipway executions cancel ${id}\n`,
    );
    return { execution: last, detached: true };
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

/** The step table, redrawn in place on each poll. */
function liveView(out: NodeJS.WriteStream): (e: Execution) => void {
  let height = 0;
  return (e) => {
    const lines = liveFrame(e, Date.now(), out.columns || 100, out.rows || 40);
    out.write(redraw(height, lines));
    height = lines.length;
  };
}

/** One line per change of status or attempt. */
function plainView(out: NodeJS.WriteStream): (e: Execution) => void {
  let state: ProgressState = INITIAL_PROGRESS;
  return (e) => {
    const next = progressLines(state, e, Date.now());
    state = next.state;
    if (next.lines.length > 0) out.write(`${next.lines.join('\n')}\n`);
  };
}

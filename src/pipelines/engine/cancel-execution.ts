/**
 * Cancelling an execution: a queued one ends at once; a running one becomes `cancelling`
 * and its running attempts are told to stop (the loop then ends it, see `advanceCancelling`).
 * @module
 */

import type { Execution } from '../../core/pipelines/execution-model.js';
import { ACTIVE_STATUSES } from './active-statuses.js';
import { commitTransition } from './commit-transition.js';
import type { EngineContext } from './engine-context.js';
import { toExecution } from './execution-view.js';
import { isTerminal } from './step-rows.js';

/** Cancels the execution, then waits a moment (at most 2 s) for it to say `cancelled`. */
export async function cancelExecution(ctx: EngineContext, executionId: string, actor: string): Promise<Execution> {
  await ctx.lock.run(async () => {
    const record = await ctx.deps.store.getExecution(executionId);
    const reason = `cancelled by ${actor || 'an anonymous user'}`;
    if (record.status === 'queued') {
      const now = ctx.now();
      await commitTransition(ctx, {
        executionId,
        expectStatus: ['queued'],
        execution: { status: 'cancelled', endedTime: now, reason },
        steps: record.steps.filter((s) => !isTerminal(s.status)).map((s) => ({ ...s, status: 'cancelled', endedTime: now, reason })),
      });
      await ctx.runs.endRun(record.runId, 'KILLED').catch(() => undefined);
      return;
    }
    if (record.status !== 'running') return;
    await commitTransition(ctx, { executionId, expectStatus: ['running'], execution: { status: 'cancelling', reason } });
    for (const running of ctx.running.values()) {
      if (running.executionId !== executionId) continue;
      running.control.cancelled = true;
      running.control.handle?.cancel();
    }
  });
  ctx.nudge();
  // Most steps end at once on SIGTERM: give the answer a moment to say `cancelled`.
  const until = Date.now() + 2_000;
  for (;;) {
    const record = await ctx.deps.store.getExecution(executionId);
    if (!ACTIVE_STATUSES.includes(record.status) || Date.now() > until || !ctx.started) return toExecution(record);
    await new Promise((r) => setTimeout(r, 50));
  }
}

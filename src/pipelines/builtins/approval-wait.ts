/**
 * How a `slipway/approval` step waits: without an executor slot (built-ins take none), it
 * looks at its request when this process records a decision (woken at once), every poll
 * interval (a decision recorded by another server process sharing the database), and
 * checks for a cancel or a shutdown between looks. When the deadline (on the engine's
 * clock) passes, it records `timed_out` itself — unless someone decided first.
 * @module
 */

import { SYSTEM_ACTOR, type ApprovalRequest } from '../../core/approvals/approval-request.js';
import type { ApprovalService } from '../../core/approvals/approval-service.js';
import { isSlipwayError } from '../../core/errors/slipway-error.js';
import type { BuiltinContext } from './builtin-context.js';

/** How often a waiting step checks for a cancel or a shutdown (cheap, in memory). */
const SLICE_MS = 100;
/** How often it reads its request from the store when not woken. */
export const DEFAULT_APPROVAL_POLL_MS = 2_000;

/** The decided request, or `stop` when the server is shutting down. A cancel closes the request (`cancelled`). */
export async function waitForDecision(context: BuiltinContext, approvals: ApprovalService, request: ApprovalRequest): Promise<ApprovalRequest | 'stop'> {
  const now = context.now ?? Date.now;
  const pollMs = context.pollIntervalMs ?? DEFAULT_APPROVAL_POLL_MS;
  let woken = false;
  let wake = (): void => undefined;
  const unwatch = approvals.watch(request.id, () => {
    woken = true;
    wake();
  });
  let failing = false;
  try {
    let current = request;
    let nextLook = Date.now() + pollMs;
    for (;;) {
      if (current.status !== 'pending') return current;
      const interruption = context.interruption?.();
      if (interruption === 'stop') return 'stop';
      if (interruption === 'cancel') {
        const closed = await decideUnlessDecided(approvals, current.id, { status: 'cancelled', actor: SYSTEM_ACTOR, comment: 'the execution was cancelled', time: now() });
        if (closed !== undefined) return closed;
        woken = true;
      } else if (current.deadline !== undefined && now() >= current.deadline) {
        const timedOut = await decideUnlessDecided(approvals, current.id, {
          status: 'timed_out',
          outcome: current.onTimeout,
          actor: SYSTEM_ACTOR,
          comment: `no decision by ${new Date(current.deadline).toISOString()}`,
          time: now(),
        });
        if (timedOut !== undefined) return timedOut;
        woken = true;
      }
      if (woken || Date.now() >= nextLook) {
        woken = false;
        nextLook = Date.now() + pollMs;
        try {
          current = await approvals.get(current.id);
          if (failing) context.log('the approval store answers again');
          failing = false;
        } catch (e) {
          // A database hiccup must not fail a wait that can last days: say so once, keep waiting.
          if (!failing) context.log(`cannot read approval request ${current.id} (still waiting): ${e instanceof Error ? e.message : String(e)}`);
          failing = true;
        }
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, SLICE_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = () => undefined;
    }
  } finally {
    unwatch();
  }
}

/** Records a decision Slipway makes; `undefined` when someone decided first (the caller reads theirs). */
async function decideUnlessDecided(approvals: ApprovalService, id: string, decision: Parameters<ApprovalService['record']>[1]): Promise<ApprovalRequest | undefined> {
  try {
    return await approvals.record(id, decision);
  } catch (e) {
    if (isSlipwayError(e) && e.code === 'RESOURCE_CONFLICT') return undefined;
    throw e;
  }
}

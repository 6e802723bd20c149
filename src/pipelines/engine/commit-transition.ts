import type { Transition } from '../../core/ports/pipeline-store.js';
import type { EngineContext } from './engine-context.js';

/**
 * Writes one transition (one transaction) and applies it to the engine's in-memory copy
 * of the execution (write-through). A failed write — a RESOURCE_CONFLICT from
 * `expectStatus` because someone else changed the execution, or an error whose outcome is
 * unknown — drops the copy, so the next read comes from the store.
 */
export async function commitTransition(ctx: EngineContext, transition: Transition): Promise<void> {
  let revision: number;
  try {
    revision = await ctx.deps.store.applyTransition(transition);
  } catch (e) {
    ctx.active.drop(transition.executionId);
    throw e;
  }
  ctx.active.applied(transition, revision);
}

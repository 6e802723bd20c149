import type { TriggerStore } from '../core/ports/trigger-store.js';
import { fillEventPlaceholders } from '../core/triggers/event-placeholders.js';
import type { Trigger, TriggerEvent, TriggerOutcome } from '../core/triggers/trigger.js';
import type { MatchedEvent, StartExecution } from './trigger-context.js';

/** The longest execution trigger detail stored. */
const MAX_DETAIL = 500;

/**
 * Starts the trigger's pipeline for a matched event and records the event. The event is
 * claimed (inserted, failed until proven otherwise) *before* the execution is started, and
 * the claim is unique per (trigger, dedup key): of two servers hearing the same event,
 * one starts an execution and the other finds the claim taken and does nothing (returns
 * undefined). A process that dies between the claim and the start leaves the event
 * recorded as failed ("interrupted"), not started twice.
 */
export async function fireTrigger(
  deps: { readonly store: TriggerStore; readonly startExecution: StartExecution; readonly now: () => number },
  trigger: Trigger,
  event: MatchedEvent,
): Promise<TriggerEvent | undefined> {
  const base: TriggerEvent = {
    eventId: crypto.randomUUID(),
    triggerName: trigger.name,
    time: deps.now(),
    summary: event.summary,
    outcome: 'failed',
    reason: 'interrupted before the execution was started',
  };
  if (!trigger.enabled) return recordOnce(deps.store, { ...base, outcome: 'ignored', reason: 'the trigger is disabled' }, event.dedupKey);
  const claimed = event.dedupKey === undefined ? (await deps.store.recordEvent(base), true) : await deps.store.claimEvent(base, event.dedupKey);
  if (!claimed) return undefined;
  let outcome: TriggerOutcome;
  let reason: string | undefined;
  let executionId: string | undefined;
  try {
    const params: Record<string, string> = {};
    for (const [name, template] of Object.entries(trigger.params)) params[name] = fillEventPlaceholders(template, event.context);
    const detail = `${trigger.name}: ${event.description}`;
    const execution = await deps.startExecution(trigger.pipelineName, { ...event.extraParams, ...params }, {
      type: 'event',
      detail: detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL - 1)}…` : detail,
    });
    executionId = execution.executionId;
    outcome = 'started';
    reason = undefined;
  } catch (e) {
    outcome = 'failed';
    reason = e instanceof Error ? e.message : String(e);
  }
  if (executionId !== undefined && event.afterStart !== undefined) {
    try {
      await event.afterStart(executionId);
    } catch (e) {
      reason = `started, but: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  await deps.store.completeEvent(base.eventId, outcome, reason, executionId);
  return { ...base, outcome, reason, executionId };
}

/** Records an event that starts nothing (once per dedup key when there is one). */
export async function recordOnce(store: TriggerStore, event: TriggerEvent, dedupKey: string | undefined): Promise<TriggerEvent | undefined> {
  if (dedupKey === undefined) {
    await store.recordEvent(event);
    return event;
  }
  return (await store.claimEvent(event, dedupKey)) ? event : undefined;
}

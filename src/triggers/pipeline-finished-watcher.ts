import { configText, type Trigger } from '../core/triggers/trigger.js';
import { recordOnce } from './fire-trigger.js';
import type { MatchedEvent, TriggerServiceDeps } from './trigger-context.js';

/**
 * How far before its cursor a poll looks again: end times are written by the engine with
 * its own clock, and a slow transaction can commit an earlier end after a later one. The
 * per-(trigger, execution) claim keeps the overlap from firing twice.
 */
const LOOKBACK_MS = 60_000;
const BATCH = 200;

/** The persisted state of a `pipeline` trigger: executions that ended before `since` are behind it. */
interface FinishedState {
  readonly since: number;
}

/**
 * Fires `pipeline` triggers when an execution of the watched pipeline ends with one of the
 * listed statuses (`succeeded` by default), by polling the finished executions past a
 * persisted cursor (the engine is not asked to call anyone). Ends with another status are
 * recorded as ignored.
 */
export class PipelineFinishedWatcher {
  constructor(
    private readonly deps: TriggerServiceDeps,
    private readonly now: () => number,
    private readonly fire: (trigger: Trigger, event: MatchedEvent) => Promise<unknown>,
  ) {}

  async poll(): Promise<void> {
    for (const trigger of await this.deps.store.triggersOfType('pipeline')) await this.#check(trigger);
  }

  async #check(trigger: Trigger): Promise<void> {
    const { state, revision } = await this.deps.store.readState(trigger.name);
    const since = (state as FinishedState | undefined)?.since ?? trigger.createdTime;
    const upstream = configText(trigger.config, 'pipeline');
    const statuses = (trigger.config.status as readonly string[] | undefined) ?? ['succeeded'];
    const finished = await this.deps.store.finishedExecutions([upstream], Math.max(trigger.createdTime, since - LOOKBACK_MS), BATCH);
    let last = since;
    for (const execution of finished) {
      last = Math.max(last, execution.endedTime);
      const summary = { pipeline: execution.pipelineName, execution_id: execution.executionId, status: execution.status };
      const dedupKey = `execution:${execution.executionId}`;
      if (!statuses.includes(execution.status)) {
        await recordOnce(
          this.deps.store,
          { eventId: crypto.randomUUID(), triggerName: trigger.name, time: this.now(), summary, outcome: 'ignored', reason: `${upstream} ${execution.status}; this trigger starts on ${statuses.join(' or ')}` },
          dedupKey,
        );
        continue;
      }
      await this.fire(trigger, {
        summary,
        description: `${upstream} ${execution.status} (${execution.executionId})`,
        context: { pipeline: upstream, execution_id: execution.executionId, status: execution.status },
        dedupKey,
      });
    }
    if (last !== since || state === undefined) await this.deps.store.compareAndSetState(trigger.name, revision, { since: last });
  }
}

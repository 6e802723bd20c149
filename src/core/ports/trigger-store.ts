import type { JsonValue } from '../pipelines/pipeline-model.js';
import type { Trigger, TriggerEvent, TriggerOutcome, TriggerSource, TriggerType } from '../triggers/trigger.js';
import type { Page, Paging } from './tracking-store.js';

/**
 * Event triggers, the history of the events they heard, and the small persisted state
 * their watchers need so that a restart neither loses nor repeats an event.
 *
 * Implementer's notes — every adapter must keep these invariants (checked by
 * `test/contract/trigger-store.contract.ts`):
 * - Trigger names are unique: creating an existing one → RESOURCE_ALREADY_EXISTS; unknown
 *   names → RESOURCE_DOES_NOT_EXIST. Secrets are write-only: only {@link getTriggerSecret}
 *   returns one.
 * - `claimEvent` inserts the event only if no event of the same trigger has the same
 *   `dedupKey` (a GitHub delivery id, a registry change id, an upstream execution id); it
 *   returns false otherwise and writes nothing. This is what makes two servers on one
 *   database start one execution per event.
 * - `compareAndSetState` replaces a trigger's state only when its revision is still the
 *   one the caller read, and then increments the revision.
 * - Deleting a trigger deletes its events.
 */
export interface TriggerStore {
  createTrigger(input: NewTrigger): Promise<Trigger>;
  getTrigger(name: string): Promise<Trigger>;
  /** By name. */
  listTriggers(query: ListTriggersQuery): Promise<Page<Trigger>>;
  /** Every trigger of one type (the watchers read them each poll). */
  triggersOfType(type: TriggerType): Promise<Trigger[]>;
  /** Replaces the definition of an existing trigger (keeps its events and state unless `resetState`). */
  replaceTrigger(input: NewTrigger, options?: { readonly resetState?: boolean }): Promise<Trigger>;
  setEnabled(name: string, enabled: boolean): Promise<Trigger>;
  deleteTrigger(name: string): Promise<void>;
  getTriggerSecret(name: string): Promise<string | undefined>;

  /** The watcher state (undefined before the first write) and its revision. */
  readState(name: string): Promise<{ readonly state: JsonValue | undefined; readonly revision: number }>;
  compareAndSetState(name: string, fromRevision: number, state: JsonValue): Promise<boolean>;

  /** See the notes above; `event.eventId` is the caller's. */
  claimEvent(event: TriggerEvent, dedupKey: string): Promise<boolean>;
  recordEvent(event: TriggerEvent): Promise<void>;
  /** Sets the outcome of a claimed event once the start was tried. */
  completeEvent(eventId: string, outcome: TriggerOutcome, reason: string | undefined, executionId: string | undefined): Promise<void>;
  /** Newest first. */
  listEvents(triggerName: string, paging: Paging): Promise<Page<TriggerEvent>>;

  /**
   * The registry change-log cursor of `consumer` (shared with the webhook dispatcher's
   * table; a new consumer starts at the end of the log), and its conditional move: only
   * from `from`, returning whether it moved.
   */
  readChangeCursor(consumer: string): Promise<number>;
  moveChangeCursor(consumer: string, from: number, to: number): Promise<boolean>;

  /**
   * Executions of `pipelineNames` that ended (succeeded or failed) at or after
   * `endedSince`, oldest end first (for the pipeline-finished watcher).
   */
  finishedExecutions(pipelineNames: readonly string[], endedSince: number, limit: number): Promise<FinishedExecution[]>;
}

export interface NewTrigger {
  readonly name: string;
  readonly pipelineName: string;
  readonly type: TriggerType;
  readonly config: Readonly<Record<string, JsonValue>>;
  readonly params: Readonly<Record<string, string>>;
  readonly enabled: boolean;
  readonly source: TriggerSource;
  /** An API-created webhook trigger's own secret value. */
  readonly secret?: string | undefined;
  /** The watcher's initial state (a baseline taken at creation). */
  readonly state?: JsonValue | undefined;
  readonly createdTime: number;
}

export interface ListTriggersQuery extends Paging {
  readonly pipelineName?: string | undefined;
  readonly source?: TriggerSource | undefined;
}

export interface FinishedExecution {
  readonly executionId: string;
  readonly pipelineName: string;
  readonly status: 'succeeded' | 'failed';
  readonly endedTime: number;
}

import type { JsonValue } from '../core/pipelines/pipeline-model.js';
import type { Page, Paging } from '../core/ports/tracking-store.js';
import type { FinishedExecution, ListTriggersQuery, NewTrigger, TriggerStore } from '../core/ports/trigger-store.js';
import type { Trigger, TriggerEvent, TriggerOutcome, TriggerType } from '../core/triggers/trigger.js';
import { moveCursor, readCursor } from './change-log-cursors.js';
import { migrateToLatest } from './migrate-to-latest.js';
import type { SqlDatabase } from './sql-database.js';
import * as events from './triggers/trigger-event-queries.js';
import * as triggers from './triggers/trigger-queries.js';

export interface SqlTriggerStoreOptions {
  /** Milliseconds since the epoch. @default Date.now */
  readonly clock?: () => number;
}

/** {@link TriggerStore} over SQLite or PostgreSQL, in the same database as the pipelines. */
export class SqlTriggerStore implements TriggerStore {
  readonly #database: SqlDatabase;
  readonly #now: () => number;

  private constructor(database: SqlDatabase, options: SqlTriggerStoreOptions) {
    this.#database = database;
    this.#now = options.clock ?? Date.now;
  }

  /** Migrates the database to the latest schema (a no-op when another store already did). */
  static async open(database: SqlDatabase, options: SqlTriggerStoreOptions = {}): Promise<SqlTriggerStore> {
    await migrateToLatest(database);
    return new SqlTriggerStore(database, options);
  }

  get #db() {
    return this.#database.db;
  }

  createTrigger(input: NewTrigger): Promise<Trigger> {
    return triggers.insertTrigger(this.#db, input);
  }
  getTrigger(name: string): Promise<Trigger> {
    return triggers.fetchTrigger(this.#db, name);
  }
  listTriggers(query: ListTriggersQuery): Promise<Page<Trigger>> {
    return triggers.listTriggers(this.#db, query);
  }
  triggersOfType(type: TriggerType): Promise<Trigger[]> {
    return triggers.triggersOfType(this.#db, type);
  }
  replaceTrigger(input: NewTrigger, options?: { readonly resetState?: boolean }): Promise<Trigger> {
    return triggers.replaceTrigger(this.#db, { ...input, createdTime: this.#now() }, options?.resetState ?? false);
  }
  setEnabled(name: string, enabled: boolean): Promise<Trigger> {
    return triggers.setEnabled(this.#db, name, enabled, this.#now());
  }
  deleteTrigger(name: string): Promise<void> {
    return triggers.removeTrigger(this.#db, name);
  }
  getTriggerSecret(name: string): Promise<string | undefined> {
    return triggers.fetchSecret(this.#db, name);
  }
  readState(name: string): Promise<{ readonly state: JsonValue | undefined; readonly revision: number }> {
    return triggers.readState(this.#db, name);
  }
  compareAndSetState(name: string, fromRevision: number, state: JsonValue): Promise<boolean> {
    return triggers.compareAndSetState(this.#db, name, fromRevision, state);
  }
  claimEvent(event: TriggerEvent, dedupKey: string): Promise<boolean> {
    return events.claimEvent(this.#db, event, dedupKey);
  }
  async recordEvent(event: TriggerEvent): Promise<void> {
    await events.claimEvent(this.#db, event, null);
  }
  completeEvent(eventId: string, outcome: TriggerOutcome, reason: string | undefined, executionId: string | undefined): Promise<void> {
    return events.completeEvent(this.#db, eventId, outcome, reason, executionId);
  }
  listEvents(triggerName: string, paging: Paging): Promise<Page<TriggerEvent>> {
    return events.listEvents(this.#db, triggerName, paging);
  }
  readChangeCursor(consumer: string): Promise<number> {
    return readCursor(this.#db, consumer, this.#now());
  }
  moveChangeCursor(consumer: string, from: number, to: number): Promise<boolean> {
    return moveCursor(this.#db, consumer, from, to, this.#now());
  }
  finishedExecutions(pipelineNames: readonly string[], endedSince: number, limit: number): Promise<FinishedExecution[]> {
    return events.finishedExecutions(this.#db, pipelineNames, endedSince, limit);
  }
}

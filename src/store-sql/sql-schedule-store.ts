import type { FirePatch, ScheduleListQuery, ScheduleStore } from '../core/ports/schedule-store.js';
import type { Page, Paging } from '../core/ports/tracking-store.js';
import type { FireStatus, Schedule, ScheduleFire } from '../core/schedules/schedule.js';
import { migrateToLatest } from './migrate-to-latest.js';
import * as schedules from './schedules/schedule-queries.js';
import type { SqlDatabase } from './sql-database.js';

/** {@link ScheduleStore} over SQLite or PostgreSQL, in the same database as the pipelines. */
export class SqlScheduleStore implements ScheduleStore {
  readonly #database: SqlDatabase;

  private constructor(database: SqlDatabase) {
    this.#database = database;
  }

  /** Migrates the database to the latest schema (a no-op when another store already did). */
  static async open(database: SqlDatabase): Promise<SqlScheduleStore> {
    await migrateToLatest(database);
    return new SqlScheduleStore(database);
  }

  get #db() {
    return this.#database.db;
  }

  createSchedule(schedule: Schedule): Promise<Schedule> {
    return schedules.insertSchedule(this.#db, schedule);
  }
  getSchedule(scheduleId: string): Promise<Schedule> {
    return schedules.fetchSchedule(this.#db, scheduleId);
  }
  listSchedules(query: ScheduleListQuery): Promise<Page<Schedule>> {
    return schedules.listSchedules(this.#db, query);
  }
  listActiveSchedules(): Promise<Schedule[]> {
    return schedules.activeSchedules(this.#db);
  }
  setPaused(scheduleId: string, paused: boolean, now: number, cursorTime?: number): Promise<Schedule> {
    return schedules.setPaused(this.#db, scheduleId, paused, now, cursorTime);
  }
  deleteSchedule(scheduleId: string): Promise<void> {
    return schedules.removeSchedule(this.#db, scheduleId);
  }
  syncPipelineSchedules(pipelineName: string, list: readonly Schedule[]): Promise<{ added: string[]; removed: string[] }> {
    return schedules.syncPipelineSchedules(this.#db, pipelineName, list);
  }
  claimFire(fire: ScheduleFire): Promise<boolean> {
    return schedules.claimFire(this.#db, fire);
  }
  updateFire(scheduleId: string, dueTime: number, patch: FirePatch, expectStatus?: FireStatus): Promise<boolean> {
    return schedules.updateFire(this.#db, scheduleId, dueTime, patch, expectStatus);
  }
  getFire(scheduleId: string, dueTime: number): Promise<ScheduleFire | undefined> {
    return schedules.fetchFire(this.#db, scheduleId, dueTime);
  }
  listFires(scheduleId: string, paging: Paging): Promise<Page<ScheduleFire>> {
    return schedules.listFires(this.#db, scheduleId, paging);
  }
  listFiresByStatus(status: FireStatus): Promise<ScheduleFire[]> {
    return schedules.firesByStatus(this.#db, status);
  }
  lastStartedFire(scheduleId: string): Promise<ScheduleFire | undefined> {
    return schedules.lastStartedFire(this.#db, scheduleId);
  }
}

import type { FireStatus, Schedule, ScheduleFire } from '../schedules/schedule.js';
import type { Page, Paging } from './tracking-store.js';

/**
 * The schedule store port: schedules and one fire record per due time.
 *
 * Implementer's notes (checked by `test/contract/schedule-store.contract.ts`):
 * - `claimFire` inserts the fire record and moves the schedule's cursor to its due time
 *   (never backwards) in one transaction; when a record for `(scheduleId, dueTime)`
 *   exists already it writes nothing and returns false. The unique key is what lets only
 *   one server fire a due time.
 * - `updateFire` with `expectStatus` changes the record only while it has that status and
 *   says whether it did.
 * - `syncPipelineSchedules` replaces a pipeline's `pipeline`-sourced schedules in one
 *   transaction: it keeps those whose id is in the new list (their cursor and paused state
 *   too), adds the new ones and deletes the rest with their fire records. `api` schedules
 *   are never touched by it.
 * - Deleting a schedule deletes its fire records. Unknown ids → RESOURCE_DOES_NOT_EXIST.
 * - Lists: schedules by pipeline name then creation; fires newest first.
 */
export interface ScheduleStore {
  createSchedule(schedule: Schedule): Promise<Schedule>;
  getSchedule(scheduleId: string): Promise<Schedule>;
  listSchedules(query: ScheduleListQuery): Promise<Page<Schedule>>;
  /** Every schedule that is not paused. */
  listActiveSchedules(): Promise<Schedule[]>;
  /** Pauses or resumes; `cursorTime` (on resume) moves the cursor so paused time is not fired. */
  setPaused(scheduleId: string, paused: boolean, now: number, cursorTime?: number): Promise<Schedule>;
  deleteSchedule(scheduleId: string): Promise<void>;
  syncPipelineSchedules(pipelineName: string, schedules: readonly Schedule[]): Promise<{ added: string[]; removed: string[] }>;

  claimFire(fire: ScheduleFire): Promise<boolean>;
  updateFire(scheduleId: string, dueTime: number, patch: FirePatch, expectStatus?: FireStatus): Promise<boolean>;
  getFire(scheduleId: string, dueTime: number): Promise<ScheduleFire | undefined>;
  /** Newest first. */
  listFires(scheduleId: string, paging: Paging): Promise<Page<ScheduleFire>>;
  /** Fires in this status across every schedule, oldest due time first. */
  listFiresByStatus(status: FireStatus): Promise<ScheduleFire[]>;
  /** The newest fire of the schedule that has an execution. */
  lastStartedFire(scheduleId: string): Promise<ScheduleFire | undefined>;
}

export interface ScheduleListQuery extends Paging {
  readonly pipelineName?: string | undefined;
}

export interface FirePatch {
  readonly status: FireStatus;
  readonly reason?: string | undefined;
  readonly executionId?: string | undefined;
  readonly updatedTime: number;
}

import type { PageRequest, ResultPage } from '../pipelines/execution-model.js';
import type { ScheduleFire, ScheduleView } from './schedule.js';

/**
 * What the HTTP API, the SDK and the CLI can do with schedules. The scheduler
 * (`src/schedules/scheduler.ts`) implements it.
 */
export interface ScheduleOperations {
  /**
   * Creates an `api` schedule for a pipeline. Invalid cron, time zone, overlap, catch-up
   * or params → INVALID_PARAMETER_VALUE naming the field; unknown pipeline →
   * RESOURCE_DOES_NOT_EXIST. Nothing is written on error.
   */
  createSchedule(input: CreateScheduleInput, actor: string): Promise<ScheduleView>;
  /** By pipeline name, then creation time. */
  listSchedules(query: ListSchedulesQuery): Promise<ResultPage<ScheduleView>>;
  getSchedule(scheduleId: string, nextCount?: number): Promise<ScheduleView>;
  /** Idempotent. Due times while paused are not fired, not even after resuming. */
  pauseSchedule(scheduleId: string, actor: string): Promise<ScheduleView>;
  /** Idempotent; fire times from now on fire. */
  resumeSchedule(scheduleId: string, actor: string): Promise<ScheduleView>;
  /** Deletes an `api` schedule and its fire history; a `pipeline` one is refused (RESOURCE_CONFLICT): remove it from the pipeline. */
  deleteSchedule(scheduleId: string, actor: string): Promise<void>;
  /** The schedule's fire records, newest due time first. */
  listFires(scheduleId: string, query: PageRequest): Promise<ResultPage<ScheduleFire>>;
}

export interface CreateScheduleInput {
  readonly pipelineName: string;
  readonly cron: string;
  /** Default UTC. */
  readonly timezone?: string | undefined;
  readonly params?: Readonly<Record<string, string | number | boolean>> | undefined;
  /** Default `skip`. */
  readonly overlap?: string | undefined;
  /** A duration (`6h`, `P1D`), a number of seconds, or `0`/`false` for none. Default 1h. */
  readonly catchUp?: string | number | boolean | undefined;
}

export interface ListSchedulesQuery extends PageRequest {
  readonly pipelineName?: string | undefined;
  /** How many next fire times each schedule shows (default 3, at most 20). */
  readonly nextCount?: number | undefined;
}

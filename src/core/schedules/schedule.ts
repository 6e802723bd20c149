/**
 * A schedule: a cron expression in a time zone that starts executions of one pipeline,
 * with fixed param overrides, an overlap policy and a catch-up window. Schedules come from
 * a pipeline's `on: schedule:` (source `pipeline`: they follow the pipeline's latest
 * version) or from the API and CLI (source `api`: independent of the pipeline's versions).
 *
 * Every due time of a schedule gets one fire record, keyed by `(scheduleId, dueTime)`:
 * that key is what makes a due time fire once even with several servers on one database.
 * @module
 */

import type { OverlapPolicy, ParamValue } from '../pipelines/pipeline-model.js';

export const SCHEDULE_SOURCES = ['pipeline', 'api'] as const;
export type ScheduleSource = (typeof SCHEDULE_SOURCES)[number];

export interface Schedule {
  readonly scheduleId: string;
  readonly pipelineName: string;
  readonly source: ScheduleSource;
  readonly cron: string;
  /** IANA zone the cron expression is read in. */
  readonly timezone: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly overlap: OverlapPolicy;
  readonly catchUpSeconds: number;
  readonly paused: boolean;
  /**
   * Every due time up to and including this one has a fire record (ms since the epoch).
   * New and resumed schedules start at the time they were created or resumed, so they do
   * not fire for the past.
   */
  readonly cursorTime: number;
  readonly createdTime: number;
  readonly updatedTime: number;
  readonly createdBy: string;
}

/**
 * What happened at one due time:
 * - `pending`: claimed by the scheduler, the execution is being started (a crash here is
 *   finished by the next leader: it links the execution if it exists, else starts it);
 * - `fired`: an execution was started (`executionId`);
 * - `skipped`: overlap `skip` and the previous execution was still active (`reason`);
 * - `queued`: overlap `queue`; starts when the previous execution ends;
 * - `missed`: the due time passed while no server was running, outside the catch-up window;
 * - `failed`: the execution could not be started (the reason says why, e.g. a param the
 *   pipeline no longer has).
 */
export const FIRE_STATUSES = ['pending', 'fired', 'skipped', 'queued', 'missed', 'failed'] as const;
export type FireStatus = (typeof FIRE_STATUSES)[number];

export interface ScheduleFire {
  readonly scheduleId: string;
  /** The due time (ms since the epoch). */
  readonly dueTime: number;
  readonly status: FireStatus;
  readonly reason?: string | undefined;
  readonly executionId?: string | undefined;
  /** The server (scheduler holder id) that recorded it. */
  readonly holder: string;
  readonly recordedTime: number;
  readonly updatedTime: number;
}

/** A schedule as the API shows it: with its next fire times (none while paused). */
export interface ScheduleView extends Schedule {
  readonly nextFireTimes: readonly number[];
}

/** The `detail` of an execution's `schedule` trigger: `<schedule id> <cron> @ <due ISO time>`. */
export function scheduleTriggerDetail(schedule: Pick<Schedule, 'scheduleId' | 'cron'>, dueTime: number): string {
  return `${schedule.scheduleId} ${schedule.cron} @ ${new Date(dueTime).toISOString()}`;
}

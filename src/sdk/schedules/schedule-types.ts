/** A schedule as the API returns it (see docs/schedules.md). Times are ms since the epoch. */
export interface Schedule {
  readonly schedule_id: string;
  readonly pipeline: string;
  /** `pipeline`: from the pipeline's `on: schedule:`; `api`: created through the API or CLI. */
  readonly source: 'pipeline' | 'api';
  readonly cron: string;
  readonly timezone: string;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly overlap: 'skip' | 'queue' | 'allow';
  readonly catch_up_seconds: number;
  readonly paused: boolean;
  /** The next fire times (none while paused). */
  readonly next_fire_times: readonly number[];
  readonly cursor_time: number;
  readonly created_time: number;
  readonly updated_time: number;
  readonly created_by: string;
}

export type FireStatus = 'pending' | 'fired' | 'skipped' | 'queued' | 'missed' | 'failed';

/** What happened at one due time of a schedule. */
export interface ScheduleFire {
  readonly schedule_id: string;
  readonly due_time: number;
  readonly status: FireStatus;
  readonly reason?: string;
  readonly execution_id?: string;
  /** The server that recorded it. */
  readonly holder: string;
  readonly recorded_time: number;
  readonly updated_time: number;
}

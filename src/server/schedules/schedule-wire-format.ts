import type { ScheduleFire, ScheduleView } from '../../core/schedules/schedule.js';
import type { Wire } from '../mlflow/wire-format.js';

/**
 * Schedules and their fire records as Slipway's API sends them: snake_case, times in
 * milliseconds since the epoch, `next_fire_times` also as ISO strings in UTC (the CLI
 * shows them in the schedule's zone).
 * @module
 */

export function wireSchedule(s: ScheduleView): Wire {
  return {
    schedule_id: s.scheduleId,
    pipeline: s.pipelineName,
    source: s.source,
    cron: s.cron,
    timezone: s.timezone,
    params: s.params,
    overlap: s.overlap,
    catch_up_seconds: s.catchUpSeconds,
    paused: s.paused,
    next_fire_times: s.nextFireTimes,
    cursor_time: s.cursorTime,
    created_time: s.createdTime,
    updated_time: s.updatedTime,
    created_by: s.createdBy,
  };
}

export function wireFire(f: ScheduleFire): Wire {
  const out: Wire = {
    schedule_id: f.scheduleId,
    due_time: f.dueTime,
    status: f.status,
    holder: f.holder,
    recorded_time: f.recordedTime,
    updated_time: f.updatedTime,
  };
  if (f.reason !== undefined) out.reason = f.reason;
  if (f.executionId !== undefined) out.execution_id = f.executionId;
  return out;
}

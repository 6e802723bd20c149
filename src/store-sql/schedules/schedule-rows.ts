import type { Selectable } from 'kysely';
import type { OverlapPolicy, ParamValue } from '../../core/pipelines/pipeline-model.js';
import type { FireStatus, Schedule, ScheduleFire, ScheduleSource } from '../../core/schedules/schedule.js';
import type { ScheduleFiresTable, SchedulesTable } from '../database-schema.js';

/** Rows ↔ entities for schedules and their fire records. */

export function scheduleRow(s: Schedule): SchedulesTable {
  return {
    schedule_id: s.scheduleId,
    pipeline_name: s.pipelineName,
    source: s.source,
    cron: s.cron,
    timezone: s.timezone,
    params: JSON.stringify(s.params),
    overlap: s.overlap,
    catch_up_seconds: s.catchUpSeconds,
    paused: s.paused ? 1 : 0,
    cursor_time: s.cursorTime,
    created_time: s.createdTime,
    updated_time: s.updatedTime,
    created_by: s.createdBy,
  };
}

export function toSchedule(row: Selectable<SchedulesTable>): Schedule {
  return {
    scheduleId: row.schedule_id,
    pipelineName: row.pipeline_name,
    source: row.source as ScheduleSource,
    cron: row.cron,
    timezone: row.timezone,
    params: JSON.parse(row.params) as Record<string, ParamValue>,
    overlap: row.overlap as OverlapPolicy,
    catchUpSeconds: Number(row.catch_up_seconds),
    paused: Number(row.paused) === 1,
    cursorTime: Number(row.cursor_time),
    createdTime: Number(row.created_time),
    updatedTime: Number(row.updated_time),
    createdBy: row.created_by,
  };
}

export function fireRow(f: ScheduleFire): ScheduleFiresTable {
  return {
    schedule_id: f.scheduleId,
    due_time: f.dueTime,
    status: f.status,
    reason: f.reason ?? null,
    execution_id: f.executionId ?? null,
    holder: f.holder,
    recorded_time: f.recordedTime,
    updated_time: f.updatedTime,
  };
}

export function toFire(row: Selectable<ScheduleFiresTable>): ScheduleFire {
  return {
    scheduleId: row.schedule_id,
    dueTime: Number(row.due_time),
    status: row.status as FireStatus,
    ...(row.reason === null ? {} : { reason: row.reason }),
    ...(row.execution_id === null ? {} : { executionId: row.execution_id }),
    holder: row.holder,
    recordedTime: Number(row.recorded_time),
    updatedTime: Number(row.updated_time),
  };
}

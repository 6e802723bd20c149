import type { Kysely } from 'kysely';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { FirePatch, ScheduleListQuery } from '../../core/ports/schedule-store.js';
import type { Page } from '../../core/ports/tracking-store.js';
import type { FireStatus, Schedule, ScheduleFire } from '../../core/schedules/schedule.js';
import type { Database } from '../database-schema.js';
import { isUniqueViolation } from '../pipelines/unique-violation.js';
import { fireRow, scheduleRow, toFire, toSchedule } from './schedule-rows.js';

type Db = Kysely<Database>;

export async function insertSchedule(db: Db, schedule: Schedule): Promise<Schedule> {
  try {
    await db.insertInto('schedules').values(scheduleRow(schedule)).execute();
  } catch (e) {
    if (isUniqueViolation(e)) throw SlipwayError.alreadyExists(`Schedule '${schedule.scheduleId}' already exists.`);
    throw e;
  }
  return schedule;
}

export async function fetchSchedule(db: Db, id: string): Promise<Schedule> {
  const row = await db.selectFrom('schedules').selectAll().where('schedule_id', '=', id).executeTakeFirst();
  if (row === undefined) throw SlipwayError.notFound(`Schedule '${id}' does not exist.`);
  return toSchedule(row);
}

export async function listSchedules(db: Db, query: ScheduleListQuery): Promise<Page<Schedule>> {
  let q = db.selectFrom('schedules').selectAll();
  if (query.pipelineName !== undefined) q = q.where('pipeline_name', '=', query.pipelineName);
  const rows = await q
    .orderBy('pipeline_name')
    .orderBy('created_time')
    .orderBy('schedule_id')
    .limit(query.limit + 1)
    .offset(query.offset)
    .execute();
  return { items: rows.slice(0, query.limit).map(toSchedule), hasMore: rows.length > query.limit };
}

export async function activeSchedules(db: Db): Promise<Schedule[]> {
  const rows = await db.selectFrom('schedules').selectAll().where('paused', '=', 0).orderBy('schedule_id').execute();
  return rows.map(toSchedule);
}

export async function setPaused(db: Db, id: string, paused: boolean, now: number, cursorTime?: number): Promise<Schedule> {
  return db.transaction().execute(async (trx) => {
    await fetchSchedule(trx, id);
    await trx
      .updateTable('schedules')
      .set({ paused: paused ? 1 : 0, updated_time: now, ...(cursorTime === undefined ? {} : { cursor_time: cursorTime }) })
      .where('schedule_id', '=', id)
      .execute();
    return fetchSchedule(trx, id);
  });
}

export async function removeSchedule(db: Db, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await fetchSchedule(trx, id);
    // Fire records cascade; deleting them first keeps SQLite files without foreign keys right too.
    await trx.deleteFrom('schedule_fires').where('schedule_id', '=', id).execute();
    await trx.deleteFrom('schedules').where('schedule_id', '=', id).execute();
  });
}

export async function syncPipelineSchedules(db: Db, pipelineName: string, schedules: readonly Schedule[]): Promise<{ added: string[]; removed: string[] }> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('schedules')
      .select('schedule_id')
      .where('pipeline_name', '=', pipelineName)
      .where('source', '=', 'pipeline')
      .execute();
    const have = new Set(existing.map((r) => r.schedule_id));
    const want = new Set(schedules.map((s) => s.scheduleId));
    const removed = [...have].filter((id) => !want.has(id));
    if (removed.length > 0) {
      await trx.deleteFrom('schedule_fires').where('schedule_id', 'in', removed).execute();
      await trx.deleteFrom('schedules').where('schedule_id', 'in', removed).execute();
    }
    const added: string[] = [];
    for (const schedule of schedules) {
      if (have.has(schedule.scheduleId) || added.includes(schedule.scheduleId)) continue;
      await trx.insertInto('schedules').values(scheduleRow(schedule)).execute();
      added.push(schedule.scheduleId);
    }
    return { added, removed };
  });
}

export async function claimFire(db: Db, fire: ScheduleFire): Promise<boolean> {
  try {
    return await db.transaction().execute(async (trx) => {
      await trx.insertInto('schedule_fires').values(fireRow(fire)).execute();
      await trx
        .updateTable('schedules')
        .set({ cursor_time: fire.dueTime })
        .where('schedule_id', '=', fire.scheduleId)
        .where('cursor_time', '<', fire.dueTime)
        .execute();
      return true;
    });
  } catch (e) {
    if (isUniqueViolation(e)) return false;
    throw e;
  }
}

export async function updateFire(db: Db, scheduleId: string, dueTime: number, patch: FirePatch, expectStatus?: FireStatus): Promise<boolean> {
  let q = db
    .updateTable('schedule_fires')
    .set({
      status: patch.status,
      updated_time: patch.updatedTime,
      ...(patch.reason === undefined ? {} : { reason: patch.reason }),
      ...(patch.executionId === undefined ? {} : { execution_id: patch.executionId }),
    })
    .where('schedule_id', '=', scheduleId)
    .where('due_time', '=', dueTime);
  if (expectStatus !== undefined) q = q.where('status', '=', expectStatus);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function fetchFire(db: Db, scheduleId: string, dueTime: number): Promise<ScheduleFire | undefined> {
  const row = await db.selectFrom('schedule_fires').selectAll().where('schedule_id', '=', scheduleId).where('due_time', '=', dueTime).executeTakeFirst();
  return row === undefined ? undefined : toFire(row);
}

export async function listFires(db: Db, scheduleId: string, paging: { limit: number; offset: number }): Promise<Page<ScheduleFire>> {
  await fetchSchedule(db, scheduleId);
  const rows = await db
    .selectFrom('schedule_fires')
    .selectAll()
    .where('schedule_id', '=', scheduleId)
    .orderBy('due_time', 'desc')
    .limit(paging.limit + 1)
    .offset(paging.offset)
    .execute();
  return { items: rows.slice(0, paging.limit).map(toFire), hasMore: rows.length > paging.limit };
}

export async function firesByStatus(db: Db, status: FireStatus): Promise<ScheduleFire[]> {
  const rows = await db.selectFrom('schedule_fires').selectAll().where('status', '=', status).orderBy('due_time').orderBy('schedule_id').execute();
  return rows.map(toFire);
}

export async function lastStartedFire(db: Db, scheduleId: string): Promise<ScheduleFire | undefined> {
  const row = await db
    .selectFrom('schedule_fires')
    .selectAll()
    .where('schedule_id', '=', scheduleId)
    .where('execution_id', 'is not', null)
    .orderBy('due_time', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : toFire(row);
}

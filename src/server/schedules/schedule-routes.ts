import { Type } from '@sinclair/typebox';
import type { ScheduleOperations } from '../../core/schedules/schedule-operations.js';
import { Int64, Required } from '../http/proto-schema.js';
import { mlflowRoute, type MlflowRoute } from '../mlflow/mlflow-route.js';
import { withPageToken } from '../mlflow/wire-format.js';
import { wireFire, wireSchedule } from './schedule-wire-format.js';

const ScheduleId = Required(Type.String({ description: 'Schedule id.' }));
const PageFields = {
  max_results: Type.Optional(Int64('Page size: 1-1000 (default 100).')),
  page_token: Type.Optional(Type.String({ description: 'The next_page_token of the previous page.' })),
};
const Next = Type.Optional(Int64('How many next fire times to show (0-20, default 3).'));
const Params = Type.Unsafe<Record<string, string | number | boolean>>({
  type: 'object',
  additionalProperties: { type: ['string', 'number', 'boolean'] },
  description: 'Param overrides for every execution the schedule starts, type-checked against the pipeline.',
});
const CatchUp = Type.Unsafe<string | number | boolean>({
  type: ['string', 'number', 'boolean'],
  description: "Catch-up window after downtime: a duration ('6h', 'P1D'), seconds, or 0/false for none (default 1h).",
});

/**
 * Slipway's schedules API (`/api/slipway/v1/schedules`, mirrored under `/ajax-api`):
 * create, list (with next fire times), get, pause, resume, delete, and the fire history.
 * A bad cron expression, time zone, overlap, catch-up or param is 400
 * INVALID_PARAMETER_VALUE naming the field; an unknown pipeline is 404.
 */
export function scheduleRoutes(schedules: ScheduleOperations): MlflowRoute[] {
  return [
    mlflowRoute({
      methods: ['POST'],
      path: '/schedules',
      summary: 'Create a schedule that starts executions of a pipeline at cron times in a time zone',
      request: Type.Object({
        pipeline: Required(Type.String({ description: 'Pipeline name.' })),
        cron: Required(Type.String({ description: "Cron expression: five fields, or six with seconds first ('0 8 * * MON-FRI')." })),
        timezone: Type.Optional(Type.String({ description: 'IANA time zone (default UTC).' })),
        params: Type.Optional(Params),
        overlap: Type.Optional(Type.String({ description: 'When the previous execution is still active: skip (default), queue or allow.' })),
        catch_up: Type.Optional(CatchUp),
      }),
      handler: async (r, c) => {
        const schedule = await schedules.createSchedule(
          { pipelineName: r.pipeline, cron: r.cron, timezone: r.timezone, params: r.params, overlap: r.overlap, catchUp: r.catch_up },
          c.actor,
        );
        return { schedule: wireSchedule(schedule) };
      },
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/schedules',
      summary: 'List schedules (by pipeline) with their next fire times',
      request: Type.Object({ pipeline: Type.Optional(Type.String({ description: "Only this pipeline's schedules." })), next: Next, ...PageFields }),
      handler: async (r) => {
        const page = await schedules.listSchedules({
          pipelineName: r.pipeline === undefined || r.pipeline === '' ? undefined : r.pipeline,
          nextCount: r.next,
          maxResults: r.max_results,
          pageToken: r.page_token === '' ? undefined : r.page_token,
        });
        return withPageToken({ schedules: page.items.map(wireSchedule) }, page.nextPageToken);
      },
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/schedules/:schedule_id',
      summary: 'A schedule with its next fire times',
      request: Type.Object({ schedule_id: ScheduleId, next: Next }),
      handler: async (r) => ({ schedule: wireSchedule(await schedules.getSchedule(r.schedule_id, r.next)) }),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/schedules/:schedule_id/pause',
      summary: 'Pause a schedule: due times while paused are not fired',
      request: Type.Object({ schedule_id: ScheduleId }),
      handler: async (r, c) => ({ schedule: wireSchedule(await schedules.pauseSchedule(r.schedule_id, c.actor)) }),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/schedules/:schedule_id/resume',
      summary: 'Resume a paused schedule from now on',
      request: Type.Object({ schedule_id: ScheduleId }),
      handler: async (r, c) => ({ schedule: wireSchedule(await schedules.resumeSchedule(r.schedule_id, c.actor)) }),
    }),
    mlflowRoute({
      methods: ['DELETE'],
      path: '/schedules/:schedule_id',
      summary: "Delete an API-created schedule and its fire history (a pipeline's on.schedule entries are removed by changing the pipeline)",
      request: Type.Object({ schedule_id: ScheduleId }),
      handler: async (r, c) => {
        await schedules.deleteSchedule(r.schedule_id, c.actor);
        return {};
      },
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/schedules/:schedule_id/fires',
      summary: 'The fire history of a schedule, newest due time first: fired (with the execution), skipped, queued, missed or failed, with the reason',
      request: Type.Object({ schedule_id: ScheduleId, ...PageFields }),
      handler: async (r) => {
        const page = await schedules.listFires(r.schedule_id, { maxResults: r.max_results, pageToken: r.page_token === '' ? undefined : r.page_token });
        return withPageToken({ fires: page.items.map(wireFire) }, page.nextPageToken);
      },
    }),
  ];
}

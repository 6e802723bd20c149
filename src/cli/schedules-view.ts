import type { Schedule, ScheduleFire } from '../sdk/index.js';
import { formatTime, keyValueBlock } from './models-view.js';
import { formatTable } from './text-table.js';

/**
 * What `slipway schedules …` prints for people (scripts use `--json`). Next fire times are
 * shown in the schedule's own time zone (`2026-03-30 08:00 CEST`), since that is the zone
 * its cron expression is read in.
 * @module
 */

/** `2026-03-30 08:00:00 GMT+2` style: the wall-clock time in `zone`, with its offset. */
export function formatInZone(ms: number, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const seconds = get('second') === '00' ? '' : `:${get('second')}`;
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}${seconds} ${get('timeZoneName')}`;
}

function formatParams(params: Schedule['params']): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

export function renderScheduleList(schedules: readonly Schedule[]): string {
  if (schedules.length === 0) return 'No schedules.\n';
  return formatTable(
    [
      { header: 'SCHEDULE ID' },
      { header: 'PIPELINE', maxWidth: 40 },
      { header: 'CRON' },
      { header: 'TIMEZONE' },
      { header: 'SOURCE' },
      { header: 'STATE' },
      { header: 'OVERLAP' },
      { header: 'NEXT FIRE' },
      { header: 'PARAMS', maxWidth: 40 },
    ],
    schedules.map((s) => [
      s.schedule_id,
      s.pipeline,
      s.cron,
      s.timezone,
      s.source,
      s.paused ? 'paused' : 'active',
      s.overlap,
      s.next_fire_times[0] === undefined ? '-' : formatInZone(s.next_fire_times[0], s.timezone),
      formatParams(s.params),
    ]),
  );
}

export function renderScheduleDetail(s: Schedule): string {
  return keyValueBlock([
    ['Schedule ID', [s.schedule_id]],
    ['Pipeline', [s.pipeline]],
    ['Source', [s.source === 'pipeline' ? "pipeline (its on.schedule; change the pipeline to change it)" : 'api']],
    ['Cron', [s.cron]],
    ['Time zone', [s.timezone]],
    ['State', [s.paused ? 'paused' : 'active']],
    ['Overlap', [s.overlap]],
    ['Catch-up', [s.catch_up_seconds === 0 ? 'none' : `${s.catch_up_seconds}s`]],
    ['Params', [formatParams(s.params) || '-']],
    ['Next fire times', s.next_fire_times.length === 0 ? ['-'] : s.next_fire_times.map((t) => formatInZone(t, s.timezone))],
    ['Created', [`${formatTime(s.created_time)} by ${s.created_by}`]],
  ]);
}

export function renderFires(fires: readonly ScheduleFire[], zone: string): string {
  if (fires.length === 0) return 'No fires yet.\n';
  return formatTable(
    [{ header: 'DUE' }, { header: 'STATUS' }, { header: 'EXECUTION' }, { header: 'REASON', maxWidth: 70 }, { header: 'SERVER', maxWidth: 30 }],
    fires.map((f) => [formatInZone(f.due_time, zone), f.status, f.execution_id ?? '', f.reason ?? '', f.holder]),
  );
}

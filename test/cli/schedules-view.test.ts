import { describe, expect, it } from 'vitest';
import { formatInZone, renderFires, renderScheduleList } from '../../src/cli/schedules-view.js';
import type { Schedule } from '../../src/sdk/index.js';

const schedule = (extra: Partial<Schedule> = {}): Schedule => ({
  schedule_id: 'a-1',
  pipeline: 'retrain',
  source: 'api',
  cron: '0 8 * * MON-FRI',
  timezone: 'Europe/Berlin',
  params: { epochs: 50 },
  overlap: 'skip',
  catch_up_seconds: 3600,
  paused: false,
  next_fire_times: [Date.parse('2026-03-30T06:00:00Z')],
  cursor_time: 0,
  created_time: 0,
  updated_time: 0,
  created_by: 'alice',
  ...extra,
});

describe('schedules view', () => {
  it("shows times in the schedule's zone, with the offset in force then", () => {
    expect(formatInZone(Date.parse('2026-03-27T07:00:00Z'), 'Europe/Berlin')).toBe('2026-03-27 08:00 GMT+1');
    expect(formatInZone(Date.parse('2026-03-30T06:00:00Z'), 'Europe/Berlin')).toBe('2026-03-30 08:00 GMT+2');
    expect(formatInZone(Date.parse('2026-03-30T06:00:05Z'), 'UTC')).toBe('2026-03-30 06:00:05 UTC');
  });

  it('lists schedules with their next fire time, "-" when paused', () => {
    const text = renderScheduleList([schedule(), schedule({ schedule_id: 'p-2', source: 'pipeline', paused: true, next_fire_times: [], params: {} })]);
    const [header, first, second] = text.split('\n');
    expect(header).toMatch(/^SCHEDULE ID\s+PIPELINE\s+CRON\s+TIMEZONE\s+SOURCE\s+STATE\s+OVERLAP\s+NEXT FIRE\s+PARAMS/);
    expect(first).toMatch(/^a-1\s+retrain\s+0 8 \* \* MON-FRI\s+Europe\/Berlin\s+api\s+active\s+skip\s+2026-03-30 08:00 GMT\+2\s+epochs=50/);
    expect(second).toMatch(/^p-2\s+.*pipeline\s+paused\s+skip\s+-/);
    expect(renderScheduleList([])).toBe('No schedules.\n');
  });

  it('shows the fire history with status, execution and reason', () => {
    const text = renderFires(
      [
        { schedule_id: 'a-1', due_time: Date.parse('2026-03-30T06:00:00Z'), status: 'skipped', reason: 'execution e1 was still active (overlap: skip)', holder: 'host:1', recorded_time: 0, updated_time: 0 },
        { schedule_id: 'a-1', due_time: Date.parse('2026-03-27T07:00:00Z'), status: 'fired', execution_id: 'e1', holder: 'host:1', recorded_time: 0, updated_time: 0 },
      ],
      'Europe/Berlin',
    );
    expect(text).toMatch(/2026-03-30 08:00 GMT\+2\s+skipped\s+execution e1 was still active/);
    expect(text).toMatch(/2026-03-27 08:00 GMT\+1\s+fired\s+e1/);
    expect(renderFires([], 'UTC')).toBe('No fires yet.\n');
  });
});

import { describe, expect, it } from 'vitest';
import { checkPipelineDocument } from './compile-pipeline.js';
import { CronSchedule, cronProblem, timezoneProblem } from '../schedules/cron-schedule.js';

const doc = (on: unknown, params: unknown = { epochs: { type: 'int', default: 5 }, mode: { type: 'choice', options: ['fast', 'full'], default: 'fast' } }) => ({
  name: 'p',
  params,
  on,
  steps: [{ id: 's', run: 'true' }],
});

describe('on: schedule:', () => {
  it('reads entries with defaults (UTC, skip, catch-up 1h) and the kebab-case keys', () => {
    const { definition, issues } = checkPipelineDocument(
      doc({
        schedule: [
          { cron: '0 8 * * MON-FRI', timezone: 'Europe/Berlin' },
          { cron: '0 12 * * FRI', params: { epochs: 50, mode: 'full' }, overlap: 'queue', 'catch-up': '6h' },
          { cron: '*/10 * * * * *', 'catch-up': false },
        ],
      }),
    );
    expect(issues).toEqual([]);
    expect(definition?.on?.schedule).toEqual([
      { cron: '0 8 * * MON-FRI', timezone: 'Europe/Berlin', params: {}, overlap: 'skip', catchUpSeconds: 3600 },
      { cron: '0 12 * * FRI', timezone: 'UTC', params: { epochs: 50, mode: 'full' }, overlap: 'queue', catchUpSeconds: 21600 },
      { cron: '*/10 * * * * *', timezone: 'UTC', params: {}, overlap: 'skip', catchUpSeconds: 0 },
    ]);
  });

  it('names the path of each problem', () => {
    const { issues } = checkPipelineDocument(
      doc({
        schedule: [
          { cron: '61 8 * * *', timezone: 'Europe/Berlinn' },
          { cron: '0 8 * * *', overlap: 'never', 'catch-up': 'soon', catchUp: '1h' },
          '0 8 * * *',
          { timezone: 'UTC' },
        ],
      }),
    );
    const byPath = issues.map((i) => `${i.path}: ${i.message}`);
    expect(byPath).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^on\.schedule\[0\]\.cron: '61 8 \* \* \*' is not a cron expression: .*minute/),
        expect.stringMatching(/^on\.schedule\[0\]\.timezone: 'Europe\/Berlinn' is not an IANA time zone/),
        expect.stringMatching(/^on\.schedule\[1\]\.overlap: 'overlap' must be 'skip', 'queue' or 'allow'/),
        expect.stringMatching(/^on\.schedule\[1\]\.catch-up: 'catch-up' must be a duration/),
        expect.stringMatching(/^on\.schedule\[1\]\.catchUp: unknown key 'catchUp' in a schedule \(write 'catch-up'\)/),
        expect.stringMatching(/^on\.schedule\[2\]: a schedule entry is a map/),
        expect.stringMatching(/^on\.schedule\[3\]: a schedule needs 'cron'/),
      ]),
    );
    expect(issues).toHaveLength(7);
    const params = checkPipelineDocument(doc({ schedule: [{ cron: '0 8 * * *' }, { cron: '0 9 * * *', params: { epoch: 3, mode: 'slow' } }] })).issues;
    expect(params.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "on.schedule[1].params.epoch: unknown param 'epoch' (did you mean 'epochs'?)",
      "on.schedule[1].params.mode: param 'mode' (choice) must be one of 'fast' or 'full', not 'slow'",
    ]);
  });

  it("accepts param values as strings the param's type can read", () => {
    const { issues } = checkPipelineDocument(doc({ schedule: [{ cron: '0 8 * * *', params: { epochs: '20' } }] }));
    expect(issues).toEqual([]);
  });
});

describe('cron and time zones', () => {
  it('refuses seven fields, and unknown zones', () => {
    expect(cronProblem('0 0 8 * * * 2026')).toMatch(/five fields/);
    expect(cronProblem('0 8 * * MON-FRI')).toBeUndefined();
    expect(timezoneProblem('Europe/Berlin')).toBeUndefined();
    expect(timezoneProblem('Mars/Base')).toMatch(/not an IANA time zone/);
  });

  it('keeps 08:00 Berlin time across both daylight-saving switches', () => {
    const daily = new CronSchedule('0 8 * * *', 'Europe/Berlin');
    expect(daily.nextTimes(Date.parse('2026-03-27T12:00:00Z'), 3).map((t) => new Date(t).toISOString())).toEqual([
      '2026-03-28T07:00:00.000Z', // CET, +1
      '2026-03-29T06:00:00.000Z', // CEST from 29 March, +2
      '2026-03-30T06:00:00.000Z',
    ]);
    expect(daily.nextTimes(Date.parse('2026-10-24T12:00:00Z'), 2).map((t) => new Date(t).toISOString())).toEqual([
      '2026-10-25T07:00:00.000Z', // back to CET on 25 October
      '2026-10-26T07:00:00.000Z',
    ]);
  });

  it('fires a time that does not exist on the spring-forward day once, and one that happens twice in autumn once', () => {
    const at230 = new CronSchedule('30 2 * * *', 'Europe/Berlin');
    const spring = at230.dueTimes(Date.parse('2026-03-28T12:00:00Z'), Date.parse('2026-03-30T12:00:00Z'), 10);
    expect(spring.map((t) => new Date(t).toISOString())).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
    const autumn = at230.dueTimes(Date.parse('2026-10-24T12:00:00Z'), Date.parse('2026-10-26T12:00:00Z'), 10);
    expect(autumn.map((t) => new Date(t).toISOString())).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });
});

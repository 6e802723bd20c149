import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlipwayClient } from '../../src/sdk/index.js';
import { cliEnv, failed, json, ok, runCli } from '../support/cli-runner.js';
import { startLiveServer, type LiveServer } from '../support/live-server.js';
import { BACKENDS } from '../support/test-databases.js';

const PIPELINE = `
name: retrain
params:
  epochs: {type: int, default: 5}
on:
  schedule:
    - {cron: '0 8 * * MON-FRI', timezone: Europe/Berlin}
    - {cron: '0 12 * * FRI', timezone: Europe/Berlin, params: {epochs: 50}, overlap: queue, catch-up: 6h}
steps:
  - id: train
    run: echo training
`;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`schedules API, SDK and CLI on ${backend.name}`, () => {
    let server: LiveServer;
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}/api/slipway/v1${path}`, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as Record<string, unknown>,
      }));
    const post = (path: string, body: unknown) => api(path, { method: 'POST', body: JSON.stringify(body) });

    beforeAll(async () => {
      server = await startLiveServer(backend);
      const client = new SlipwayClient({ trackingUri: server.url });
      await client.pipelines.upsert({ source: PIPELINE, sourceFormat: 'yaml' });
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
    });

    it("lists a pipeline's on.schedule entries with next fire times (the seeds' weekday 08:00 and Friday 12:00 in Berlin)", async () => {
      const res = await api('/schedules?pipeline=retrain&next=5');
      expect(res.status).toBe(200);
      const schedules = res.body.schedules as { cron: string; source: string; next_fire_times: number[]; overlap: string; catch_up_seconds: number; params: object }[];
      expect(schedules.map((s) => [s.cron, s.source, s.overlap, s.catch_up_seconds])).toEqual(
        expect.arrayContaining([
          ['0 8 * * MON-FRI', 'pipeline', 'skip', 3600],
          ['0 12 * * FRI', 'pipeline', 'queue', 21600],
        ]),
      );
      const weekday = schedules.find((s) => s.cron === '0 8 * * MON-FRI')!;
      expect(weekday.next_fire_times).toHaveLength(5);
      for (const t of weekday.next_fire_times) {
        const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t);
        expect(berlin).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 08:00$/);
      }
      const doc = (await fetch(`${server.url}/api/slipway/v1/openapi.json`).then((r) => r.json())) as { paths: Record<string, unknown> };
      expect(Object.keys(doc.paths).filter((p) => p.includes('/schedules')).sort()).toEqual([
        '/api/slipway/v1/schedules',
        '/api/slipway/v1/schedules/{schedule_id}',
        '/api/slipway/v1/schedules/{schedule_id}/fires',
        '/api/slipway/v1/schedules/{schedule_id}/pause',
        '/api/slipway/v1/schedules/{schedule_id}/resume',
      ]);
      // The ajax-api mirror answers the same.
      const ajax = await fetch(`${server.url}/ajax-api/slipway/v1/schedules?pipeline=retrain`);
      expect(ajax.status).toBe(200);
    });

    it('creates, gets, pauses, resumes and deletes an API schedule, and lists its (empty) history', async () => {
      const created = await post('/schedules', { pipeline: 'retrain', cron: '*/5 * * * *', timezone: 'America/New_York', params: { epochs: '7' }, overlap: 'allow', catch_up: 0 });
      expect(created.status).toBe(200);
      const schedule = created.body.schedule as { schedule_id: string; params: object; source: string; catch_up_seconds: number; next_fire_times: number[] };
      expect(schedule).toMatchObject({ source: 'api', params: { epochs: 7 }, catch_up_seconds: 0 });
      expect(schedule.next_fire_times).toHaveLength(3);
      const id = schedule.schedule_id;
      expect((await api(`/schedules/${id}`)).body.schedule).toMatchObject({ schedule_id: id, paused: false });
      expect((await post(`/schedules/${id}/pause`, {})).body.schedule).toMatchObject({ paused: true, next_fire_times: [] });
      expect((await post(`/schedules/${id}/resume`, {})).body.schedule).toMatchObject({ paused: false });
      expect(await api(`/schedules/${id}/fires`)).toEqual({ status: 200, body: { fires: [] } });
      expect((await api(`/schedules/${id}`, { method: 'DELETE', body: '{}' })).status).toBe(200);
      expect((await api(`/schedules/${id}`)).body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    });

    it('answers bad input with 400 naming the field, an unknown pipeline with 404, and writes nothing', async () => {
      const cases: [unknown, RegExp][] = [
        [{ pipeline: 'retrain', cron: '61 * * * *' }, /'cron'.*minute/],
        [{ pipeline: 'retrain', cron: 'every day' }, /'cron'/],
        [{ pipeline: 'retrain', cron: '0 8 * * *', timezone: 'Europe/Berlinn' }, /'timezone'.*Europe\/Berlinn/],
        [{ pipeline: 'retrain', cron: '0 8 * * *', overlap: 'sometimes' }, /'overlap'/],
        [{ pipeline: 'retrain', cron: '0 8 * * *', catch_up: 'soon' }, /'catch_up'/],
        [{ pipeline: 'retrain', cron: '0 8 * * *', params: { epochs: 'many' } }, /params.*epochs/],
        [{ pipeline: 'retrain', cron: '0 8 * * *', params: { epoch: 3 } }, /unknown param 'epoch'/],
        [{ pipeline: 'retrain' }, /cron/],
      ];
      for (const [body, message] of cases) {
        const res = await post('/schedules', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
        expect(res.body.message).toMatch(message);
      }
      const unknown = await post('/schedules', { pipeline: 'nope', cron: '0 8 * * *' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
      const all = (await api('/schedules')).body.schedules as { source: string }[];
      expect(all.map((s) => s.source), JSON.stringify(all)).toEqual(['pipeline', 'pipeline']);
      // A pipeline's own schedule is not deleted through the API.
      const own = all[0] as unknown as { schedule_id: string };
      const refused = await api(`/schedules/${own.schedule_id}`, { method: 'DELETE', body: '{}' });
      expect(refused.status).toBe(409);
      expect(refused.body.message).toMatch(/on\.schedule/);
    });

    it("refuses a pipeline whose on.schedule is wrong with file:line:col, and keeps its schedules as they were", async () => {
      const bad = PIPELINE.replace("- {cron: '0 8 * * MON-FRI', timezone: Europe/Berlin}", "- {cron: '0 8 * * MON-FRI', timezone: Europe/Berlinn}");
      const res = await post('/pipelines', { source: bad, source_format: 'yaml', file_name: 'pipeline.yaml' });
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(res.body.message).toMatch(/pipeline\.yaml:7:43: 'Europe\/Berlinn' is not an IANA time zone/);
      const list = (await api('/schedules?pipeline=retrain')).body.schedules as { timezone: string }[];
      expect(list.map((s) => s.timezone)).toEqual(['Europe/Berlin', 'Europe/Berlin']);
    });

    it('slipway schedules create | list | pause | resume | history | delete', async () => {
      const env = cliEnv(server.url);
      const created = json<{ schedule: { schedule_id: string } }>(
        await runCli(['schedules', 'create', 'retrain', '--cron', '0 12 * * FRI', '--timezone', 'Europe/Berlin', '-p', 'epochs=9', '--overlap', 'queue', '--catch-up', '6h', '--json'], env),
      );
      const id = created.schedule.schedule_id;
      const list = ok(await runCli(['schedules', 'list', '--pipeline', 'retrain'], env));
      expect(list).toMatch(/SCHEDULE ID\s+PIPELINE\s+CRON/);
      const row = list.split('\n').find((l) => l.startsWith(id))!;
      expect(row).toMatch(/retrain\s+0 12 \* \* FRI\s+Europe\/Berlin\s+api\s+active\s+queue\s+\d{4}-\d\d-\d\d 12:00 (GMT\+1|GMT\+2|CET|CEST)\s+epochs=9/);
      expect(ok(await runCli(['schedules', 'pause', id], env))).toBe(`Paused schedule ${id}.\n`);
      expect(ok(await runCli(['schedules', 'list'], env)).split('\n').find((l) => l.startsWith(id))).toMatch(/paused\s+queue\s+-/);
      const resumed = ok(await runCli(['schedules', 'resume', id], env));
      expect(resumed, resumed).toMatch(/Next fire times:\s+\d{4}-\d\d-\d\d 12:00/);
      expect(ok(await runCli(['schedules', 'history', id], env))).toBe('No fires yet.\n');
      expect(ok(await runCli(['schedules', 'delete', id], env))).toMatch(`Deleted schedule ${id}`);
      expect(failed(await runCli(['schedules', 'pause', id], env), 1)).toMatch(/RESOURCE_DOES_NOT_EXIST/);
      expect(failed(await runCli(['schedules', 'create', 'retrain', '--cron', '0 8 * * *', '--timezone', 'Mars/Olympus'], env), 1)).toMatch(/INVALID_PARAMETER_VALUE.*'timezone'/);
      expect(failed(await runCli(['schedules', 'create', 'retrain', '--cron', '0 8 * * *', '--overlap', 'x'], env), 2)).toMatch(/skip, queue or allow/);
    });
  });
}

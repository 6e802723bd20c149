import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { BACKENDS } from '../support/test-databases.js';

const sqlite = BACKENDS.find((b) => b.name === 'sqlite')!;
const PATH = '/api/slipway/v1/metrics/history-downsampled';

/** `GET /api/slipway/v1/metrics/history-downsampled` over HTTP: the wire shape and the 400s. */
describe('metrics/history-downsampled API', () => {
  let t: TestApp;
  let runId: string;

  beforeAll(async () => {
    t = await createTestApp(sqlite);
    const exp = (await t.call('POST', '/experiments/create', { name: 'downsample-api' })).json<{ experiment_id: string }>();
    runId = (await t.call('POST', '/runs/create', { experiment_id: exp.experiment_id })).json<{ run: { info: { run_id: string } } }>().run.info.run_id;
    const metrics = Array.from({ length: 1000 }, (_, i) => ({ key: 'loss', value: i % 10, timestamp: 1000 + i, step: i }));
    expect((await t.call('POST', '/runs/log-batch', { run_id: runId, metrics })).statusCode).toBe(200);
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (query: Record<string, string>) => t.app.inject({ method: 'GET', url: PATH, query });

  it('answers the buckets columnar, on the step or the time axis', async () => {
    const res = await get({ run_id: runId, metric_key: 'loss', max_points: '20' });
    expect(res.statusCode).toBe(200);
    const body = res.json<Record<string, unknown>>();
    expect(body).toMatchObject({ x_axis: 'step', total_points: 1000, non_finite_points: 0, exact: false });
    expect(body.x_start).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect(body.min).toEqual(Array(10).fill(0));
    expect(body.max).toEqual(Array(10).fill(9));
    const time = (await get({ run_id: runId, metric_key: 'loss', x_axis: 'time', x_min: '1990', x_max: '1999' })).json<Record<string, unknown>>();
    expect(time).toMatchObject({ x_axis: 'time', exact: true, total_points: 10 });
    expect(time.x_start).toEqual([1990, 1991, 1992, 1993, 1994, 1995, 1996, 1997, 1998, 1999]);
    // The same route under the UI's prefix.
    expect((await t.app.inject({ method: 'GET', url: '/ajax-api/slipway/v1/metrics/history-downsampled', query: { run_id: runId, metric_key: 'loss' } })).statusCode).toBe(200);
  });

  it('answers 400 naming the field for bad input, and 404 for an unknown run', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ metric_key: 'loss' }, 'run_id'],
      [{ run_id: runId }, 'metric_key'],
      [{ run_id: runId, metric_key: 'loss', max_points: '1' }, 'max_points'],
      [{ run_id: runId, metric_key: 'loss', max_points: '999999' }, 'max_points'],
      [{ run_id: runId, metric_key: 'loss', max_points: 'many' }, 'max_points'],
      [{ run_id: runId, metric_key: 'loss', x_axis: 'epoch' }, 'x_axis'],
      [{ run_id: runId, metric_key: 'loss', x_min: 'a' }, 'x_min'],
      [{ run_id: runId, metric_key: 'loss', x_min: '10', x_max: '5' }, 'x_max'],
    ];
    for (const [query, field] of cases) {
      const res = await get(query);
      expect(res.statusCode, JSON.stringify(query)).toBe(400);
      const body = res.json<{ error_code: string; message: string }>();
      expect(body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(body.message).toContain(field);
    }
    const missing = await get({ run_id: 'f'.repeat(32), metric_key: 'loss' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<{ error_code: string }>().error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});

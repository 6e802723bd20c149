import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/test-databases.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * The MLflow REST surface through the real HTTP stack (routing, decoding, validation,
 * error mapping, serialisation), on each backend.
 */
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: MLflow tracking API`, () => {
    let t: TestApp;
    let experimentId: string;
    let runId: string;

    beforeAll(async () => {
      t = await createTestApp(backend);
      const created = await t.call('POST', '/experiments/create', { name: `api-${Date.now()}` });
      experimentId = created.json<{ experiment_id: string }>().experiment_id;
      const run = await t.call('POST', '/runs/create', { experiment_id: experimentId, run_name: 'r', start_time: 5 });
      runId = run.json<{ run: { info: { run_id: string } } }>().run.info.run_id;
    });
    afterAll(async () => {
      await t.close();
    });

    const getRun = async () =>
      (await t.call('GET', '/runs/get', { run_id: runId })).json<{
        run: { info: Record<string, unknown>; data: { metrics: { key: string; value: unknown }[]; params: unknown[]; tags: { key: string }[] } };
      }>();

    it('serves the same API under /ajax-api', async () => {
      const res = await t.app.inject({ method: 'GET', url: `/ajax-api/2.0/mlflow/experiments/get?experiment_id=${experimentId}` });
      expect(res.statusCode).toBe(200);
      expect(res.json<{ experiment: { experiment_id: string } }>().experiment.experiment_id).toBe(experimentId);
    });

    it('answers /health and /version', async () => {
      expect((await t.app.inject('/health')).body).toBe('OK');
      expect((await t.app.inject('/version')).body).toMatch(/^3\.\d+\.\d+$/);
    });

    it('answers the 3.x client server-info probe: no multipart transfers', async () => {
      for (const prefix of ['/api/3.0/mlflow', '/ajax-api/3.0/mlflow']) {
        const res = await t.app.inject(`${prefix}/server-info`);
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ multipart_uploads_enabled: false, multipart_downloads_enabled: false });
      }
    });

    it('decodes proto-JSON: int64 as strings, doubles as NaN/Infinity strings, enums by number, numeric ids', async () => {
      const res = await t.call('POST', '/runs/log-batch', {
        run_id: runId,
        metrics: [
          { key: 'nan', value: 'NaN', timestamp: '10', step: '1' },
          { key: 'inf', value: 'Infinity', timestamp: 10 },
          { key: 'num', value: '2.5', timestamp: 10 },
        ],
      });
      expect(res.statusCode).toBe(200);
      const metrics = new Map((await getRun()).run.data.metrics.map((m) => [m.key, m.value]));
      expect(metrics.get('nan')).toBe('NaN');
      expect(metrics.get('inf')).toBe('Infinity');
      expect(metrics.get('num')).toBe(2.5);
      const update = await t.call('POST', '/runs/update', { run_id: runId, status: 3, end_time: '77' });
      expect(update.json()).toMatchObject({ run_info: { status: 'FINISHED', end_time: 77 } });
      const byNumber = await t.call('POST', '/runs/create', { experiment_id: Number(experimentId) });
      expect(byNumber.statusCode).toBe(200);
      const search = await t.call('POST', '/experiments/search', { view_type: 3, max_results: '5' });
      expect(search.statusCode).toBe(200);
    });

    it('reads GET fields from the query string, repeated keys as lists, booleans in any case', async () => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=${runId}&run_ids=${runId}&metric_key=num&max_results=10`,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json<{ metrics: unknown[] }>().metrics).toHaveLength(1);
      const search = await t.app.inject({ method: 'GET', url: '/api/2.0/mlflow/experiments/search?max_results=2&view_type=ALL' });
      expect(search.statusCode).toBe(200);
    });

    it('accepts the deprecated run_uuid in place of run_id', async () => {
      const res = await t.call('POST', '/runs/set-tag', { run_uuid: runId, key: 'via', value: 'uuid' });
      expect(res.statusCode).toBe(200);
      expect((await getRun()).run.data.tags.map((x) => x.key)).toContain('via');
    });

    it('answers an unknown run with 404 RESOURCE_DOES_NOT_EXIST', async () => {
      const res = await t.call('GET', '/runs/get', { run_id: 'f'.repeat(32) });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: expect.stringContaining('f'.repeat(32)) as string });
    });

    it('names a missing required field', async () => {
      const res = await t.call('POST', '/runs/log-metric', { run_id: runId, value: 1, timestamp: 1 });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: "Missing value for required parameter 'key'." });
      const empty = await t.call('POST', '/runs/log-metric', { run_id: runId, key: '', value: 1, timestamp: 1 });
      expect(empty.json<{ message: string }>().message).toBe("Missing value for required parameter 'key'.");
      const noBody = await t.app.inject({ method: 'POST', url: '/api/2.0/mlflow/experiments/create' });
      expect(noBody.statusCode).toBe(400);
      expect(noBody.json<{ message: string }>().message).toBe("Missing value for required parameter 'name'.");
    });

    it('names a field of the wrong type, down to the list index', async () => {
      const res = await t.call('POST', '/runs/log-batch', {
        run_id: runId,
        metrics: [{ key: 'ok', value: 1, timestamp: 1 }, { key: 'bad', value: 'abc', timestamp: 1 }],
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
      expect(res.json<{ message: string }>().message).toContain("'metrics[1].value'");
      const name = await t.call('POST', '/experiments/create', { name: 5 });
      expect(name.json<{ message: string }>().message).toBe(
        "Invalid value 5 for parameter 'name' supplied: must be of type string.",
      );
      const bool = await t.call('POST', '/runs/log-metric', { run_id: runId, key: 'k', value: true, timestamp: 1 });
      expect(bool.statusCode).toBe(400);
      expect(bool.json<{ message: string }>().message).toContain("'value'");
    });

    it('rejects a bad log-batch whole: nothing of it is written', async () => {
      const before = await getRun();
      const res = await t.call('POST', '/runs/log-batch', {
        run_id: runId,
        metrics: [{ key: 'fresh', value: 1, timestamp: 1 }],
        params: [{ key: 'p_fresh', value: 'x' }],
        tags: [{ key: 'bad key!', value: 'x' }],
      });
      expect(res.statusCode).toBe(400);
      expect(res.json<{ message: string }>().message).toContain("tags[0].key");
      expect(await getRun()).toEqual(before);
    });

    it('rejects oversized batches with MLflow limits, naming the field', async () => {
      const metrics = Array.from({ length: 1001 }, (_, i) => ({ key: `m${i}`, value: i, timestamp: 1 }));
      const res = await t.call('POST', '/runs/log-batch', { run_id: runId, metrics });
      expect(res.statusCode).toBe(400);
      expect(res.json<{ message: string }>().message).toMatch(/at most 1000 metrics/);
      const params = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'v' }));
      expect((await t.call('POST', '/runs/log-batch', { run_id: runId, params })).statusCode).toBe(400);
      // Like MLflow 3.x's server (MLFLOW_TRUNCATE_LONG_VALUES), a long param value is truncated, not refused.
      const longParam = await t.call('POST', '/runs/log-parameter', { run_id: runId, key: 'long', value: 'x'.repeat(6001) });
      expect(longParam.statusCode).toBe(200);
      const logged = (await getRun()).run.data.params as { key: string; value: string }[];
      expect(logged.find((p) => p.key === 'long')?.value).toBe('x'.repeat(6000));
      const longKey = await t.call('POST', '/runs/set-tag', { run_id: runId, key: 'k'.repeat(251), value: 'v' });
      expect(longKey.statusCode).toBe(400);
      expect((await getRun()).run.data.metrics.find((m) => m.key === 'm0')).toBeUndefined();
    });

    it('refuses to change a logged param', async () => {
      expect((await t.call('POST', '/runs/log-parameter', { run_id: runId, key: 'alpha', value: '1' })).statusCode).toBe(200);
      expect((await t.call('POST', '/runs/log-parameter', { run_id: runId, key: 'alpha', value: '1' })).statusCode).toBe(200);
      const res = await t.call('POST', '/runs/log-parameter', { run_id: runId, key: 'alpha', value: '2' });
      expect(res.statusCode).toBe(400);
      expect(res.json<{ message: string }>().message).toMatch(/Changing param values is not allowed.*alpha/);
    });

    it('rejects malformed JSON, unsupported content types and oversized bodies as 4xx with an error_code', async () => {
      const url = '/api/2.0/mlflow/experiments/create';
      const malformed = await t.app.inject({ method: 'POST', url, payload: '{"name": ', headers: { 'content-type': 'application/json' } });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json()).toMatchObject({ error_code: 'BAD_REQUEST' });
      const text = await t.app.inject({ method: 'POST', url, payload: 'name=x', headers: { 'content-type': 'text/plain' } });
      expect(text.statusCode).toBe(415);
      expect(text.json()).toMatchObject({ error_code: 'BAD_REQUEST' });
      const small = await createTestApp(backend, { bodyLimit: 2048 });
      try {
        const big = await small.call('POST', '/experiments/create', { name: 'x'.repeat(5000) });
        expect(big.statusCode).toBe(413);
        expect(big.json()).toMatchObject({ error_code: 'BAD_REQUEST' });
      } finally {
        await small.close();
      }
      const array = await t.app.inject({ method: 'POST', url, payload: '[1,2]', headers: { 'content-type': 'application/json' } });
      expect(array.statusCode).toBe(400);
      expect(array.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    });

    it('decodes a double-encoded JSON body, as old clients send it', async () => {
      const name = `double-${Date.now()}`;
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/2.0/mlflow/experiments/create',
        payload: JSON.stringify(JSON.stringify({ name })),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(200);
      expect((await t.call('GET', '/experiments/get-by-name', { experiment_name: name })).statusCode).toBe(200);
    });

    it('rejects invalid filters, order_by keys, page tokens and page sizes', async () => {
      const cases: [unknown, RegExp][] = [
        [{ experiment_ids: [experimentId], filter: 'metrics.acc >' }, /filter|clause|Invalid/i],
        [{ experiment_ids: [experimentId], filter: "params.x = 'a' OR params.y = 'b'" }, /.+/],
        [{ experiment_ids: [experimentId], order_by: ['bogus.key DESC'] }, /.+/],
        [{ experiment_ids: [experimentId], page_token: 'not-a-token' }, /page token/],
        [{ experiment_ids: [experimentId], max_results: 50001 }, /max_results/],
      ];
      for (const [body, message] of cases) {
        const res = await t.call('POST', '/runs/search', body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
        expect(res.json<{ message: string }>().message).toMatch(message);
      }
    });

    it('pages search results with opaque tokens', async () => {
      for (let i = 0; i < 3; i++) await t.call('POST', '/runs/create', { experiment_id: experimentId, run_name: `page-${i}` });
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const res = await t.call('POST', '/runs/search', {
          experiment_ids: [experimentId],
          filter: "attributes.run_name LIKE 'page-%'",
          order_by: ['attributes.run_name DESC'],
          max_results: 2,
          ...(token ? { page_token: token } : {}),
        });
        const body = res.json<{ runs: { info: { run_name: string } }[]; next_page_token?: string }>();
        seen.push(...body.runs.map((r) => r.info.run_name));
        token = body.next_page_token;
      } while (token);
      expect(seen).toEqual(['page-2', 'page-1', 'page-0']);
    });

    it('answers unknown endpoints with 404 ENDPOINT_NOT_FOUND', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/2.0/mlflow/runs/does-not-exist' });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error_code: 'ENDPOINT_NOT_FOUND' });
    });

    it('serves its OpenAPI document from the route schemas', async () => {
      const res = await t.app.inject('/api/slipway/v1/openapi.json');
      const doc = res.json<{ openapi: string; paths: Record<string, unknown> }>();
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.paths)).toContain('/api/2.0/mlflow/runs/log-batch');
      expect(Object.keys(doc.paths).some((p) => p.startsWith('/ajax-api'))).toBe(false);
    });
  });
}

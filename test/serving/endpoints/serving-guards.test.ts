import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServedModel } from '../../../src/serving/load-served-model.js';
import { OnnxModelRuntime } from '../../../src/serving/onnx/onnx-model-runtime.js';
import { resolveModelUri } from '../../../src/serving/resolve-model-uri.js';
import { buildScoringServer, type ScoringApp } from '../../../src/serving/scoring-app.js';
import { BACKENDS } from '../../support/test-databases.js';
import { expected, invoke, slowRuntime, startServingHarness, type ServingHarness } from './serving-harness.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/models/', import.meta.url));
const housing = expected('housing-rf');
const one = { dataframe_split: { columns: housing.rows.columns, data: [housing.rows.data[0]] } };
/** 50 000 rows: scored on the worker thread, far longer than a 5 ms timeout. */
const big = { dataframe_split: { columns: housing.rows.columns, data: Array.from({ length: 50_000 }, (_, i) => housing.rows.data[i % housing.rows.data.length]) } };

async function post(url: string, body: unknown): Promise<{ status: number; headers: Headers; json: { error_code?: string; message?: string; predictions?: number[] } }> {
  const response = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, json: (await response.json()) as { error_code?: string } };
}

async function standalone(options: { requestTimeoutMs: number; maxInFlight: number; delayMs?: number }): Promise<{ server: ScoringApp; url: string; stop(): Promise<void> }> {
  const resolved = await resolveModelUri(`${FIXTURES}housing-rf`);
  const model = await loadServedModel(resolved, { runtime: options.delayMs === undefined ? new OnnxModelRuntime() : slowRuntime(options.delayMs) });
  const server = buildScoringServer({ model, version: '9.9.9', requestTimeoutMs: options.requestTimeoutMs, maxInFlight: options.maxInFlight });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
  return {
    server,
    url,
    async stop() {
      await server.app.close();
      await model.close();
    },
  };
}

describe('slipway models serve: request timeout, admission control, drain, /metrics', () => {
  it('answers 504 when scoring outlasts the request timeout', async () => {
    const serve = await standalone({ requestTimeoutMs: 5, maxInFlight: 0 });
    try {
      const late = await post(serve.url, big);
      expect(late.status).toBe(504);
      expect(late.json.error_code).toBe('DEADLINE_EXCEEDED');
      expect(late.json.message).toContain('request timeout of 5 ms');
      expect(late.headers.get('x-request-id')).toBeTruthy();
      const metrics = await (await fetch(`${serve.url}/metrics`)).text();
      expect(metrics).toMatch(/slipway_serving_rejected_total\{reason="timeout"\} 1/);
      expect(metrics).toMatch(/slipway_serving_requests_total\{endpoint="housing-rf",variant="default",code="504"\} 1/);
    } finally {
      await serve.stop();
    }
  });

  it('answers 503 with Retry-After over --max-in-flight, and takes requests again once below', async () => {
    const serve = await standalone({ requestTimeoutMs: 0, maxInFlight: 2, delayMs: 400 });
    try {
      const held = [post(serve.url, one), post(serve.url, one)];
      await new Promise((resolve) => setTimeout(resolve, 150));
      const refused = await post(serve.url, one);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.json.error_code).toBe('TEMPORARILY_UNAVAILABLE');
      expect(refused.json.message).toContain('2 scoring requests');
      const metricsWhileBusy = await (await fetch(`${serve.url}/metrics`)).text();
      expect(metricsWhileBusy).toMatch(/slipway_serving_in_flight 2/);
      // Health checks are never shed.
      expect((await fetch(`${serve.url}/ping`)).status).toBe(200);
      expect((await Promise.all(held)).map((answer) => answer.status)).toEqual([200, 200]);
      expect((await post(serve.url, one)).status).toBe(200);
      const metrics = await (await fetch(`${serve.url}/metrics`)).text();
      expect(metrics).toMatch(/slipway_serving_rejected_total\{reason="overloaded"\} 1/);
      expect(metrics).toMatch(/slipway_serving_in_flight 0/);
      expect(metrics).toMatch(/slipway_serving_batch_rows_bucket|slipway_serving_request_duration_seconds_bucket/);
      expect(metrics).toContain('nodejs_eventloop_lag_seconds');
    } finally {
      await serve.stop();
    }
  });

  it('drains on shutdown: the request in flight is answered, then the server closes', async () => {
    const serve = await standalone({ requestTimeoutMs: 0, maxInFlight: 0, delayMs: 300 });
    const inFlight = post(serve.url, one);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const early = await Promise.race([inFlight, new Promise((resolve) => setTimeout(() => resolve('still in flight'), 1))]);
    expect(early).toBe('still in flight');
    expect(serve.server.admission.inFlight).toBe(1);
    const closing = serve.server.app.close();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.json.predictions).toHaveLength(1);
    await closing;
    await expect(fetch(`${serve.url}/ping`)).rejects.toThrow();
    await serve.stop();
  });
});

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: endpoints: request timeout and admission control`, () => {
    let fast: ServingHarness;
    let slow: ServingHarness;
    beforeAll(async () => {
      fast = await startServingHarness(backend, { requestTimeoutMs: 5 });
      slow = await startServingHarness(backend, { maxInFlight: 1, runtime: slowRuntime(400) });
      for (const h of [fast, slow]) {
        await h.register('housing', 'housing-rf');
        await h.service.create({ name: 'prices', variants: [{ name: 'blue', modelUri: 'models:/housing/1' }] }, 'alice');
        await h.settle('prices', (endpoint) => endpoint.status === 'InService');
      }
    });
    afterAll(async () => {
      await fast?.close();
      await slow?.close();
    });

    it('answers 504 for a batch scored past the timeout, counted as the variant’s error', async () => {
      const late = await invoke(fast.url, 'prices', big);
      expect(late.status).toBe(504);
      expect(late.json.error_code).toBe('DEADLINE_EXCEEDED');
      expect(fast.serving.stats.window('prices', 'serving', 'blue')).toMatchObject({ requests: 1, errors: 1 });
      const metrics = await (await fetch(`${fast.url}/metrics`)).text();
      expect(metrics).toMatch(/slipway_serving_errors_total\{endpoint="prices",variant="blue"\} 1/);
      expect(metrics).toMatch(/slipway_serving_rejected_total\{reason="timeout"\} 1/);
    });

    it('answers 503 with Retry-After over max in-flight', async () => {
      const held = invoke(slow.url, 'prices', one);
      await new Promise((resolve) => setTimeout(resolve, 150));
      const refused = await invoke(slow.url, 'prices', one);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.json.error_code).toBe('TEMPORARILY_UNAVAILABLE');
      expect((await held).status).toBe(200);
      expect((await invoke(slow.url, 'prices', one)).status).toBe(200);
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/test-databases.js';
import { close, expected, invoke, startServingHarness, type ServingHarness } from './serving-harness.js';

const housing = expected('housing-rf');
const linear = expected('housing-faulty');
const rows = { dataframe_split: housing.rows };

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: endpoints served on the main server`, () => {
    let h: ServingHarness;
    beforeAll(async () => {
      h = await startServingHarness(backend, { bodyLimit: 64 * 1024 });
      await h.register('housing', 'housing-rf');
      await h.register('housing', 'housing-faulty');
      await h.register('housing', 'housing-rf', { corrupt: true });
      await h.service.create({ name: 'prices', variants: [{ name: 'blue', modelUri: 'models:/housing/1' }] }, 'alice');
      await h.settle('prices', (endpoint) => endpoint.status !== 'Creating');
    });
    afterAll(() => h?.close());

    it('loads a new endpoint, records the runtime, the events and the lineage, and serves it', async () => {
      const endpoint = await h.service.get('prices');
      expect(endpoint.status).toBe('InService');
      expect(endpoint.variants[0]).toMatchObject({ name: 'blue', status: 'Ready', servingRuntime: 'onnx', servingSince: h.clock.now });
      expect((await h.events('prices')).map((event) => event.kind)).toEqual(['created', 'variant_loading', 'variant_ready', 'traffic_shifted']);
      const links = await h.stores.registry.lineageLinks(['deployment:prices/blue']);
      expect(links).toEqual([{ from: 'model_version:housing/1', to: 'deployment:prices/blue', relation: 'deployed_as' }]);

      const scored = await invoke(h.url, 'prices', rows, { 'x-request-id': 'client-7' });
      expect(scored.status).toBe(200);
      expect(scored.variant).toBe('blue');
      expect(scored.headers.get('x-request-id')).toBe('client-7');
      scored.json.predictions!.forEach((value, index) => expect(close(value, housing.predictions[index]!)).toBe(true));
      const csv = [housing.rows.columns.join(','), ...housing.rows.data.map((row) => row.join(','))].join('\n');
      const fromCsv = await invoke(h.url, 'prices', csv, { 'content-type': 'text/csv' });
      expect(fromCsv.status).toBe(200);
      expect(fromCsv.json.predictions).toHaveLength(housing.rows.data.length);

      const infer = await fetch(`${h.url}/v2/models/prices/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'q1', inputs: [{ name: 'float_input', shape: [housing.rows.data.length, 8], datatype: 'FP32', data: housing.rows.data }] }),
      });
      expect(infer.status).toBe(200);
      const inferred = (await infer.json()) as { model_name: string; model_version: string; id: string; outputs: Array<{ data: number[] }> };
      expect([inferred.model_name, inferred.model_version, inferred.id]).toEqual(['prices', '1', 'q1']);
      expect(close(inferred.outputs[0]!.data[0]!, housing.predictions[0]!)).toBe(true);
      for (const path of ['/endpoints/prices/ping', '/endpoints/prices/health', '/v2/models/prices/ready', '/v2/models/prices/versions/blue/ready', '/v2/health/ready']) {
        expect((await fetch(`${h.url}${path}`)).status, path).toBe(200);
      }
      const metadata = (await (await fetch(`${h.url}/v2/models/prices`)).json()) as { name: string; versions: string[]; inputs: Array<{ name: string }> };
      expect(metadata).toMatchObject({ name: 'prices', versions: ['1'] });
      expect(metadata.inputs.map((input) => input.name)).toEqual(housing.rows.columns);
    });

    it('answers 404 for an unknown endpoint, 400 naming the bad column, 413 over the body limit', async () => {
      const unknown = await invoke(h.url, 'nope', rows);
      expect(unknown.status).toBe(404);
      expect(unknown.json).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
      expect(unknown.json.message).toContain("Endpoint 'nope' does not exist");
      expect((await fetch(`${h.url}/v2/models/nope/ready`)).status).toBe(404);
      expect((await fetch(`${h.url}/v2/models/prices/versions/7/ready`)).status).toBe(404);

      const missing = await invoke(h.url, 'prices', { dataframe_split: { columns: housing.rows.columns.slice(1), data: housing.rows.data.map((row) => row.slice(1)) } });
      expect(missing.status).toBe(400);
      expect(missing.json.error_code).toBe('BAD_REQUEST');
      expect(missing.json.message).toContain("Model is missing inputs ['longitude']");
      const wrongType = await invoke(h.url, 'prices', { dataframe_records: [{ ...Object.fromEntries(housing.rows.columns.map((c) => [c, 1])), median_income: 'high' }] });
      expect(wrongType.status).toBe(400);
      expect(wrongType.json.message).toContain("column 'median_income'");

      const big = { dataframe_split: { columns: housing.rows.columns, data: Array.from({ length: 2000 }, () => housing.rows.data[0]) } };
      const tooLarge = await invoke(h.url, 'prices', big);
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.json.error_code).toBe('BAD_REQUEST');
    });

    it('marks a variant whose model fails to load Failed with the loader’s message while the previous one keeps serving', async () => {
      await h.service.update('prices', { variants: [{ name: 'green', modelUri: 'models:/housing/3' }] }, 'alice');
      const after = await h.settle('prices', (endpoint) => endpoint.status !== 'Updating');
      expect(after.status).toBe('InService');
      expect(after.rollout).toMatchObject({ phase: 'Failed' });
      expect(after.rollout!.target[0]).toMatchObject({ name: 'green', status: 'Failed' });
      expect(after.rollout!.target[0]!.statusReason).toContain('Cannot load the ONNX model');
      expect(after.rollout!.reason).toContain("variant 'green' failed to load: Cannot load the ONNX model");
      expect(after.variants.map((variant) => [variant.name, variant.status])).toEqual([['blue', 'Ready']]);
      const kinds = (await h.events('prices')).map((event) => event.kind);
      expect(kinds.slice(-4)).toEqual(['update_requested', 'variant_loading', 'variant_failed', 'failed']);
      const scored = await invoke(h.url, 'prices', rows);
      expect([scored.status, scored.variant]).toEqual([200, 'blue']);

      // A new endpoint with only that model is Failed, naming the variant.
      await h.service.create({ name: 'broken', variants: [{ name: 'only', modelUri: 'models:/housing/3' }] }, 'alice');
      const broken = await h.settle('broken', (endpoint) => endpoint.status !== 'Creating');
      expect(broken.status).toBe('Failed');
      expect(broken.statusReason).toContain("variant 'only' failed to load: Cannot load the ONNX model");
      const refused = await invoke(h.url, 'broken', rows);
      expect(refused.status).toBe(503);
      expect(refused.json.error_code).toBe('TEMPORARILY_UNAVAILABLE');
    });

    it('exposes the named Prometheus series and the live stats of each variant', async () => {
      const metrics = await (await fetch(`${h.url}/metrics`)).text();
      expect(metrics).toMatch(/slipway_serving_requests_total\{endpoint="prices",variant="blue",code="200"\} \d+/);
      expect(metrics).toMatch(/slipway_serving_requests_total\{endpoint="-",variant="-",code="404"\} 1/);
      expect(metrics).toMatch(/slipway_serving_request_duration_seconds_bucket\{le="0\.005",endpoint="prices",variant="blue"\}/);
      expect(metrics).toMatch(/slipway_serving_batch_rows_bucket\{le="8",model="housing\/1"\}/);
      expect(metrics).toContain('slipway_serving_in_flight');
      expect(metrics).toContain('slipway_serving_errors_total');
      expect(metrics).toContain('nodejs_eventloop_lag_seconds');

      const stats = (await (await fetch(`${h.url}/api/slipway/v1/endpoints/prices/stats`)).json()) as {
        traffic: Array<{ variant: string; percent: number }>;
        variants: Array<{ variant: string; requests: number; error_rate: number; p50_ms: number; p99_ms: number; requests_per_second: number }>;
      };
      expect(stats.traffic).toEqual([{ variant: 'blue', candidate: false, percent: 100 }]);
      const blue = stats.variants.find((variant) => variant.variant === 'blue')!;
      expect(blue.requests).toBeGreaterThanOrEqual(5);
      expect(blue.p99_ms).toBeGreaterThanOrEqual(blue.p50_ms);
      expect((await fetch(`${h.url}/api/slipway/v1/endpoints/nope/stats`)).status).toBe(404);
    });

    it('stops routing a deleted endpoint and deletes it once drained', async () => {
      await h.service.delete('broken', 'alice');
      await h.serving.controller.tick();
      await expect(h.service.get('broken')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
      expect((await invoke(h.url, 'broken', rows)).status).toBe(404);
      void linear;
    });
  });
}

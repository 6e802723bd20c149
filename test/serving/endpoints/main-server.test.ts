import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../../../src/server/server-config.js';
import { startServer, type RunningServer } from '../../../src/server/start-server.js';
import { SlipwayClient } from '../../../src/sdk/index.js';
import { BACKENDS, type TestDatabase } from '../../support/test-databases.js';
import { close, expected, FIXTURES } from './serving-harness.js';

const housing = expected('housing-rf');

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** `slipway server` in process: the endpoints API, the controller on its lease, the host and the serving routes, wired by start-server. */
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: endpoints on a started server`, () => {
    let db: TestDatabase;
    let dir: string;
    let server: RunningServer;
    beforeAll(async () => {
      db = await backend.create();
      dir = mkdtempSync(join(tmpdir(), 'slipway-main-serving-'));
      const config = resolveServerConfig({ dataDir: dir, backendStoreUri: db.uri, port: '0', logLevel: 'silent', requestTimeoutMs: '20000', maxInFlight: '64' }, dir, {});
      server = await startServer(config);
      for (const file of readdirSync(`${FIXTURES}housing-rf`)) {
        const response = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/models/housing-rf/${file}`, { method: 'PUT', body: readFileSync(`${FIXTURES}housing-rf/${file}`) });
        expect(response.status).toBe(200);
      }
      const sdk = new SlipwayClient({ trackingUri: server.url, env: {} });
      await sdk.registry.createRegisteredModel('housing');
      await sdk.registry.createModelVersion('housing', 'mlflow-artifacts:/models/housing-rf');
      await sdk.registry.setAlias('housing', 'champion', '1');
    });
    afterAll(async () => {
      await server?.close();
      await db?.dispose();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    it('serves an endpoint created through the API, with /metrics and live stats, and drains on close', async () => {
      const created = await fetch(`${server.url}/api/slipway/v1/endpoints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'prices', variants: [{ name: 'main', model_uri: 'models:/housing@champion' }] }),
      });
      expect(created.status, await created.clone().text()).toBe(200);
      let status = '';
      for (let i = 0; i < 100 && status !== 'InService'; i++) {
        const got = await json<{ endpoint: { status: string } }>(await fetch(`${server.url}/api/slipway/v1/endpoints/prices`));
        status = got.endpoint.status;
        if (status !== 'InService') await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe('InService');

      const scored = await fetch(`${server.url}/endpoints/prices/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ dataframe_split: housing.rows }),
      });
      expect(scored.status).toBe(200);
      expect(scored.headers.get('x-slipway-variant')).toBe('main');
      expect(scored.headers.get('x-request-id')).toBeTruthy();
      const predictions = (await json<{ predictions: number[] }>(scored)).predictions;
      predictions.forEach((value, index) => expect(close(value, housing.predictions[index]!)).toBe(true));
      const unknown = await fetch(`${server.url}/endpoints/nope/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(unknown.status).toBe(404);

      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/slipway_serving_requests_total\{endpoint="prices",variant="main",code="200"\} 1/);
      expect(metrics).toContain('nodejs_eventloop_lag_seconds');
      const stats = await json<{ variants: Array<{ variant: string; requests: number }> }>(await fetch(`${server.url}/api/slipway/v1/endpoints/prices/stats`));
      expect(stats.variants).toEqual([expect.objectContaining({ variant: 'main', requests: 1 })]);
      const events = await json<{ events: Array<{ kind: string }> }>(await fetch(`${server.url}/api/slipway/v1/endpoints/prices/events`));
      expect(events.events.map((event) => event.kind)).toEqual(['created', 'variant_loading', 'variant_ready', 'traffic_shifted']);

      // A large request in flight when the server is asked to stop is still answered.
      const big = { dataframe_split: { columns: housing.rows.columns, data: Array.from({ length: 40_000 }, (_, i) => housing.rows.data[i % housing.rows.data.length]) } };
      const inFlight = fetch(`${server.url}/endpoints/prices/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(big) });
      // Once the server has admitted it (its headers are read), ask the server to stop.
      for (let i = 0; i < 200; i++) {
        const gauge = /slipway_serving_in_flight (\d+)/.exec(await (await fetch(`${server.url}/metrics`)).text());
        if (gauge !== null && Number(gauge[1]) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const closing = server.close();
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect((await json<{ predictions: number[] }>(answer)).predictions).toHaveLength(40_000);
      await closing;
    });
  });
}

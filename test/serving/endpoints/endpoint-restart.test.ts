import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/test-databases.js';
import { startServerProcess, type ServerProcess } from '../../support/server-process.js';
import { FIXTURES } from './serving-harness.js';

interface WireEndpoint {
  readonly status: string;
  readonly variants: ReadonlyArray<{ readonly name: string; readonly status: string }>;
  readonly rollout?: { readonly phase: string; readonly step: number } | undefined;
}

async function getEndpoint(url: string, name: string): Promise<WireEndpoint> {
  const response = await fetch(`${url}/api/slipway/v1/endpoints/${name}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { endpoint: WireEndpoint }).endpoint;
}

async function waitFor(url: string, name: string, done: (endpoint: WireEndpoint) => boolean, timeoutMs = 60_000): Promise<WireEndpoint> {
  const deadline = Date.now() + timeoutMs;
  let last: WireEndpoint | undefined;
  while (Date.now() < deadline) {
    last = await getEndpoint(url, name);
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`endpoint '${name}' did not get there in time; last: ${JSON.stringify(last)}`);
}

async function score(url: string, name: string): Promise<{ status: number; variant: string | null }> {
  const response = await fetch(`${url}/endpoints/${name}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      dataframe_split: {
        columns: ['longitude', 'latitude', 'housing_median_age', 'total_rooms', 'total_bedrooms', 'population', 'households', 'median_income'],
        data: [[-122.23, 37.88, 41, 880, 129, 322, 126, 8.3252]],
      },
    }),
  });
  await response.arrayBuffer();
  return { status: response.status, variant: response.headers.get('x-slipway-variant') };
}

/**
 * A `kill -9` of the server in the middle of a canary loses nothing: after the restart the
 * endpoint serves at once (old and new variants, as the store says) and the same server
 * takes the `endpoints` lease back without waiting out its TTL, so the rollout goes on to
 * its end.
 */
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: endpoints across kill -9 of the server`, () => {
    const dirs: string[] = [];
    afterAll(() => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    it('keeps serving after the restart and finishes the canary it was baking', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'slipway-endpoint-restart-'));
      dirs.push(dir);
      const db = await backend.create();
      const args = ['--data-dir', dir, '--backend-store-uri', db.uri];
      let second: ServerProcess | undefined;
      try {
        const first = await startServerProcess(args);
        for (const file of readdirSync(`${FIXTURES}housing-rf`)) {
          const put = await fetch(`${first.url}/api/2.0/mlflow-artifacts/artifacts/models/housing-rf/${file}`, { method: 'PUT', body: readFileSync(`${FIXTURES}housing-rf/${file}`) });
          expect(put.status).toBe(200);
        }
        const post = (path: string, body: unknown): Promise<Response> =>
          fetch(`${first.url}${path}`, { method: path.includes('/endpoints/') ? 'PATCH' : 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        expect((await post('/api/2.0/mlflow/registered-models/create', { name: 'housing' })).status).toBe(200);
        for (let i = 0; i < 2; i++) {
          expect((await post('/api/2.0/mlflow/model-versions/create', { name: 'housing', source: 'mlflow-artifacts:/models/housing-rf' })).status).toBe(200);
        }
        expect((await post('/api/slipway/v1/endpoints', { name: 'prices', variants: [{ name: 'blue', model_uri: 'models:/housing/1' }] })).status).toBe(200);
        await waitFor(first.url, 'prices', (e) => e.status === 'InService');
        const update = await post('/api/slipway/v1/endpoints/prices', {
          variants: [{ name: 'green', model_uri: 'models:/housing/2' }],
          rollout: { strategy: 'canary', steps: [50, 100], bake_seconds: 4 },
        });
        expect(update.status, await update.clone().text()).toBe(200);
        await waitFor(first.url, 'prices', (e) => e.rollout?.phase === 'Baking' && e.rollout.step === 0);

        first.child.kill('SIGKILL');
        await first.exited;

        second = await startServerProcess(args);
        const baking = await getEndpoint(second.url, 'prices');
        expect(baking.status).toBe('Updating');
        expect(baking.rollout?.phase).toBe('Baking');
        // Served at once, from what the store says (both variants during the 50 % step; only
        // green once the restart took longer than the step's bake and the rollout moved on).
        const answers = await Promise.all(Array.from({ length: 40 }, () => score(second!.url, 'prices')));
        expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
        for (const answer of answers) expect(['blue', 'green']).toContain(answer.variant);

        // The restarted server drives the rollout on to its end at once: the last step's 4 s
        // bake, not the old process's lease running out first (its 15 s TTL would put the end
        // at least 14 s after the kill).
        const done = await waitFor(second.url, 'prices', (e) => e.rollout?.phase === 'Completed', 10_000);
        expect(done.status).toBe('InService');
        expect(done.variants.map((variant) => variant.name)).toEqual(['green']);
        expect((await score(second.url, 'prices')).variant).toBe('green');
      } finally {
        second?.child.kill('SIGTERM');
        if (second !== undefined) expect(await second.exited).toBe(0);
        await db.dispose();
      }
    }, 120_000);
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, endpointOutcome, isSettled, SlipwayApiError, SlipwayClient, SlipwayClientError } from '../../src/sdk/index.js';
import { createSqliteTestDatabase } from '../support/test-databases.js';
import { allReady, createEndpointFixture, type EndpointFixture } from './endpoint-fixture.js';
import { listenEndpointApi, type ListeningEndpointApi } from './listen-endpoint-api.js';

/** `client.endpoints` against an in-process server (HTTP on a port), the controller simulated through the store. */
describe('SDK client.endpoints', { timeout: 60_000 }, () => {
  let f: EndpointFixture;
  let api: ListeningEndpointApi;
  let client: SlipwayClient;
  beforeAll(async () => {
    f = await createEndpointFixture({ name: 'sqlite', skip: undefined, create: createSqliteTestDatabase });
    api = await listenEndpointApi(f);
    client = new SlipwayClient({ trackingUri: api.url, actor: 'sdk-user', env: {} });
  });
  afterAll(async () => {
    await api.close();
    await f.close();
  });

  it('creates, waits, updates, rolls back, reads events and deployments, deletes', async () => {
    const created = await client.endpoints.create({
      name: 'prices',
      tags: { team: 'pricing' },
      variants: [{ modelUri: 'models:/housing@champion', weight: 80 }, { name: 'b', modelUri: 'models:/housing/1' }, { name: 's', modelUri: 'models:/housing/3', shadowPercent: 5, runtime: 'python' }],
    });
    expect(created).toMatchObject({ name: 'prices', status: 'Creating', variants: [{ name: 'housing-2', weight: 80 }, { name: 'b', weight: 20 }, { name: 's', shadow: { sample_percent: 5 }, runtime: 'python' }] });
    expect(isSettled(created)).toBe(false);

    const seen: string[] = [];
    const waiting = client.endpoints.waitUntilSettled('prices', { intervalMs: 50, onUpdate: (e) => void seen.push(e.status) });
    setTimeout(() => void f.controllerWrite('prices', (e) => allReady(e, 77)), 200);
    const settled = await waiting;
    expect(settled.status).toBe('InService');
    expect(seen[0]).toBe('Creating');
    expect(endpointOutcome(settled)).toBe('ok');
    expect((await client.endpoints.deploymentsOf('housing', 2))[0]).toMatchObject({ endpoint_name: 'prices', variant: 'housing-2', traffic_percent: 80, serving_since: 77 });

    const updating = await client.endpoints.update('prices', { variants: [{ modelUri: 'models:/housing/3' }], rollout: { strategy: 'canary', steps: [25, 100], bakeSeconds: 1, maxP99Ms: 30 } });
    expect(updating.rollout).toMatchObject({ strategy: 'canary', steps: [25, 100], bake_seconds: 1, max_p99_ms: 30, min_requests: 20, phase: 'Warming' });
    const conflict = await client.endpoints.update('prices', { variants: [{ modelUri: 'models:/housing/1' }] }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(SlipwayApiError);
    expect((conflict as SlipwayApiError).errorCode).toBe('RESOURCE_CONFLICT');
    await expect(client.endpoints.waitUntilSettled('prices', { intervalMs: 50, timeoutMs: 300 })).rejects.toBeInstanceOf(SlipwayClientError);

    const rolled = await client.endpoints.rollback('prices', { reason: 'dashboards' });
    expect(endpointOutcome(rolled)).toBe('rolled-back');
    expect(endpointOutcome(rolled, 'another-rollout')).toBe('ok');
    expect((await collect(client.endpoints.iterateEvents('prices', { pageSize: 1 }))).map((e) => [e.kind, e.actor])).toEqual([
      ['created', 'sdk-user'],
      ['update_requested', 'sdk-user'],
      ['rolled_back', 'sdk-user'],
    ]);
    expect((await collect(client.endpoints.iterate({ status: 'InService' }))).map((e) => e.name)).toEqual(['prices']);

    const meta = await client.endpoints.update('prices', { description: 'now with words' });
    expect(meta.description).toBe('now with words');

    const deleting = await client.endpoints.delete('prices');
    expect(deleting.status).toBe('Deleting');
    const gone = client.endpoints.waitUntilDeleted('prices', { intervalMs: 50 });
    setTimeout(() => void f.store.deleteEndpoint('prices', deleting.revision, []), 200);
    await gone;
    const missing = await client.endpoints.get('prices').catch((e: unknown) => e);
    expect((missing as SlipwayApiError).isNotFound).toBe(true);
    // The earlier incarnation's history stays readable by id.
    await client.endpoints.create({ name: 'prices', variants: [{ modelUri: 'models:/iris/1' }] });
    expect((await client.endpoints.events('prices', { endpointId: created.endpoint_id })).items.map((e) => e.kind)).toEqual(['created', 'update_requested', 'rolled_back', 'delete_requested']);
  });
});

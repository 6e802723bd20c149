import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalArtifactStore } from '../../src/artifacts/local-artifact-store.js';
import { WebhookService } from '../../src/core/webhooks/webhook-service.js';
import { buildApp } from '../../src/server/build-app.js';
import { SqlWebhookStore } from '../../src/store-sql/sql-webhook-store.js';
import { HttpWebhookSender } from '../../src/webhooks/http-webhook-sender.js';
import { BACKENDS } from '../support/test-databases.js';
import { allReady, createEndpointFixture, type EndpointFixture } from './endpoint-fixture.js';

const API = '/api/slipway/v1';

interface Answer {
  endpoint?: Record<string, unknown> & { status: string; variants: Record<string, unknown>[]; rollout?: Record<string, unknown> };
  endpoints?: { name: string; status: string }[];
  events?: { kind: string; actor: string; rollout_id?: string; details: Record<string, unknown> }[];
  deployments?: Record<string, unknown>[];
  next_page_token?: string;
  error_code?: string;
  message?: string;
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: endpoints API`, () => {
    let f: EndpointFixture;
    let app: FastifyInstance;
    let artifactsDir: string;
    beforeEach(async () => {
      f = await createEndpointFixture(backend);
      artifactsDir = mkdtempSync(join(tmpdir(), 'slipway-endpoint-routes-'));
      const webhooks = new WebhookService({ store: await SqlWebhookStore.open(f.database.database), sender: new HttpWebhookSender() });
      app = await buildApp(
        { tracking: f.tracking, registry: f.registry, webhooks, artifacts: await LocalArtifactStore.open(artifactsDir), endpoints: f.service },
        { bodyLimit: 64 * 1024, logLevel: 'silent' },
      );
      await app.ready();
    });
    afterEach(async () => {
      await app.close();
      await f.close();
      rmSync(artifactsDir, { recursive: true, force: true });
    });

    const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, actor = 'alice') => {
      const res = await app.inject({
        method,
        url: `${API}${path}`,
        ...(body === undefined ? {} : typeof body === 'string' ? { payload: body, headers: { 'content-type': 'application/json', 'x-slipway-actor': actor } } : { payload: body as object }),
        ...(typeof body === 'string' ? {} : { headers: { 'x-slipway-actor': actor } }),
      });
      return { status: res.statusCode, json: res.json<Answer>() };
    };
    const nothingWritten = async () => {
      expect((await f.store.listEndpoints({ limit: 10, offset: 0 })).items).toEqual([]);
    };

    it('creates, reads, lists, updates, rolls back and deletes an endpoint, with snake_case JSON and events', async () => {
      const created = await call('POST', '/endpoints', {
        name: 'prices',
        description: 'house prices',
        tags: { team: 'pricing' },
        variants: [{ model_uri: 'models:/housing@champion' }, { name: 'shadowy', model_uri: 'models:/housing/3', shadow: { sample_percent: 10 }, runtime: 'python' }],
      });
      expect(created.status).toBe(200);
      expect(created.json.endpoint).toMatchObject({
        name: 'prices',
        description: 'house prices',
        tags: { team: 'pricing' },
        status: 'Creating',
        revision: 1,
        variants: [
          { name: 'housing-2', model_uri: 'models:/housing@champion', model_name: 'housing', model_version: '2', weight: 100, runtime: 'auto', status: 'Pending' },
          { name: 'shadowy', model_uri: 'models:/housing/3', weight: 0, shadow: { sample_percent: 10 }, runtime: 'python', status: 'Pending' },
        ],
      });
      expect(created.json.endpoint?.creation_time).toBeTypeOf('number');
      expect(created.json.endpoint?.last_update_time).toBeTypeOf('number');
      expect(created.json.endpoint?.rollout).toBeUndefined();

      // The controller loads the variants (simulated through the store).
      await f.controllerWrite('prices', (e) => allReady(e, 1_234));
      const got = await call('GET', '/endpoints/prices');
      expect(got.json.endpoint?.status).toBe('InService');
      expect(got.json.endpoint?.variants[0]).toMatchObject({ status: 'Ready', serving_runtime: 'onnx', runtime_reason: 'compiled', serving_since: 1_234 });
      // The ajax-api mirror answers the same.
      expect((await app.inject({ method: 'GET', url: '/ajax-api/slipway/v1/endpoints/prices' })).json<Answer>().endpoint?.name).toBe('prices');

      const updated = await call(
        'PATCH',
        '/endpoints/prices',
        { variants: [{ name: 'next', model_uri: 'models:/housing/3' }], rollout: { strategy: 'canary', steps: [20, 100], bake_seconds: 5, max_error_rate: 0.05, max_p99_ms: 50, min_requests: 10 } },
        'bob',
      );
      expect(updated.status).toBe(200);
      expect(updated.json.endpoint).toMatchObject({
        status: 'Updating',
        variants: [{ name: 'housing-2' }, { name: 'shadowy' }],
        rollout: { strategy: 'canary', steps: [20, 100], bake_seconds: 5, max_error_rate: 0.05, max_p99_ms: 50, min_requests: 10, phase: 'Warming', step: -1, target_percent: 0, target: [{ name: 'next', model_version: '3', status: 'Pending' }] },
      });
      expect((await call('PATCH', '/endpoints/prices', { variants: [{ model_uri: 'models:/housing/1' }] })).json.error_code).toBe('RESOURCE_CONFLICT');

      const rolled = await call('POST', '/endpoints/prices/rollback', { reason: 'not now' }, 'carol');
      expect(rolled.status).toBe(200);
      expect(rolled.json.endpoint).toMatchObject({ status: 'InService', rollout: { phase: 'RolledBack' } });
      expect(String(rolled.json.endpoint?.rollout?.reason)).toContain('carol: not now');

      const list = await call('GET', '/endpoints');
      expect(list.json.endpoints?.map((e) => [e.name, e.status])).toEqual([['prices', 'InService']]);
      expect((await call('GET', '/endpoints?status=Creating')).json.endpoints).toEqual([]);

      const deleted = await call('DELETE', '/endpoints/prices', undefined, 'dave');
      expect(deleted.status).toBe(200);
      expect(deleted.json.endpoint?.status).toBe('Deleting');

      const events = await call('GET', '/endpoints/prices/events');
      expect(events.json.events?.map((e) => [e.kind, e.actor])).toEqual([
        ['created', 'alice'],
        ['update_requested', 'bob'],
        ['rolled_back', 'carol'],
        ['delete_requested', 'dave'],
      ]);
      expect(events.json.events?.[1]?.rollout_id).toBe(updated.json.endpoint?.rollout?.rollout_id);
      const page = await call('GET', '/endpoints/prices/events?max_results=3');
      expect(page.json.events).toHaveLength(3);
      const rest = await call('GET', `/endpoints/prices/events?max_results=3&page_token=${encodeURIComponent(page.json.next_page_token ?? '')}`);
      expect(rest.json.events?.map((e) => e.kind)).toEqual(['delete_requested']);
      expect(rest.json.next_page_token).toBeUndefined();
    });

    it('says which endpoints serve a model version', async () => {
      await call('POST', '/endpoints', { name: 'prices', variants: [{ model_uri: 'models:/housing/2', weight: 70 }, { name: 'b', model_uri: 'models:/housing/1' }] });
      expect((await call('GET', '/model-versions/deployments?name=housing&version=2')).json.deployments).toEqual([]);
      await f.controllerWrite('prices', (e) => allReady(e, 42));
      const answer = await call('GET', '/model-versions/deployments?name=housing&version=2');
      expect(answer.json.deployments).toEqual([
        { endpoint_name: 'prices', endpoint_status: 'InService', variant: 'housing-2', variant_status: 'Ready', model_name: 'housing', model_version: '2', model_uri: 'models:/housing/2', weight: 70, traffic_percent: 70, in_rollout: false, serving_since: 42 },
      ]);
      expect((await call('GET', '/model-versions/deployments?name=housing&version=two')).status).toBe(400);
      expect((await call('GET', '/model-versions/deployments?name=housing')).json.message).toContain("'version'");
    });

    it.each<[string, unknown, number, string, string]>([
      ['a weight given as text', { name: 'p', variants: [{ model_uri: 'models:/housing/1', weight: '100' }] }, 400, 'INVALID_PARAMETER_VALUE', 'variants[0].weight'],
      ['weights not summing to 100', { name: 'p', variants: [{ model_uri: 'models:/housing/1', weight: 60 }, { model_uri: 'models:/housing/2', weight: 60 }] }, 400, 'INVALID_PARAMETER_VALUE', 'variants[1].weight'],
      ['a missing model_uri', { name: 'p', variants: [{ weight: 100 }] }, 400, 'INVALID_PARAMETER_VALUE', 'variants[0].model_uri'],
      ['a run URI', { name: 'p', variants: [{ model_uri: 'runs:/abc/model' }] }, 400, 'INVALID_PARAMETER_VALUE', 'variants[0].model_uri'],
      ['a shadow without sample_percent', { name: 'p', variants: [{ model_uri: 'models:/housing/1' }, { model_uri: 'models:/housing/2', shadow: {} }] }, 400, 'INVALID_PARAMETER_VALUE', 'variants[1].shadow.sample_percent'],
      ['a bad name', { name: 'Prices', variants: [{ model_uri: 'models:/housing/1' }] }, 400, 'INVALID_PARAMETER_VALUE', "'name'"],
      ['no name', { variants: [{ model_uri: 'models:/housing/1' }] }, 400, 'INVALID_PARAMETER_VALUE', "'name'"],
      ['variants that are no list', { name: 'p', variants: { model_uri: 'models:/housing/1' } }, 400, 'INVALID_PARAMETER_VALUE', 'variants'],
      ['too many variants', { name: 'p', variants: Array.from({ length: 17 }, () => ({ model_uri: 'models:/housing/1' })) }, 400, 'INVALID_PARAMETER_VALUE', 'variants'],
      ['tags that are no strings', { name: 'p', tags: { a: 1 }, variants: [{ model_uri: 'models:/housing/1' }] }, 400, 'INVALID_PARAMETER_VALUE', 'tags.a'],
      ['an unknown version', { name: 'p', variants: [{ model_uri: 'models:/housing/99' }] }, 404, 'RESOURCE_DOES_NOT_EXIST', 'variants[0].model_uri'],
      ['an unknown alias', { name: 'p', variants: [{ model_uri: 'models:/housing@gone' }] }, 404, 'RESOURCE_DOES_NOT_EXIST', 'variants[0].model_uri'],
    ])('refuses %s on create with {error_code, message} naming the field, writing nothing', async (_what, body, status, code, field) => {
      const answer = await call('POST', '/endpoints', body);
      expect(answer.status).toBe(status);
      expect(answer.json.error_code).toBe(code);
      expect(answer.json.message).toContain(field);
      await nothingWritten();
    });

    it('refuses malformed JSON and an oversized body without writing', async () => {
      const malformed = await call('POST', '/endpoints', '{"name": "p", "variants": [');
      expect(malformed.status).toBe(400);
      expect(malformed.json.error_code).toBeDefined();
      const huge = await call('POST', '/endpoints', { name: 'p', description: 'x'.repeat(70 * 1024), variants: [{ model_uri: 'models:/housing/1' }] });
      expect(huge.status).toBe(413);
      expect(huge.json.error_code).toBeDefined();
      await nothingWritten();
    });

    it('refuses bad updates naming the field, and unknown endpoints with 404', async () => {
      await call('POST', '/endpoints', { name: 'prices', variants: [{ model_uri: 'models:/housing/1' }] });
      const before = (await call('GET', '/endpoints/prices')).json.endpoint;
      await f.controllerWrite('prices', (e) => allReady(e));
      const ready = (await call('GET', '/endpoints/prices')).json.endpoint;
      expect(before?.revision).toBe(1);
      for (const [body, field] of [
        [{ variants: [{ model_uri: 'models:/housing/2' }], rollout: { strategy: 'canary', steps: [50, 20, 100] } }, 'rollout.steps[1]'],
        [{ variants: [{ model_uri: 'models:/housing/2' }], rollout: { bake_seconds: 'long' } }, 'rollout.bake_seconds'],
        [{ variants: [{ model_uri: 'models:/housing/2' }], rollout: { max_error_rate: 2 } }, 'rollout.max_error_rate'],
        [{ rollout: { strategy: 'canary' } }, 'variants'],
        [{}, 'variants'],
      ] as const) {
        const answer = await call('PATCH', '/endpoints/prices', body);
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expect(answer.json.error_code).toBe('INVALID_PARAMETER_VALUE');
        expect(answer.json.message).toContain(field);
      }
      expect((await call('GET', '/endpoints/prices')).json.endpoint).toEqual(ready);
      expect((await call('PATCH', '/endpoints/prices', { description: 'new words' })).json.endpoint?.description).toBe('new words');
      expect((await call('POST', '/endpoints/prices/rollback', {})).status).toBe(409);

      for (const [method, path] of [
        ['GET', '/endpoints/nope'],
        ['PATCH', '/endpoints/nope'],
        ['DELETE', '/endpoints/nope'],
        ['POST', '/endpoints/nope/rollback'],
        ['GET', '/endpoints/nope/events'],
      ] as const) {
        const answer = await call(method, path, method === 'PATCH' ? { description: 'x' } : method === 'POST' ? {} : undefined);
        expect(answer.status, `${method} ${path}`).toBe(404);
        expect(answer.json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
      }
      expect((await call('GET', '/endpoints?status=Running')).status).toBe(400);
      expect((await call('GET', '/endpoints?max_results=0')).json.message).toContain('max_results');
    });

    it('pages the list with page_token', async () => {
      for (const n of ['c', 'a', 'b']) await call('POST', '/endpoints', { name: n, variants: [{ model_uri: 'models:/iris/1' }] });
      const first = await call('GET', '/endpoints?max_results=2');
      expect(first.json.endpoints?.map((e) => e.name)).toEqual(['a', 'b']);
      const second = await call('GET', `/endpoints?max_results=2&page_token=${encodeURIComponent(first.json.next_page_token ?? '')}`);
      expect(second.json.endpoints?.map((e) => e.name)).toEqual(['c']);
      expect(second.json.next_page_token).toBeUndefined();
    });

    it('documents every endpoints route in the OpenAPI document', async () => {
      const doc = (await app.inject({ method: 'GET', url: `${API}/openapi.json` })).json<{ paths: Record<string, Record<string, unknown>> }>();
      expect(Object.keys(doc.paths['/api/slipway/v1/endpoints'] ?? {}).sort()).toEqual(['get', 'post']);
      expect(Object.keys(doc.paths['/api/slipway/v1/endpoints/{name}'] ?? {}).sort()).toEqual(['delete', 'get', 'patch']);
      expect(doc.paths['/api/slipway/v1/endpoints/{name}/rollback']).toHaveProperty('post');
      expect(doc.paths['/api/slipway/v1/endpoints/{name}/events']).toHaveProperty('get');
      expect(doc.paths['/api/slipway/v1/model-versions/deployments']).toHaveProperty('get');
      expect(doc.paths['/ajax-api/slipway/v1/endpoints']).toBeUndefined();
    });
  });
}

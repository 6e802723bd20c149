import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/test-databases.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { startReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

type Json = Record<string, unknown>;
type Hook = { webhook_id: string; name: string; url: string; events: { entity: string; action: string }[]; status: string } & Json;

/** MLflow's webhook API and Slipway's delivery-log endpoint over HTTP, on each backend. */
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: webhooks API`, () => {
    let t: TestApp;
    let receiver: WebhookReceiver;

    const create = (body: Json) => t.call('POST', '/webhooks', body);
    const hook = async (body: Json = {}): Promise<Hook> => {
      const res = await create({ name: 'hook', url: receiver.url, events: [{ entity: 'MODEL_VERSION', action: 'CREATED' }], ...body });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ webhook: Hook }>().webhook;
    };
    const error = async (res: Promise<{ statusCode: number; json<T>(): T }>) => {
      const r = await res;
      return { status: r.statusCode, ...r.json<{ error_code: string; message: string }>() };
    };

    beforeAll(async () => {
      t = await createTestApp(backend);
      receiver = await startReceiver();
    });
    afterAll(async () => {
      await t.close();
      await receiver.close();
    });

    it('creates a webhook in MLflow’s shape and never shows its secret', async () => {
      const res = await create({
        name: 'ci.trigger_1',
        url: receiver.url,
        description: 'Build on new versions',
        secret: 'top-secret-value',
        events: [
          { entity: 'MODEL_VERSION', action: 'CREATED' },
          { entity: 4, action: 1 },
          { entity: 'model_version', action: 'stage_changed' },
          'model_version.approval_changed',
          { entity: 'MODEL_VERSION', action: 'CREATED' },
        ],
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).not.toContain('top-secret-value');
      expect(res.body).not.toContain('secret');
      const w = res.json<{ webhook: Hook }>().webhook;
      expect(w).toMatchObject({ name: 'ci.trigger_1', url: receiver.url, description: 'Build on new versions', status: 'ACTIVE' });
      expect(w.webhook_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(w.events).toEqual([
        { entity: 'MODEL_VERSION', action: 'CREATED' },
        { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
        { entity: 'MODEL_VERSION', action: 'STAGE_CHANGED' },
        { entity: 'MODEL_VERSION', action: 'APPROVAL_CHANGED' },
      ]);
      expect(w.creation_timestamp).toBe(w.last_updated_timestamp);

      const got = await t.call('GET', `/webhooks/${w.webhook_id}`);
      expect(got.json()).toEqual({ webhook: w });
      const ajax = await t.app.inject({ method: 'GET', url: `/ajax-api/2.0/mlflow/webhooks/${w.webhook_id}` });
      expect(ajax.json()).toEqual({ webhook: w });
      expect((await t.call('GET', '/webhooks')).body).not.toContain('top-secret-value');
    });

    it('answers field-named INVALID_PARAMETER_VALUE errors for bad names, URLs, events and statuses', async () => {
      const base = { name: 'ok', url: receiver.url, events: [{ entity: 'MODEL_VERSION', action: 'CREATED' }] };
      const cases: [Json, RegExp][] = [
        [{ ...base, name: undefined }, /Missing value for required parameter 'name'/],
        [{ ...base, name: '-starts-with-dash' }, /parameter 'name'/],
        [{ ...base, name: 'x'.repeat(64) }, /parameter 'name'/],
        [{ ...base, url: undefined }, /Missing value for required parameter 'url'/],
        [{ ...base, url: 'ftp://example.com/hook' }, /parameter 'url'.*scheme must be http or https/],
        [{ ...base, url: 'not a url' }, /parameter 'url'.*not an absolute URL/],
        [{ ...base, url: `https://example.com/${'a'.repeat(500)}` }, /Parameter 'url' is 520 characters long; the limit is 500/],
        [{ ...base, events: undefined }, /Missing value for required parameter 'events'/],
        [{ ...base, events: [] }, /Missing value for required parameter 'events'/],
        [{ ...base, events: [{ entity: 'MODEL_VERSION', action: 'SET' }] }, /Invalid action 'set' for entity 'model_version' \(parameter 'events\[0\]'\)/],
        [{ ...base, events: [{ entity: 'MODEL_VERSION' }] }, /Missing value for required parameter 'events\[0\]\.action'/],
        [{ ...base, events: [{ entity: 'NOPE', action: 'CREATED' }] }, /parameter 'events\[0\]\.entity'/],
        [{ ...base, events: ['model_version.created', 'prompt.created'] }, /'events\[1\]'.*does not send prompt events/],
        [{ ...base, events: [42] }, /parameter 'events\[0\]'/],
        [{ ...base, status: 'PAUSED' }, /parameter 'status'/],
        [{ ...base, description: 'd'.repeat(1001) }, /Parameter 'description' is 1001 characters long/],
      ];
      for (const [body, message] of cases) {
        const e = await error(create(body));
        expect(e, JSON.stringify(body).slice(0, 120)).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE' });
        expect(e.message).toMatch(message);
      }
      // Nothing was stored by the rejected requests.
      const names = (await t.call('GET', '/webhooks', { max_results: '1000' })).json<{ webhooks: Hook[] }>().webhooks.map((w) => w.name);
      expect(names).not.toContain('ok');
    });

    it('lists newest first in pages of max_results', async () => {
      const made: string[] = [];
      for (let i = 0; i < 3; i++) made.push((await hook({ name: `page-${i}` })).webhook_id);
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = (await t.call('GET', '/webhooks', { max_results: '2', ...(token === undefined ? {} : { page_token: token }) })).json<{
          webhooks: Hook[];
          next_page_token?: string;
        }>();
        expect(page.webhooks.length).toBeLessThanOrEqual(2);
        seen.push(...page.webhooks.map((w) => w.webhook_id));
        token = page.next_page_token;
      } while (token !== undefined);
      expect(seen.filter((id) => made.includes(id))).toEqual([...made].reverse());
      expect((await error(t.call('GET', '/webhooks', { max_results: '1001' }))).error_code).toBe('INVALID_PARAMETER_VALUE');
    });

    it('updates only the fields given (MLflow: empty means unchanged), and deletes', async () => {
      const w = await hook({ name: 'to-update', description: 'first', secret: 's1' });
      const res = await t.call('PATCH', `/webhooks/${w.webhook_id}`, {
        name: 'updated',
        description: '',
        status: 'DISABLED',
        secret: 'new-secret-value',
        events: ['model_version_alias.deleted'],
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).not.toContain('new-secret-value');
      const u = res.json<{ webhook: Hook }>().webhook;
      expect(u).toMatchObject({ name: 'updated', description: 'first', status: 'DISABLED', url: receiver.url, events: [{ entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' }] });
      expect(Number(u.last_updated_timestamp)).toBeGreaterThanOrEqual(Number(w.last_updated_timestamp));
      expect((await t.call('PATCH', `/webhooks/${w.webhook_id}`, { status: 2 })).json<{ webhook: Hook }>().webhook.status).toBe('DISABLED');
      expect((await t.call('PATCH', `/webhooks/${w.webhook_id}`, { status: 'ACTIVE', events: [] })).json<{ webhook: Hook }>().webhook).toMatchObject({
        status: 'ACTIVE',
        events: [{ entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' }],
      });
      expect((await error(t.call('PATCH', `/webhooks/${w.webhook_id}`, { url: 'mailto:x@example.com' }))).message).toMatch(/parameter 'url'/);

      expect((await t.call('DELETE', `/webhooks/${w.webhook_id}`)).json()).toEqual({});
      const gone = await error(t.call('GET', `/webhooks/${w.webhook_id}`));
      expect(gone).toEqual({ status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Webhook with ID ${w.webhook_id} not found.` });
    });

    it('answers RESOURCE_DOES_NOT_EXIST for an unknown webhook on every endpoint', async () => {
      const calls = [
        () => t.call('GET', '/webhooks/nope'),
        () => t.call('PATCH', '/webhooks/nope', { name: 'x' }),
        () => t.call('DELETE', '/webhooks/nope'),
        () => t.call('POST', '/webhooks/nope/test', {}),
        () => t.app.inject({ method: 'GET', url: '/api/slipway/v1/webhooks/nope/deliveries' }),
      ];
      for (const call of calls) expect(await error(call())).toMatchObject({ status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST' });
    });

    it('tests a webhook with a signed example payload and reports the answer as MLflow does', async () => {
      const w = await hook({ name: 'tested', secret: 'test-key', events: ['model_version_tag.set', 'model_version.created'] });
      receiver.respond(() => ({ status: 200, body: 'thanks' }));
      const before = receiver.received.length;
      const ok = await t.call('POST', `/webhooks/${w.webhook_id}/test`, {});
      expect(ok.json()).toEqual({ result: { success: true, response_status: 200, response_body: 'thanks' } });
      const got = receiver.received[before]!;
      expect(got.json).toMatchObject({ entity: 'model_version_tag', action: 'set', event: 'model_version_tag.set', test: true });
      expect(got.json.data).toEqual({ name: 'example_model', version: '1', key: 'example_key', value: 'example_value' });
      const id = got.headers['x-mlflow-delivery-id'] as string;
      const ts = got.headers['x-mlflow-timestamp'] as string;
      expect(got.json.delivery_id).toBe(id);
      expect(got.headers['x-mlflow-signature']).toBe(`v1,${createHmac('sha256', 'test-key').update(`${id}.${ts}.${got.body}`).digest('base64')}`);
      expect(got.headers['x-slipway-signature-256']).toBe(`sha256=${createHmac('sha256', 'test-key').update(got.body).digest('hex')}`);

      const other = await t.call('POST', `/webhooks/${w.webhook_id}/test`, { event: { entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' } });
      expect(other.json<{ result: { success: boolean } }>().result.success).toBe(true);
      expect(receiver.received.at(-1)!.json).toMatchObject({ event: 'model_version_alias.deleted', data: { name: 'example_model', alias: 'example_alias' } });

      receiver.respond(() => ({ status: 500, body: 'boom' }));
      const failed = await t.call('POST', `/webhooks/${w.webhook_id}/test`, {});
      expect(failed.json()).toEqual({ result: { success: false, response_status: 500, response_body: 'boom' } });
      receiver.respond(() => 200);

      const bad = await error(t.call('POST', `/webhooks/${w.webhook_id}/test`, { event: { entity: 'PROMPT', action: 'CREATED' } }));
      expect(bad).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE' });

      const closed = await startReceiver();
      const url = closed.url;
      await closed.close();
      const down = await hook({ name: 'down', url });
      const unreachable = (await t.call('POST', `/webhooks/${down.webhook_id}/test`, {})).json<{ result: Json }>().result;
      expect(unreachable.success).toBe(false);
      expect(unreachable.response_status).toBeUndefined();
      expect(unreachable.error_message).toMatch(/^Failed to test webhook: .*ECONNREFUSED/);
    });

    it('serves an empty delivery log for a new webhook, with its paging and filter checked', async () => {
      const w = await hook({ name: 'log' });
      for (const prefix of ['/api/slipway/v1', '/ajax-api/slipway/v1']) {
        const res = await t.app.inject({ method: 'GET', url: `${prefix}/webhooks/${w.webhook_id}/deliveries` });
        expect(res.json()).toEqual({ deliveries: [] });
      }
      const bad = await t.app.inject({ method: 'GET', url: `/api/slipway/v1/webhooks/${w.webhook_id}/deliveries?status=lost` });
      expect(bad.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/parameter 'status'/) as unknown });
      const big = await t.app.inject({ method: 'GET', url: `/api/slipway/v1/webhooks/${w.webhook_id}/deliveries?max_results=5000` });
      expect(big.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    });

    it('documents the endpoints in the OpenAPI document', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/api/slipway/v1/openapi.json' })).json<{ paths: Record<string, unknown> }>();
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/2.0/mlflow/webhooks',
          '/api/2.0/mlflow/webhooks/{webhook_id}',
          '/api/2.0/mlflow/webhooks/{webhook_id}/test',
          '/api/slipway/v1/webhooks/{webhook_id}/deliveries',
        ]),
      );
    });
  });
}

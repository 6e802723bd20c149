import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, SlipwayClient, webhookEventName, type Webhook, type WebhookDelivery } from '../../src/sdk/index.js';
import { closedPort, startLiveServer, type LiveServer } from '../support/live-server.js';
import { eventually } from '../support/eventually.js';
import { startReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { rejection } from '../support/sdk-rejection.js';
import { BACKENDS } from '../support/test-databases.js';

const SECRET = 'sdk-secret-9f3a1c';

/** The SDK's webhooks client against the real server (over HTTP), on each backend. */
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: SDK webhooks client`, () => {
    let live: LiveServer;
    let receiver: WebhookReceiver;
    let client: SlipwayClient;
    let hook: Webhook;

    beforeAll(async () => {
      live = await startLiveServer(backend);
      receiver = await startReceiver();
      client = new SlipwayClient({ trackingUri: live.url, actor: 'alice', env: {} });
    });
    afterAll(async () => {
      await live?.stop();
      await receiver?.close();
    });

    it('creates a webhook from event names and {entity, action}; the secret never comes back', async () => {
      hook = await client.webhooks.create({
        name: 'ci.trigger',
        url: receiver.url,
        description: 'Build on new versions',
        secret: SECRET,
        events: ['model_version.created', { entity: 'MODEL_VERSION', action: 'STAGE_CHANGED' }, { entity: 4, action: 1 }, 'model_version.created'],
      });
      expect(hook).toMatchObject({ name: 'ci.trigger', url: receiver.url, description: 'Build on new versions', status: 'ACTIVE' });
      expect(hook.events.map(webhookEventName)).toEqual(['model_version.created', 'model_version.stage_changed', 'model_version_alias.created']);
      expect(hook.webhook_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.stringify(hook)).not.toContain(SECRET);
      expect(await client.webhooks.get(hook.webhook_id)).toEqual(hook);
      const disabled = await client.webhooks.create({ name: 'off', url: receiver.url, events: ['registered_model.created'], status: 'DISABLED' });
      expect(disabled.status).toBe('DISABLED');
    });

    it('refuses bad fields with INVALID_PARAMETER_VALUE naming the field', async () => {
      const bad = (over: Record<string, unknown>) =>
        rejection(client.webhooks.create({ name: 'ok', url: receiver.url, events: ['model_version.created'], ...over }));
      const name = await bad({ name: '-dash' });
      expect(name).toMatchObject({ errorCode: 'INVALID_PARAMETER_VALUE', status: 400 });
      expect(name.message).toContain("'name'");
      expect((await bad({ url: 'ftp://example.com' })).message).toContain("'url'");
      expect((await bad({ events: [] })).message).toContain("'events'");
      expect((await bad({ events: ['prompt.created'] })).message).toContain('Slipway does not send prompt events');
    });

    it('lists newest first with page tokens; iterate() reads every page', async () => {
      for (let i = 0; i < 3; i++) await client.webhooks.create({ name: `paged-${i}`, url: receiver.url, events: ['registered_model.created'] });
      const first = await client.webhooks.list({ maxResults: 2 });
      expect(first.items.map((w) => w.name)).toEqual(['paged-2', 'paged-1']);
      expect(first.nextPageToken).toBeTypeOf('string');
      const second = await client.webhooks.list({ maxResults: 2, pageToken: first.nextPageToken });
      expect(second.items.map((w) => w.name)).toEqual(['paged-0', 'off']);
      const all = await collect(client.webhooks.iterate({ pageSize: 2 }));
      expect(all.map((w) => w.name)).toEqual(['paged-2', 'paged-1', 'paged-0', 'off', 'ci.trigger']);
      expect((await client.webhooks.list()).nextPageToken).toBeUndefined();
      expect((await rejection(client.webhooks.list({ maxResults: 5000 }))).errorCode).toBe('INVALID_PARAMETER_VALUE');
    });

    it('updates only the given fields; the events list is replaced', async () => {
      const renamed = await client.webhooks.update(hook.webhook_id, { name: 'ci.renamed', status: 'DISABLED' });
      expect(renamed).toMatchObject({ name: 'ci.renamed', status: 'DISABLED', url: receiver.url, description: 'Build on new versions' });
      expect(renamed.events).toEqual(hook.events);
      const back = await client.webhooks.update(hook.webhook_id, { status: 'ACTIVE', events: ['model_version.created', 'model_version_tag.set'], description: '' });
      expect(back.events.map(webhookEventName)).toEqual(['model_version.created', 'model_version_tag.set']);
      expect(back).toMatchObject({ status: 'ACTIVE', description: 'Build on new versions' });
      expect(back.last_updated_timestamp).toBeGreaterThanOrEqual(hook.last_updated_timestamp);
    });

    it('test() reports the answer: 2xx succeeds, 500 and no answer are results, not errors', async () => {
      receiver.respond(() => ({ status: 200, body: 'thanks' }));
      const okResult = await client.webhooks.test(hook.webhook_id);
      expect(okResult).toEqual({ success: true, response_status: 200, response_body: 'thanks' });
      const sent = receiver.received.at(-1)!;
      expect(sent.json).toMatchObject({ event: 'model_version.created', test: true });
      expect(sent.headers['x-slipway-signature-256']).toBe(`sha256=${createHmac('sha256', SECRET).update(sent.body).digest('hex')}`);

      receiver.respond(() => ({ status: 500, body: 'boom' }));
      const failed = await client.webhooks.test(hook.webhook_id, { event: 'model_version_tag.set' });
      expect(failed).toEqual({ success: false, response_status: 500, response_body: 'boom' });
      expect(receiver.received.at(-1)!.json).toMatchObject({ event: 'model_version_tag.set', test: true });
      receiver.respond(() => 200);

      const nowhere = await client.webhooks.create({ name: 'nowhere', url: `http://127.0.0.1:${await closedPort()}/hook`, events: ['model_version.created'] });
      const refused = await client.webhooks.test(nowhere.webhook_id);
      expect(refused.success).toBe(false);
      expect(refused.response_status).toBeUndefined();
      expect(refused.error_message).toMatch(/^Failed to test webhook: .+/);
      await client.webhooks.delete(nowhere.webhook_id);

      expect((await rejection(client.webhooks.test(hook.webhook_id, { event: 'model_version.exploded' }))).errorCode).toBe('INVALID_PARAMETER_VALUE');
    });

    it('lists deliveries, newest first, by status and page by page', async () => {
      receiver.respond(() => 200);
      const before = receiver.received.length;
      await client.registry.createRegisteredModel('housing');
      for (let i = 0; i < 3; i++) await client.registry.createModelVersion('housing', 'mlflow-artifacts:/housing/model');
      await eventually(async () => (await client.webhooks.listDeliveries(hook.webhook_id, { status: 'succeeded' })).items.length === 3, 15_000, '3 deliveries');
      // The receiver also hears the other webhooks' registered_model.created.
      const versionsSent = () => receiver.received.slice(before).filter((r) => r.headers['x-slipway-event'] === 'model_version.created');
      expect(versionsSent()).toHaveLength(3);

      const first = await client.webhooks.listDeliveries(hook.webhook_id, { maxResults: 2 });
      expect(first.items).toHaveLength(2);
      expect(first.nextPageToken).toBeTypeOf('string');
      const all: WebhookDelivery[] = await collect(client.webhooks.iterateDeliveries(hook.webhook_id, { pageSize: 2 }));
      expect(all).toHaveLength(3);
      expect(all.slice(0, 2)).toEqual(first.items);
      expect(all.map((d) => d.change_id)).toEqual([...all.map((d) => d.change_id)].sort((a, b) => b - a));
      for (const d of all) {
        expect(d).toMatchObject({ webhook_id: hook.webhook_id, event: 'model_version.created', status: 'succeeded', attempts: 1, last_status_code: 200 });
        expect(d.completed_timestamp).toBeGreaterThanOrEqual(d.creation_timestamp);
      }
      const ids = versionsSent().map((r) => r.headers['x-mlflow-delivery-id']);
      expect(new Set(ids)).toEqual(new Set(all.map((d) => d.delivery_id)));
      expect(await collect(client.webhooks.iterateDeliveries(hook.webhook_id, { status: 'failed' }))).toEqual([]);
      // A runtime value outside the type is the server's to refuse.
      const badStatus = await rejection(client.webhooks.listDeliveries(hook.webhook_id, { status: 'lost' as 'failed' }));
      expect(badStatus.errorCode).toBe('INVALID_PARAMETER_VALUE');
      expect(badStatus.message).toContain("'status'");
    });

    it('deletes a webhook and its log; unknown ids are RESOURCE_DOES_NOT_EXIST (404)', async () => {
      await client.webhooks.delete(hook.webhook_id);
      const id = hook.webhook_id;
      for (const call of [
        () => client.webhooks.get(id),
        () => client.webhooks.update(id, { name: 'x' }),
        () => client.webhooks.delete(id),
        () => client.webhooks.test(id),
        () => client.webhooks.listDeliveries(id),
      ]) {
        expect(await rejection(call())).toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST', status: 404, isNotFound: true });
      }
      // Ids are path segments: anything is encoded, nothing escapes the route.
      expect((await rejection(client.webhooks.get('../webhooks?x=1'))).status).toBe(404);
    });
  });
}

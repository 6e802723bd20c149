import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../../src/server/server-config.js';
import { startServer } from '../../src/server/start-server.js';
import { HttpWebhookSender } from '../../src/webhooks/http-webhook-sender.js';
import { WebhookDispatcher, type WebhookDispatcherOptions } from '../../src/webhooks/webhook-dispatcher.js';
import { BACKENDS } from '../support/test-databases.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { eventually } from '../support/eventually.js';
import { startReceiver, type Received, type WebhookReceiver } from '../support/webhook-receiver.js';

type Json = Record<string, unknown>;
interface Delivery {
  delivery_id: string;
  event: string;
  change_id: number;
  status: string;
  attempts: number;
  last_status_code?: number;
  last_error?: string;
  next_attempt_timestamp?: number;
  completed_timestamp?: number;
}

const FAST: WebhookDispatcherOptions = {
  pollIntervalMs: 20,
  shutdownGraceMs: 100,
  retry: { maxAttempts: 4, initialBackoffMs: 40, maxBackoffMs: 200, attemptTimeoutMs: 2_000 },
};

/** What an MLflow receiver does: HMAC-SHA256 over "{delivery id}.{timestamp}.{raw body}", base64, after "v1,". */
function mlflowVerifies(secret: string, r: Received): boolean {
  const id = r.headers['x-mlflow-delivery-id'] as string;
  const ts = r.headers['x-mlflow-timestamp'] as string;
  const sig = r.headers['x-mlflow-signature'] as string;
  if (!sig.startsWith('v1,')) return false;
  const expected = createHmac('sha256', secret).update(`${id}.${ts}.${r.body}`).digest();
  const given = Buffer.from(sig.slice(3), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** GitHub-style: "sha256=" + hex HMAC-SHA256 of the raw body. */
function slipwayVerifies(secret: string, r: Received): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`);
  const given = Buffer.from(r.headers['x-slipway-signature-256'] as string);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Registry events reaching real HTTP receivers through the dispatcher, on each backend. */
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: webhook delivery`, () => {
    let t: TestApp;
    let receiver: WebhookReceiver;
    const dispatchers: WebhookDispatcher[] = [];
    let seq = 0;

    const dispatcher = (options: WebhookDispatcherOptions = {}): WebhookDispatcher => {
      const d = new WebhookDispatcher(
        { registry: t.registryStore, webhooks: t.webhookStore, sender: new HttpWebhookSender() },
        { ...FAST, ...options, retry: { ...FAST.retry, ...options.retry } },
      );
      dispatchers.push(d);
      d.start();
      return d;
    };
    const ok = async (res: Promise<{ statusCode: number; body: string; json<T>(): T }>) => {
      const r = await res;
      expect(r.statusCode, r.body).toBe(200);
      return r.json<Json>();
    };
    const webhook = async (body: Json): Promise<string> =>
      ((await ok(t.call('POST', '/webhooks', { name: `hook-${++seq}`, url: receiver.url, ...body }))).webhook as { webhook_id: string }).webhook_id;
    const model = async (): Promise<string> => {
      const name = `model-${++seq}`;
      await ok(t.call('POST', '/registered-models/create', { name }));
      return name;
    };
    const version = (name: string, extra: Json = {}) =>
      ok(t.call('POST', '/model-versions/create', { name, source: `mlflow-artifacts:/models/${name}/${++seq}`, ...extra }));
    const deliveries = async (id: string): Promise<Delivery[]> =>
      (await t.app.inject({ method: 'GET', url: `/api/slipway/v1/webhooks/${id}/deliveries` })).json<{ deliveries: Delivery[] }>().deliveries;
    const received = (predicate: (r: Received) => boolean = () => true) => receiver.received.filter(predicate);
    const forModel = (name: string) => (r: Received) => (r.json.data as Json | undefined)?.name === name;
    /** Resolves once the dispatcher's cursor has passed every change made so far. */
    const consumed = async () => {
      const [last] = (await t.registryStore.listChanges({ limit: 100_000 })).slice(-1);
      await eventually(async () => (await t.webhookStore.readCursor('webhooks')) >= (last?.id ?? 0), 10_000, 'the cursor');
    };

    beforeAll(async () => {
      t = await createTestApp(backend);
      receiver = await startReceiver();
    });
    afterEach(async () => {
      await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
      receiver.respond(() => 200);
      // Each test starts without webhooks from the others.
      const list = (await ok(t.call('GET', '/webhooks', { max_results: '1000' }))).webhooks as { webhook_id: string }[];
      for (const w of list) await ok(t.call('DELETE', `/webhooks/${w.webhook_id}`));
    });
    afterAll(async () => {
      await t.close();
      await receiver.close();
    });

    it('delivers model_version.created with MLflow’s payload, signed both ways, and logs it', async () => {
      const secret = 'shh-its-a-secret';
      const id = await webhook({ events: [{ entity: 'MODEL_VERSION', action: 'CREATED' }], secret });
      dispatcher();
      const name = await model();
      const created = await version(name, { tags: [{ key: 'team', value: 'ml' }], description: 'first' });
      const [r] = await eventually(() => received(forModel(name)).length === 1 && received(forModel(name)), 10_000, 'the delivery');

      expect(r!.headers['content-type']).toBe('application/json');
      expect(r!.headers['x-slipway-event']).toBe('model_version.created');
      expect(Math.abs(Number(r!.headers['x-mlflow-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      expect(mlflowVerifies(secret, r!)).toBe(true);
      expect(slipwayVerifies(secret, r!)).toBe(true);
      expect(mlflowVerifies('wrong-secret', r!)).toBe(false);

      const body = r!.json;
      expect(body).toMatchObject({
        entity: 'model_version',
        action: 'created',
        event: 'model_version.created',
        delivery_id: r!.headers['x-mlflow-delivery-id'],
        actor: 'anonymous',
        data: {
          name,
          version: '1',
          source: (created.model_version as Json).source,
          run_id: null,
          tags: { team: 'ml' },
          description: 'first',
        },
      });
      expect(new Date(body.timestamp as string).getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(body.timestamp).toMatch(/\+00:00$/);

      const [log] = await eventually(async () => {
        const list = await deliveries(id);
        return list[0]?.status === 'succeeded' && list;
      });
      expect(log).toMatchObject({ delivery_id: body.delivery_id, event: 'model_version.created', change_id: body.change_id, attempts: 1, last_status_code: 200 });
      expect(log!.last_error).toBeUndefined();
    });

    it('retries with backoff: two 500s, then a 200 → succeeded after 3 attempts, same delivery each time', async () => {
      const id = await webhook({ events: ['model_version.created'], secret: 'k' });
      const name = await model();
      let calls = 0;
      receiver.respond((r) => (forModel(name)(r) && ++calls <= 2 ? { status: 500, body: 'try later' } : 200));
      const started = Date.now();
      dispatcher();
      await version(name);
      const [log] = await eventually(async () => {
        const list = await deliveries(id);
        return list[0]?.status === 'succeeded' && list;
      });
      expect(log).toMatchObject({ status: 'succeeded', attempts: 3, last_status_code: 200, last_error: 'HTTP 500: try later' });
      const attempts = received(forModel(name));
      expect(attempts).toHaveLength(3);
      expect(new Set(attempts.map((a) => a.headers['x-mlflow-delivery-id'])).size).toBe(1);
      expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
      expect(attempts.every((a) => mlflowVerifies('k', a) && slipwayVerifies('k', a))).toBe(true);
      // Backoff 40 ms, then 80 ms: the three attempts span at least 120 ms.
      expect(Date.now() - started).toBeGreaterThanOrEqual(120);
    });

    it('gives up after the last attempt, keeping the last status and error: HTTP errors, refused connections, timeouts', async () => {
      const name = await model();
      const failing = await webhook({ events: ['model_version.created'] });
      const closed = await startReceiver();
      const refusedUrl = closed.url;
      await closed.close();
      const refused = await webhook({ events: ['model_version.created'], url: refusedUrl });
      const slow = await startReceiver(() => ({ status: 200, delayMs: 1_000 }));
      const timingOut = await webhook({ events: ['model_version.created'], url: slow.url });
      receiver.respond((r) => (forModel(name)(r) ? { status: 503, body: 'down for maintenance' } : 200));
      try {
        dispatcher({ retry: { maxAttempts: 3, initialBackoffMs: 20, attemptTimeoutMs: 150 } });
        await version(name);
        const final = async (id: string) =>
          (await eventually(async () => {
            const list = await deliveries(id);
            return list[0]?.status === 'failed' && list;
          }))[0]!;
        const http = await final(failing);
        expect(http).toMatchObject({ status: 'failed', attempts: 3, last_status_code: 503, last_error: 'HTTP 503: down for maintenance' });
        expect(http.next_attempt_timestamp).toBeUndefined();
        expect(http.completed_timestamp).toBeGreaterThan(0);
        expect(received(forModel(name))).toHaveLength(3);

        const network = await final(refused);
        expect(network).toMatchObject({ status: 'failed', attempts: 3 });
        expect(network.last_status_code).toBeUndefined();
        expect(network.last_error).toMatch(/ECONNREFUSED/);

        const timeout = await final(timingOut);
        expect(timeout).toMatchObject({ status: 'failed', attempts: 3, last_error: 'no answer within 150 ms' });
      } finally {
        await slow.close();
      }
    });

    it('sends each webhook only its events: alias set and removed, stage and approval changes', async () => {
      const aliases = await webhook({ events: ['model_version_alias.created', 'model_version_alias.deleted'] });
      const promotions = await webhook({ events: ['model_version.stage_changed', 'model_version.approval_changed'], secret: 'p' });
      const versions = await webhook({ events: ['model_version.created'] });
      dispatcher();
      const name = await model();
      await version(name);
      await version(name);
      await ok(t.call('POST', '/registered-models/alias', { name, alias: 'champion', version: '1' }));
      await ok(t.call('POST', '/registered-models/alias', { name, alias: 'champion', version: '2' }));
      await ok(t.call('DELETE', '/registered-models/alias', { name, alias: 'champion' }));
      await ok(t.call('POST', '/model-versions/set-tag', { name, version: '1', key: 'k', value: 'v' }));
      await ok(t.call('POST', '/model-versions/transition-stage', { name, version: '1', stage: 'Staging', archive_existing_versions: false }));
      const approval = await t.app.inject({
        method: 'POST',
        url: `/api/slipway/v1/registered-models/${name}/versions/2/approval`,
        payload: { status: 'Approved', comment: 'looks good' },
        headers: { 'x-slipway-actor': 'carol' },
      });
      expect(approval.statusCode, approval.body).toBe(200);

      const by = async (id: string, count: number) => {
        await eventually(async () => (await deliveries(id)).filter((d) => d.status === 'succeeded').length === count, 10_000, `${count} deliveries`);
        await consumed();
        const list = (await deliveries(id)).sort((a, b) => a.change_id - b.change_id);
        expect(list.map((d) => d.status)).toEqual(Array(count).fill('succeeded'));
        return list.map((d) => receiver.received.find((r) => r.json.delivery_id === d.delivery_id)!.json);
      };
      expect((await by(aliases, 3)).map((b) => [b.event, b.data])).toEqual([
        ['model_version_alias.created', { name, alias: 'champion', version: '1' }],
        ['model_version_alias.created', { name, alias: 'champion', version: '2' }],
        ['model_version_alias.deleted', { name, alias: 'champion' }],
      ]);
      const promoted = await by(promotions, 2);
      expect(promoted.map((b) => [b.entity, b.action, b.data])).toEqual([
        ['model_version', 'stage_changed', { name, version: '1', from_stage: 'None', to_stage: 'Staging', comment: null }],
        ['model_version', 'approval_changed', { name, version: '2', from_status: 'PendingManualApproval', to_status: 'Approved', comment: 'looks good' }],
      ]);
      expect(promoted[1]!.actor).toBe('carol');
      expect((await by(versions, 2)).map((b) => (b.data as Json).version)).toEqual(['1', '2']);
      const unsigned = receiver.received.find((r) => r.json.event === 'model_version_alias.deleted' && forModel(name)(r))!;
      expect(unsigned.headers['x-mlflow-signature']).toBeUndefined();
      expect(unsigned.headers['x-slipway-signature-256']).toBeUndefined();
      expect(received((r) => forModel(name)(r) && r.json.event === 'model_version_tag.set')).toEqual([]);
    });

    it('sends nothing to a DISABLED webhook, nor history to a new one', async () => {
      const name = await model();
      await version(name);
      dispatcher();
      await consumed();
      const id = await webhook({ events: ['model_version.created'], status: 'DISABLED' });
      await version(name);
      await consumed();
      await new Promise((r) => setTimeout(r, 100));
      expect(received(forModel(name))).toEqual([]);
      expect(await deliveries(id)).toEqual([]);

      await ok(t.call('PATCH', `/webhooks/${id}`, { status: 'ACTIVE' }));
      await version(name);
      await eventually(() => received(forModel(name)).length === 1, 10_000, 'the delivery after enabling');
      await consumed();
      await new Promise((r) => setTimeout(r, 100));
      expect(received(forModel(name)).map((r) => (r.json.data as Json).version)).toEqual(['3']);
    });

    it('resumes from its cursor after a restart: what happened meanwhile arrives, nothing twice', async () => {
      const id = await webhook({ events: ['model_version.created'] });
      const name = await model();
      const first = dispatcher();
      await version(name);
      await version(name);
      await eventually(() => received(forModel(name)).length === 2, 10_000, 'two deliveries');
      await first.stop();

      await version(name);
      await version(name);
      await new Promise((r) => setTimeout(r, 100));
      expect(received(forModel(name))).toHaveLength(2);

      dispatcher();
      await eventually(async () => (await deliveries(id)).filter((d) => d.status === 'succeeded').length === 4, 10_000, 'four deliveries');
      await consumed();
      await new Promise((r) => setTimeout(r, 100));
      const got = received(forModel(name));
      expect(got.map((r) => (r.json.data as Json).version)).toEqual(['1', '2', '3', '4']);
      expect(new Set(got.map((r) => r.json.delivery_id)).size).toBe(4);
      expect(new Set(got.map((r) => r.json.change_id)).size).toBe(4);
    });

    it('on stop, cuts off an attempt in flight and hands it back; the next dispatcher sends it again (at least once)', async () => {
      const id = await webhook({ events: ['model_version.created'] });
      const name = await model();
      let calls = 0;
      receiver.respond((r) => (forModel(name)(r) && ++calls === 1 ? { status: 200, delayMs: 5_000 } : 200));
      const first = dispatcher({ shutdownGraceMs: 50 });
      await version(name);
      await eventually(() => received(forModel(name)).length === 1, 10_000, 'the first attempt');
      const stopping = Date.now();
      await first.stop();
      expect(Date.now() - stopping).toBeLessThan(2_000);
      expect(await deliveries(id)).toMatchObject([{ status: 'pending', attempts: 0 }]);

      dispatcher();
      const [log] = await eventually(async () => {
        const list = await deliveries(id);
        return list[0]?.status === 'succeeded' && list;
      });
      expect(log).toMatchObject({ attempts: 1, last_status_code: 200 });
      const got = received(forModel(name));
      expect(got).toHaveLength(2);
      expect(got[1]!.json.delivery_id).toBe(got[0]!.json.delivery_id);
    });

    it('shares the work when two dispatchers run on one database: every event once', async () => {
      const id = await webhook({ events: ['model_version.created'] });
      const name = await model();
      dispatcher();
      dispatcher();
      for (let i = 0; i < 10; i++) await version(name);
      await eventually(async () => (await deliveries(id)).filter((d) => d.status === 'succeeded').length === 10, 10_000, 'ten deliveries');
      await consumed();
      await new Promise((r) => setTimeout(r, 100));
      const versions = received(forModel(name)).map((r) => Number((r.json.data as Json).version));
      expect(versions.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });
  });
}

describe('startServer runs the dispatcher', () => {
  it('delivers at once after a registry write (nudged, not waiting for the poll), and stops with the server', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'slipway-webhooks-'));
    const receiver = await startReceiver();
    const config = {
      ...resolveServerConfig({ dataDir, port: '0', logLevel: 'silent' }),
      webhookDelivery: { pollIntervalMs: 60_000, retry: { initialBackoffMs: 10 } },
    };
    const server = await startServer(config);
    try {
      const post = async (path: string, body: Json) => {
        const res = await fetch(`${server.url}/api/2.0/mlflow${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        expect(res.status, await res.clone().text()).toBe(200);
        return (await res.json()) as Json;
      };
      await post('/webhooks', { name: 'nudged', url: receiver.url, events: ['registered_model.created'], secret: 's' });
      await new Promise((r) => setTimeout(r, 50));
      await post('/registered-models/create', { name: 'nudge-me', tags: [{ key: 'k', value: 'v' }], description: 'd' });
      const [r] = await eventually(() => receiver.received.length === 1 && receiver.received, 3_000, 'the nudged delivery');
      expect(r!.json).toMatchObject({ entity: 'registered_model', action: 'created', data: { name: 'nudge-me', tags: { k: 'v' }, description: 'd' } });
      expect(mlflowVerifies('s', r!)).toBe(true);
    } finally {
      await server.close();
      await receiver.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookEventName } from '../../src/core/entities/webhook.js';
import type { RegistryStore } from '../../src/core/ports/registry-store.js';
import type { CreateWebhookInput, NewDelivery, WebhookStore } from '../../src/core/ports/webhook-store.js';
import { errorCodeOf } from '../support/error-code-of.js';

/** What a webhook adapter's test file provides: a webhook store and the registry beside it, on a fresh database. */
export interface WebhookStoreHarness {
  create(): Promise<{ webhooks: WebhookStore; registry: RegistryStore; dispose(): Promise<void> }>;
  skip?: string | undefined;
}

/**
 * Behaviour every {@link WebhookStore} must show: CRUD with a write-only secret, the
 * conditional fan-out that moves a consumer's cursor and stores deliveries together, leases
 * that hand a delivery to one sender at a time, attempts recorded only by the lease holder,
 * and the per-webhook delivery log.
 */
export function describeWebhookStoreContract(name: string, harness: WebhookStoreHarness): void {
  describe.skipIf(harness.skip !== undefined)(`${name}: webhook store contract`, () => {
    let store: WebhookStore;
    let registry: RegistryStore;
    let dispose: () => Promise<void>;

    beforeEach(async () => {
      const created = await harness.create();
      store = created.webhooks;
      registry = created.registry;
      dispose = () => created.dispose();
    });
    afterEach(async () => {
      await dispose();
    });

    const code = errorCodeOf;
    const input = (extra: Partial<CreateWebhookInput> = {}): CreateWebhookInput => ({
      name: 'hook',
      url: 'http://127.0.0.1:9/hook',
      events: ['model_version.created'],
      status: 'ACTIVE',
      ...extra,
    });
    let seq = 0;
    const delivery = (webhookId: string, changeId: number, at: number, event: WebhookEventName = 'model_version.created'): NewDelivery => ({
      id: `d-${++seq}-${Math.random().toString(36).slice(2, 8)}`,
      webhookId,
      event,
      changeId,
      payload: JSON.stringify({ change: changeId }),
      creationTimestamp: at,
      nextAttemptTimestamp: at,
    });
    /** Stores `deliveries` through a fan-out on a consumer of their own. */
    const enqueue = async (...deliveries: NewDelivery[]): Promise<void> => {
      const consumer = `c-${++seq}`;
      const from = await store.readCursor(consumer);
      expect(await store.fanOut({ consumer, fromChangeId: from, toChangeId: from, deliveries })).toBe(true);
    };

    describe('webhooks', () => {
      it('creates, gets, updates and deletes; the secret only reaches the delivery side', async () => {
        const w = await store.createWebhook(input({ description: 'd', secret: 's3cret', events: ['model_version.created', 'model_version_alias.created'] }));
        expect(w).toMatchObject({ name: 'hook', description: 'd', url: 'http://127.0.0.1:9/hook', status: 'ACTIVE' });
        expect(w.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(w.events).toEqual(['model_version.created', 'model_version_alias.created']);
        expect(w.lastUpdatedTimestamp).toBe(w.creationTimestamp);
        expect(JSON.stringify(await store.getWebhook(w.id))).not.toContain('s3cret');
        expect(await store.getWebhookTarget(w.id)).toEqual({ webhookId: w.id, url: w.url, secret: 's3cret' });

        const updated = await store.updateWebhook(w.id, { name: 'renamed', status: 'DISABLED', events: ['model_version.stage_changed'] });
        expect(updated).toMatchObject({ name: 'renamed', description: 'd', status: 'DISABLED', events: ['model_version.stage_changed'] });
        expect(updated.lastUpdatedTimestamp).toBeGreaterThanOrEqual(w.lastUpdatedTimestamp);
        expect((await store.getWebhookTarget(w.id)).secret).toBe('s3cret');
        await store.updateWebhook(w.id, { secret: 'other' });
        expect((await store.getWebhookTarget(w.id)).secret).toBe('other');

        await store.deleteWebhook(w.id);
        for (const call of [
          () => store.getWebhook(w.id),
          () => store.updateWebhook(w.id, {}),
          () => store.deleteWebhook(w.id),
          () => store.getWebhookTarget(w.id),
        ]) {
          expect(await code(call())).toBe('RESOURCE_DOES_NOT_EXIST');
        }
      });

      it('lists newest first in pages, and only ACTIVE ones for fan-out', async () => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          ids.push((await store.createWebhook(input({ name: `h${i}`, status: i % 2 === 0 ? 'ACTIVE' : 'DISABLED' }))).id);
          await new Promise((r) => setTimeout(r, 2));
        }
        const first = await store.listWebhooks({ limit: 3, offset: 0 });
        const second = await store.listWebhooks({ limit: 3, offset: 3 });
        expect(first.hasMore).toBe(true);
        expect(second.hasMore).toBe(false);
        expect([...first.items, ...second.items].map((w) => w.name)).toEqual(['h4', 'h3', 'h2', 'h1', 'h0']);
        expect((await store.listActiveWebhooks()).map((w) => w.name).sort()).toEqual(['h0', 'h2', 'h4']);
      });
    });

    describe('change-log cursor and fan-out', () => {
      it('starts a new consumer at the end of the log and moves it with its deliveries, once', async () => {
        await registry.createRegisteredModel({ name: 'm', tags: [] }, 'alice');
        const [first] = await registry.listChanges({ limit: 10 });
        expect(await store.readCursor('webhooks')).toBe(first!.id);
        await registry.createModelVersion({ name: 'm', source: 's', storageLocation: 's', tags: [] }, 'alice');
        const [next] = await registry.listChanges({ afterId: first!.id, limit: 10 });

        const w = await store.createWebhook(input());
        const d = delivery(w.id, next!.id, Date.now());
        expect(await store.fanOut({ consumer: 'webhooks', fromChangeId: first!.id, toChangeId: next!.id, deliveries: [d] })).toBe(true);
        expect(await store.readCursor('webhooks')).toBe(next!.id);
        // Another process read the old cursor too: its fan-out changes nothing.
        const late = delivery(w.id, next!.id + 1, Date.now());
        expect(await store.fanOut({ consumer: 'webhooks', fromChangeId: first!.id, toChangeId: next!.id, deliveries: [late] })).toBe(false);
        expect(await store.readCursor('webhooks')).toBe(next!.id);
        const log = await store.listDeliveries(w.id, { limit: 10, offset: 0 });
        expect(log.items.map((x) => x.id)).toEqual([d.id]);
        expect(log.items[0]).toMatchObject({ webhookId: w.id, event: 'model_version.created', changeId: next!.id, status: 'pending', attempts: 0 });
      });

      it('stores nothing and keeps the cursor when a delivery cannot be stored', async () => {
        const from = await store.readCursor('atomic');
        const w = await store.createWebhook(input());
        const ok = delivery(w.id, 1, Date.now());
        const orphan = delivery('no-such-webhook', 2, Date.now());
        await expect(store.fanOut({ consumer: 'atomic', fromChangeId: from, toChangeId: from + 5, deliveries: [ok, orphan] })).rejects.toThrow();
        expect(await store.readCursor('atomic')).toBe(from);
        expect((await store.listDeliveries(w.id, { limit: 10, offset: 0 })).items).toEqual([]);
      });
    });

    describe('leases and attempts', () => {
      it('claims due deliveries of ACTIVE webhooks only, each for one caller until its lease ends', async () => {
        const now = Date.now();
        const active = await store.createWebhook(input({ secret: 'k' }));
        const disabled = await store.createWebhook(input({ status: 'DISABLED' }));
        const due = delivery(active.id, 1, now - 10);
        const later = { ...delivery(active.id, 2, now), nextAttemptTimestamp: now + 60_000 };
        await enqueue(due, later, delivery(disabled.id, 3, now - 10));

        const claimed = await store.claimDueDeliveries({ now, limit: 10, leaseUntil: now + 1_000 });
        expect(claimed.map((c) => c.id)).toEqual([due.id]);
        expect(claimed[0]).toMatchObject({ event: 'model_version.created', changeId: 1, payload: due.payload, attempts: 0 });
        expect(claimed[0]!.target).toEqual({ webhookId: active.id, url: active.url, secret: 'k' });
        expect(await store.claimDueDeliveries({ now, limit: 10, leaseUntil: now + 1_000 })).toEqual([]);

        // The holder died: after the lease, another caller gets it under a new token.
        const again = await store.claimDueDeliveries({ now: now + 1_000, limit: 10, leaseUntil: now + 2_000 });
        expect(again.map((c) => c.id)).toEqual([due.id]);
        expect(again[0]!.leaseToken).not.toBe(claimed[0]!.leaseToken);
        // The first holder's late record is ignored; the current holder's counts.
        await store.recordAttempt(due.id, claimed[0]!.leaseToken, { attemptedAt: now, status: 'failed', error: 'stale' });
        await store.recordAttempt(due.id, again[0]!.leaseToken, { attemptedAt: now + 1_500, status: 'succeeded', statusCode: 204 });
        const [logged] = (await store.listDeliveries(active.id, { limit: 10, offset: 0, status: 'succeeded' })).items;
        expect(logged).toMatchObject({ id: due.id, status: 'succeeded', attempts: 1, lastStatusCode: 204, completedTimestamp: now + 1_500 });
        expect(logged!.lastError).toBeUndefined();
        expect(logged!.nextAttemptTimestamp).toBeUndefined();

        // Re-enabling the webhook makes its waiting deliveries claimable.
        await store.updateWebhook(disabled.id, { status: 'ACTIVE' });
        expect((await store.claimDueDeliveries({ now: now + 2_000, limit: 10, leaseUntil: now + 3_000 })).map((c) => c.changeId)).toEqual([3]);
      });

      it('hands each delivery to one of two concurrent claimers', async () => {
        const now = Date.now();
        const w = await store.createWebhook(input());
        const all = Array.from({ length: 20 }, (_, i) => delivery(w.id, i + 1, now - 1));
        await enqueue(...all);
        const [a, b] = await Promise.all([
          store.claimDueDeliveries({ now, limit: 15, leaseUntil: now + 5_000 }),
          store.claimDueDeliveries({ now, limit: 15, leaseUntil: now + 5_000 }),
        ]);
        const ids = [...a, ...b].map((c) => c.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.length).toBeGreaterThanOrEqual(15);
      });

      it('records retries, keeps the last error after a success, and gives up as told', async () => {
        const t0 = Date.now();
        const w = await store.createWebhook(input());
        const d = delivery(w.id, 7, t0);
        await enqueue(d);
        const claim = async (at: number) => (await store.claimDueDeliveries({ now: at, limit: 1, leaseUntil: at + 500 }))[0]!;

        let c = await claim(t0);
        await store.recordAttempt(d.id, c.leaseToken, { attemptedAt: t0, status: 'pending', statusCode: 500, error: 'HTTP 500', nextAttemptTimestamp: t0 + 100 });
        let [row] = (await store.listDeliveries(w.id, { limit: 1, offset: 0 })).items;
        expect(row).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500, lastError: 'HTTP 500', nextAttemptTimestamp: t0 + 100, lastAttemptTimestamp: t0 });
        expect(await store.claimDueDeliveries({ now: t0 + 50, limit: 1, leaseUntil: t0 + 550 })).toEqual([]);

        c = await claim(t0 + 100);
        expect(c.attempts).toBe(1);
        await store.recordAttempt(d.id, c.leaseToken, { attemptedAt: t0 + 100, status: 'pending', error: 'connect ECONNREFUSED', nextAttemptTimestamp: t0 + 300 });
        [row] = (await store.listDeliveries(w.id, { limit: 1, offset: 0 })).items;
        expect(row).toMatchObject({ attempts: 2, lastError: 'connect ECONNREFUSED' });
        expect(row!.lastStatusCode).toBeUndefined();

        // A shutdown cuts an attempt short: handed back, not counted.
        c = await claim(t0 + 300);
        await store.releaseDelivery(d.id, c.leaseToken, t0 + 300);
        c = await claim(t0 + 300);
        expect(c.attempts).toBe(2);
        await store.recordAttempt(d.id, c.leaseToken, { attemptedAt: t0 + 400, status: 'failed', statusCode: 503, error: 'HTTP 503' });
        [row] = (await store.listDeliveries(w.id, { limit: 1, offset: 0, status: 'failed' })).items;
        expect(row).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: 503, lastError: 'HTTP 503', completedTimestamp: t0 + 400 });
        expect(await store.claimDueDeliveries({ now: t0 + 10_000, limit: 1, leaseUntil: t0 + 20_000 })).toEqual([]);
      });
    });

    describe('delivery log', () => {
      it('pages newest first, filters by status, 404s for an unknown webhook, and goes with its webhook', async () => {
        const t0 = Date.now();
        const w = await store.createWebhook(input());
        const other = await store.createWebhook(input({ name: 'other' }));
        await enqueue(delivery(w.id, 1, t0), delivery(w.id, 2, t0), delivery(other.id, 2, t0));
        await enqueue(delivery(w.id, 3, t0 + 1));
        const c = (await store.claimDueDeliveries({ now: t0 + 1, limit: 10, leaseUntil: t0 + 100 })).find((x) => x.changeId === 1 && x.target.webhookId === w.id)!;
        await store.recordAttempt(c.id, c.leaseToken, { attemptedAt: t0 + 2, status: 'succeeded', statusCode: 200 });

        const page1 = await store.listDeliveries(w.id, { limit: 2, offset: 0 });
        const page2 = await store.listDeliveries(w.id, { limit: 2, offset: 2 });
        expect([...page1.items, ...page2.items].map((d) => d.changeId)).toEqual([3, 2, 1]);
        expect([page1.hasMore, page2.hasMore]).toEqual([true, false]);
        expect((await store.listDeliveries(w.id, { limit: 10, offset: 0, status: 'succeeded' })).items.map((d) => d.changeId)).toEqual([1]);
        expect(await code(store.listDeliveries('nope', { limit: 10, offset: 0 }))).toBe('RESOURCE_DOES_NOT_EXIST');

        await store.deleteWebhook(w.id);
        const afterLeases = await store.claimDueDeliveries({ now: t0 + 200, limit: 10, leaseUntil: t0 + 300 });
        expect(afterLeases.map((x) => x.target.webhookId)).toEqual([other.id]);
        expect((await store.listDeliveries(other.id, { limit: 10, offset: 0 })).items).toHaveLength(1);
      });
    });
  });
}

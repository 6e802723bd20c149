import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Endpoint, NewEndpointEvent, Variant } from '../../src/core/endpoints/endpoint.js';
import type { EndpointStore } from '../../src/core/ports/endpoint-store.js';
import { errorCodeOf } from '../support/error-code-of.js';

/**
 * What an endpoint adapter's test file provides: a store on a fresh database and a second,
 * independent handle on the same database (another connection, as another process has).
 */
export interface EndpointStoreHarness {
  create(): Promise<{ store: EndpointStore; other: EndpointStore; dispose(): Promise<void> }>;
  skip?: string | undefined;
  /**
   * Whether the two handles may write at the same moment from this one process. Not for
   * SQLite through a synchronous driver: a handle waiting for the other's write lock blocks
   * the event loop the other needs to commit (two processes do not have that problem), so
   * there the handles are interleaved instead.
   */
  concurrentHandles: boolean;
}

const variant = (over: Partial<Variant> = {}): Variant => ({
  name: 'blue',
  modelUri: 'models:/housing@champion',
  weight: 100,
  modelName: 'housing',
  modelVersion: '3',
  status: 'Ready',
  runtime: 'auto',
  servingRuntime: 'onnx',
  runtimeReason: 'compiled to ONNX; predictions match within 1e-5',
  servingSince: 1_500,
  ...over,
});

const endpoint = (over: Partial<Endpoint> = {}): Endpoint => ({
  name: 'housing',
  id: 'ep-1',
  description: 'house prices',
  tags: { team: 'pricing' },
  status: 'Creating',
  variants: [variant({ status: 'Pending', servingRuntime: undefined, runtimeReason: undefined, servingSince: undefined })],
  creationTime: 1_000,
  lastUpdateTime: 1_000,
  revision: 7,
  ...over,
});

const event = (kind: NewEndpointEvent['kind'], time: number, over: Partial<NewEndpointEvent> = {}): NewEndpointEvent => ({
  time,
  kind,
  message: `${kind} at ${time}`,
  actor: 'alice',
  details: {},
  ...over,
});

const all = { limit: 1_000, offset: 0 };

/**
 * Behaviour every {@link EndpointStore} must show: whole endpoints stored and read back,
 * compare-and-set writes on `revision` (of two writers, even on two connections, exactly
 * one wins, and the loser writes no events), events appended in the write's transaction,
 * kept after a delete and listed oldest first, and listing by name a page at a time.
 */
export function describeEndpointStoreContract(name: string, harness: EndpointStoreHarness): void {
  describe.skipIf(harness.skip !== undefined)(`${name}: endpoint store contract`, () => {
    let store: EndpointStore;
    let other: EndpointStore;
    let dispose: () => Promise<void>;

    beforeEach(async () => {
      const created = await harness.create();
      store = created.store;
      other = created.other;
      dispose = () => created.dispose();
    });
    afterEach(async () => {
      await dispose();
    });

    const code = errorCodeOf;
    const kinds = async (id: string, s: EndpointStore = store) => (await s.listEvents(id, all)).items.map((e) => e.kind);

    it('creates at revision 1 with its first events, and reads the whole endpoint back', async () => {
      const created = await store.createEndpoint(endpoint(), [event('created', 1_000, { details: { variants: ['blue'], share: 100 } })]);
      expect(created.revision).toBe(1);
      expect(await store.getEndpoint('housing')).toEqual(created);
      expect(await other.getEndpoint('housing')).toEqual(created);
      const events = (await store.listEvents('ep-1', all)).items;
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ endpointId: 'ep-1', endpointName: 'housing', kind: 'created', time: 1_000, actor: 'alice', details: { variants: ['blue'], share: 100 } });
      expect(events[0]?.id).toMatch(/^[0-9a-f]{32}$/);
      expect(events[0]?.rolloutId).toBeUndefined();
      expect(events[0]?.variant).toBeUndefined();
    });

    it('keeps every part of a rich endpoint: shadow variants, a rollout with its target and policy, tags, reasons', async () => {
      const rich = endpoint({
        status: 'Updating',
        statusReason: 'rolling out r1',
        variants: [variant(), variant({ name: 'shadowy', weight: 0, shadow: { samplePercent: 12.5 }, runtime: 'python', servingRuntime: 'python', runtimeReason: 'no ONNX converter' })],
        rollout: {
          id: 'r1',
          policy: { strategy: 'canary', steps: [10, 50, 100], bakeSeconds: 60, rollback: { maxErrorRate: 0.05, maxP99Ms: 50, minRequests: 20 } },
          target: [variant({ name: 'green', modelUri: 'models:/housing/4', modelVersion: '4', status: 'Pending', servingSince: undefined })],
          phase: 'Baking',
          step: 1,
          stepStartedTime: 2_000,
          startedTime: 1_900,
        },
      });
      const created = await store.createEndpoint(rich, []);
      expect(created).toEqual({ ...rich, revision: 1 });
      expect(await store.getEndpoint('housing')).toEqual({ ...rich, revision: 1 });
      expect((await store.listEvents('ep-1', all)).items).toEqual([]);
    });

    it('refuses a second endpoint under a name in use, writing nothing', async () => {
      await store.createEndpoint(endpoint(), [event('created', 1)]);
      expect(await code(store.createEndpoint(endpoint({ id: 'ep-2', description: 'other' }), [event('created', 2)]))).toBe('RESOURCE_ALREADY_EXISTS');
      expect(await code(other.createEndpoint(endpoint({ id: 'ep-3' }), [event('created', 3)]))).toBe('RESOURCE_ALREADY_EXISTS');
      expect((await store.getEndpoint('housing')).description).toBe('house prices');
      expect(await kinds('ep-2')).toEqual([]);
      expect(await kinds('ep-3')).toEqual([]);
      expect(await kinds('ep-1')).toEqual(['created']);
    });

    it('replaces compare-and-set: each write bumps the revision; a stale one is RESOURCE_CONFLICT and appends no events', async () => {
      const v1 = await store.createEndpoint(endpoint(), [event('created', 1)]);
      const v2 = await store.replaceEndpoint({ ...v1, status: 'InService', lastUpdateTime: 2_000 }, [event('variant_ready', 2, { variant: 'blue' })]);
      expect(v2.revision).toBe(2);
      expect(await store.getEndpoint('housing')).toEqual(v2);
      const stale = await code(store.replaceEndpoint({ ...v1, status: 'Failed', statusReason: 'late' }, [event('failed', 3)]));
      expect(stale).toBe('RESOURCE_CONFLICT');
      expect(await store.getEndpoint('housing')).toEqual(v2);
      expect(await kinds('ep-1')).toEqual(['created', 'variant_ready']);
      const v3 = await store.replaceEndpoint({ ...v2, status: 'Updating' }, []);
      expect(v3.revision).toBe(3);
      expect((await store.getEndpoint('housing')).status).toBe('Updating');
    });

    it('two handles on one database holding the same revision: exactly one write wins, only its events are kept', async () => {
      const v1 = await store.createEndpoint(endpoint(), [event('created', 1)]);
      const seen = await other.getEndpoint('housing');
      expect(seen.revision).toBe(1);
      const writeStore = () => code(store.replaceEndpoint({ ...v1, status: 'InService', statusReason: 'from store' }, [event('variant_ready', 2, { message: 'store' })]));
      const writeOther = () => code(other.replaceEndpoint({ ...seen, status: 'Failed', statusReason: 'from other' }, [event('failed', 2, { message: 'other' })]));
      const outcomes = harness.concurrentHandles ? await Promise.all([writeStore(), writeOther()]) : [await writeStore(), await writeOther()];
      expect(outcomes.filter((c) => c === 'no error')).toHaveLength(1);
      expect(outcomes.filter((c) => c === 'RESOURCE_CONFLICT')).toHaveLength(1);
      const stored = await store.getEndpoint('housing');
      expect(stored.revision).toBe(2);
      const winner = outcomes[0] === 'no error' ? 'store' : 'other';
      expect(stored.statusReason).toBe(`from ${winner}`);
      expect(await other.getEndpoint('housing')).toEqual(stored);
      const events = (await other.listEvents('ep-1', all)).items;
      expect(events.map((e) => e.message)).toEqual(['created at 1', winner]);
    });

    it('many concurrent writers from the same revision: one wins', async () => {
      const v1 = await store.createEndpoint(endpoint(), []);
      const writer = (i: number) => (harness.concurrentHandles && i % 2 === 0 ? other : store);
      const outcomes = await Promise.all(
        [1, 2, 3, 4, 5, 6].map((i) => code(writer(i).replaceEndpoint({ ...v1, description: `w${i}` }, [event('traffic_shifted', i)]))),
      );
      expect(outcomes.filter((c) => c === 'no error')).toHaveLength(1);
      expect(outcomes.filter((c) => c === 'RESOURCE_CONFLICT')).toHaveLength(5);
      expect(await kinds('ep-1')).toEqual(['traffic_shifted']);
      expect((await store.getEndpoint('housing')).description).toBe(`w${outcomes.indexOf('no error') + 1}`);
    });

    it('unknown names are RESOURCE_DOES_NOT_EXIST everywhere', async () => {
      expect(await code(store.getEndpoint('nope'))).toBe('RESOURCE_DOES_NOT_EXIST');
      expect(await code(store.replaceEndpoint(endpoint({ name: 'nope', revision: 1 }), [event('failed', 1)]))).toBe('RESOURCE_DOES_NOT_EXIST');
      expect(await code(store.deleteEndpoint('nope', 1, [event('deleted', 1)]))).toBe('RESOURCE_DOES_NOT_EXIST');
      expect(await kinds('ep-1')).toEqual([]);
    });

    it('deletes compare-and-set, keeps the events of the deleted incarnation, and a new one under the same name starts afresh', async () => {
      const v1 = await store.createEndpoint(endpoint(), [event('created', 1)]);
      const v2 = await store.replaceEndpoint({ ...v1, status: 'Deleting' }, [event('delete_requested', 2)]);
      expect(await code(other.deleteEndpoint('housing', v1.revision, [event('deleted', 3)]))).toBe('RESOURCE_CONFLICT');
      expect(await store.getEndpoint('housing')).toEqual(v2);
      expect(await kinds('ep-1')).toEqual(['created', 'delete_requested']);

      await other.deleteEndpoint('housing', v2.revision, [event('deleted', 4, { actor: 'slipway' })]);
      expect(await code(store.getEndpoint('housing'))).toBe('RESOURCE_DOES_NOT_EXIST');
      expect((await store.listEndpoints(all)).items).toEqual([]);
      const kept = (await store.listEvents('ep-1', all)).items;
      expect(kept.map((e) => [e.kind, e.endpointName, e.actor])).toEqual([
        ['created', 'housing', 'alice'],
        ['delete_requested', 'housing', 'alice'],
        ['deleted', 'housing', 'slipway'],
      ]);

      const again = await store.createEndpoint(endpoint({ id: 'ep-2' }), [event('created', 5)]);
      expect(again.revision).toBe(1);
      expect(await kinds('ep-2')).toEqual(['created']);
      expect(await kinds('ep-1')).toHaveLength(3);
      // A writer still holding the deleted incarnation (same name and revision number) does not overwrite the new one.
      expect(await code(store.replaceEndpoint({ ...v1, description: 'stale incarnation' }, [event('failed', 6)]))).toBe('RESOURCE_CONFLICT');
      expect(await store.getEndpoint('housing')).toEqual(again);
      expect(await kinds('ep-1')).toHaveLength(3);
      expect(await kinds('ep-2')).toEqual(['created']);
    });

    it('lists by name, filtered by status, a page at a time', async () => {
      for (const [n, status] of [
        ['zeta', 'InService'],
        ['alpha', 'Creating'],
        ['mid-1', 'InService'],
        ['beta', 'Failed'],
      ] as const) {
        await store.createEndpoint(endpoint({ name: n, id: `id-${n}`, status }), []);
      }
      const names = async (q: Parameters<EndpointStore['listEndpoints']>[0]) => (await store.listEndpoints(q)).items.map((e) => e.name);
      expect(await names(all)).toEqual(['alpha', 'beta', 'mid-1', 'zeta']);
      expect(await names({ ...all, status: 'InService' })).toEqual(['mid-1', 'zeta']);
      expect(await names({ ...all, status: 'Deleting' })).toEqual([]);
      const first = await store.listEndpoints({ limit: 3, offset: 0 });
      expect(first.items.map((e) => e.name)).toEqual(['alpha', 'beta', 'mid-1']);
      expect(first.hasMore).toBe(true);
      const second = await store.listEndpoints({ limit: 3, offset: 3 });
      expect(second.items.map((e) => e.name)).toEqual(['zeta']);
      expect(second.hasMore).toBe(false);
      expect((await store.listEndpoints({ limit: 4, offset: 0 })).hasMore).toBe(false);
    });

    it('lists events oldest first (in the order written, whatever their times), a page at a time, with their fields', async () => {
      const v1 = await store.createEndpoint(endpoint(), [event('created', 10), event('variant_loading', 10, { variant: 'blue' })]);
      await store.replaceEndpoint({ ...v1, status: 'InService' }, [
        event('variant_ready', 9, { variant: 'blue', rolloutId: 'r1', actor: 'slipway', details: { load_ms: 812, runtime: 'onnx', nested: { a: [1, 2] } } }),
        event('rollout_completed', 30, { rolloutId: 'r1' }),
      ]);
      const events = (await store.listEvents('ep-1', all)).items;
      expect(events.map((e) => e.kind)).toEqual(['created', 'variant_loading', 'variant_ready', 'rollout_completed']);
      expect(new Set(events.map((e) => e.id)).size).toBe(4);
      expect(events[2]).toMatchObject({ variant: 'blue', rolloutId: 'r1', actor: 'slipway', time: 9, details: { load_ms: 812, runtime: 'onnx', nested: { a: [1, 2] } } });
      const page1 = await store.listEvents('ep-1', { limit: 3, offset: 0 });
      expect(page1.items.map((e) => e.kind)).toEqual(['created', 'variant_loading', 'variant_ready']);
      expect(page1.hasMore).toBe(true);
      const page2 = await store.listEvents('ep-1', { limit: 3, offset: 3 });
      expect(page2.items.map((e) => e.kind)).toEqual(['rollout_completed']);
      expect(page2.hasMore).toBe(false);
      expect((await store.listEvents('unknown-id', all)).items).toEqual([]);
    });
  });
}

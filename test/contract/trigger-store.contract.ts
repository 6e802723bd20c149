import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewTrigger, TriggerStore } from '../../src/core/ports/trigger-store.js';
import type { TriggerEvent } from '../../src/core/triggers/trigger.js';
import { errorCodeOf } from '../support/error-code-of.js';

/** What a trigger adapter's test file provides: a trigger store on a fresh database. */
export interface TriggerStoreHarness {
  create(): Promise<{ triggers: TriggerStore; dispose(): Promise<void> }>;
  skip?: string | undefined;
}

const trigger = (over: Partial<NewTrigger> = {}): NewTrigger => ({
  name: 'housing.push',
  pipelineName: 'housing',
  type: 'push',
  config: { branches: ['main'], paths: ['src/**'], secret: 'GITHUB_WEBHOOK_SECRET' },
  params: { sha: '${{ event.after }}' },
  enabled: true,
  source: 'pipeline',
  createdTime: 1_000,
  ...over,
});

const event = (over: Partial<TriggerEvent> = {}): TriggerEvent => ({
  eventId: crypto.randomUUID(),
  triggerName: 'housing.push',
  time: 2_000,
  summary: { ref: 'refs/heads/main' },
  outcome: 'failed',
  reason: 'interrupted',
  ...over,
});

/**
 * Behaviour every {@link TriggerStore} must show: CRUD with unique names and a write-only
 * secret, events claimed once per (trigger, dedup key), compare-and-set watcher state,
 * history newest first, and deleting a trigger deleting its events.
 */
export function describeTriggerStoreContract(name: string, harness: TriggerStoreHarness): void {
  describe.skipIf(harness.skip !== undefined)(`${name}: trigger store contract`, () => {
    let store: TriggerStore;
    let dispose: () => Promise<void>;

    beforeEach(async () => {
      const created = await harness.create();
      store = created.triggers;
      dispose = () => created.dispose();
    });
    afterEach(async () => {
      await dispose();
    });

    const code = errorCodeOf;

    it('creates, reads, lists, enables and deletes triggers; names are unique', async () => {
      const created = await store.createTrigger(trigger());
      expect(created).toMatchObject({ name: 'housing.push', pipelineName: 'housing', type: 'push', enabled: true, source: 'pipeline', hasSecret: false });
      expect(created.config).toEqual({ branches: ['main'], paths: ['src/**'], secret: 'GITHUB_WEBHOOK_SECRET' });
      expect(created.params).toEqual({ sha: '${{ event.after }}' });
      expect(await code(store.createTrigger(trigger()))).toBe('RESOURCE_ALREADY_EXISTS');
      await store.createTrigger(trigger({ name: 'a.data-0', pipelineName: 'a', type: 'data', config: { path: '/x', debounceSeconds: 1 } }));
      await store.createTrigger(trigger({ name: 'other', pipelineName: 'housing', type: 'webhook', source: 'api', secret: 's3cret' }));
      expect((await store.listTriggers({ limit: 10, offset: 0 })).items.map((t) => t.name)).toEqual(['a.data-0', 'housing.push', 'other']);
      expect((await store.listTriggers({ limit: 10, offset: 0, pipelineName: 'housing', source: 'pipeline' })).items.map((t) => t.name)).toEqual(['housing.push']);
      const page = await store.listTriggers({ limit: 2, offset: 0 });
      expect(page.hasMore).toBe(true);
      expect((await store.triggersOfType('data')).map((t) => t.name)).toEqual(['a.data-0']);
      expect((await store.getTrigger('other')).hasSecret).toBe(true);
      expect(JSON.stringify(await store.getTrigger('other'))).not.toContain('s3cret');
      expect(await store.getTriggerSecret('other')).toBe('s3cret');
      expect(await store.getTriggerSecret('housing.push')).toBeUndefined();
      expect((await store.setEnabled('other', false)).enabled).toBe(false);
      await store.deleteTrigger('other');
      expect(await code(store.getTrigger('other'))).toBe('RESOURCE_DOES_NOT_EXIST');
      expect(await code(store.deleteTrigger('other'))).toBe('RESOURCE_DOES_NOT_EXIST');
      expect(await code(store.setEnabled('nope', true))).toBe('RESOURCE_DOES_NOT_EXIST');
    });

    it('replaces a definition, keeping its state unless asked to reset it', async () => {
      await store.createTrigger(trigger({ state: { digests: { a: '1' } } }));
      expect((await store.readState('housing.push')).state).toEqual({ digests: { a: '1' } });
      await store.replaceTrigger(trigger({ config: { branches: ['dev'], paths: [], secret: 'S' } }));
      expect((await store.getTrigger('housing.push')).config).toEqual({ branches: ['dev'], paths: [], secret: 'S' });
      expect((await store.readState('housing.push')).state).toEqual({ digests: { a: '1' } });
      await store.replaceTrigger(trigger({ state: { digests: {} } }), { resetState: true });
      expect((await store.readState('housing.push')).state).toEqual({ digests: {} });
      expect(await code(store.replaceTrigger(trigger({ name: 'missing' })))).toBe('RESOURCE_DOES_NOT_EXIST');
    });

    it('sets state only from the revision the caller read', async () => {
      await store.createTrigger(trigger());
      const first = await store.readState('housing.push');
      expect(first.state).toBeUndefined();
      expect(await store.compareAndSetState('housing.push', first.revision, { since: 5 })).toBe(true);
      // A second writer that read the same revision loses.
      expect(await store.compareAndSetState('housing.push', first.revision, { since: 6 })).toBe(false);
      const second = await store.readState('housing.push');
      expect(second).toEqual({ state: { since: 5 }, revision: first.revision + 1 });
    });

    it('claims an event once per (trigger, dedup key), completes it, lists history newest first', async () => {
      await store.createTrigger(trigger());
      await store.createTrigger(trigger({ name: 'b' }));
      const e1 = event({ time: 10 });
      expect(await store.claimEvent(e1, 'delivery:1')).toBe(true);
      expect(await store.claimEvent(event({ time: 11 }), 'delivery:1')).toBe(false);
      // Another trigger may claim the same key.
      expect(await store.claimEvent(event({ triggerName: 'b' }), 'delivery:1')).toBe(true);
      await store.completeEvent(e1.eventId, 'started', undefined, 'exec-1');
      await store.recordEvent(event({ time: 20, outcome: 'rejected', reason: 'bad signature' }));
      await store.recordEvent(event({ time: 30, outcome: 'ignored', reason: 'other branch' }));
      const history = await store.listEvents('housing.push', { limit: 10, offset: 0 });
      expect(history.items.map((e) => [e.time, e.outcome, e.reason, e.executionId])).toEqual([
        [30, 'ignored', 'other branch', undefined],
        [20, 'rejected', 'bad signature', undefined],
        [10, 'started', undefined, 'exec-1'],
      ]);
      expect(history.items[2]?.summary).toEqual({ ref: 'refs/heads/main' });
      await store.deleteTrigger('housing.push');
      expect((await store.listEvents('housing.push', { limit: 10, offset: 0 })).items).toEqual([]);
      // After deletion the key is free again (a re-created trigger starts fresh).
      await store.createTrigger(trigger());
      expect(await store.claimEvent(event(), 'delivery:1')).toBe(true);
    });

    it('keeps a change-log cursor that moves only from where it was read', async () => {
      const start = await store.readChangeCursor('triggers-test');
      expect(await store.moveChangeCursor('triggers-test', start, start + 3)).toBe(true);
      expect(await store.moveChangeCursor('triggers-test', start, start + 5)).toBe(false);
      expect(await store.readChangeCursor('triggers-test')).toBe(start + 3);
    });
  });
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LeaseStore } from '../../src/core/ports/lease-store.js';
import type { ScheduleStore } from '../../src/core/ports/schedule-store.js';
import type { Schedule, ScheduleFire } from '../../src/core/schedules/schedule.js';
import { errorCodeOf } from '../support/error-code-of.js';

/** What a schedule adapter's test file provides: a schedule store and a lease store on a fresh database. */
export interface ScheduleStoreHarness {
  create(): Promise<{ schedules: ScheduleStore; leases: LeaseStore; dispose(): Promise<void> }>;
  skip?: string | undefined;
}

/**
 * Behaviour every {@link ScheduleStore} and {@link LeaseStore} must show: schedules CRUD,
 * one fire record per due time (the second claim loses), conditional fire updates, the
 * sync of a pipeline's schedules, and leases with one holder at a time.
 */
export function describeScheduleStoreContract(name: string, harness: ScheduleStoreHarness): void {
  describe.skipIf(harness.skip !== undefined)(`${name}: schedule store contract`, () => {
    let store: ScheduleStore;
    let leases: LeaseStore;
    let dispose: () => Promise<void>;

    beforeEach(async () => {
      const created = await harness.create();
      store = created.schedules;
      leases = created.leases;
      dispose = () => created.dispose();
    });
    afterEach(async () => {
      await dispose();
    });

    const code = errorCodeOf;
    const schedule = (id: string, extra: Partial<Schedule> = {}): Schedule => ({
      scheduleId: id,
      pipelineName: 'train',
      source: 'api',
      cron: '0 8 * * MON-FRI',
      timezone: 'Europe/Berlin',
      params: { n: 3, flag: true, who: 'x' },
      overlap: 'skip',
      catchUpSeconds: 3600,
      paused: false,
      cursorTime: 1000,
      createdTime: 1000,
      updatedTime: 1000,
      createdBy: 'alice',
      ...extra,
    });
    const fire = (scheduleId: string, dueTime: number, extra: Partial<ScheduleFire> = {}): ScheduleFire => ({
      scheduleId,
      dueTime,
      status: 'pending',
      holder: 'h1',
      recordedTime: dueTime,
      updatedTime: dueTime,
      ...extra,
    });

    it('creates, reads, lists, pauses and deletes schedules', async () => {
      await store.createSchedule(schedule('a'));
      await store.createSchedule(schedule('b', { pipelineName: 'eval', createdTime: 500 }));
      expect(await store.getSchedule('a')).toEqual(schedule('a'));
      expect(await code(store.createSchedule(schedule('a')))).toBe('RESOURCE_ALREADY_EXISTS');
      expect((await store.listSchedules({ limit: 10, offset: 0 })).items.map((s) => s.scheduleId)).toEqual(['b', 'a']);
      expect((await store.listSchedules({ limit: 10, offset: 0, pipelineName: 'train' })).items.map((s) => s.scheduleId)).toEqual(['a']);
      const page = await store.listSchedules({ limit: 1, offset: 0 });
      expect(page.hasMore).toBe(true);
      const paused = await store.setPaused('a', true, 2000);
      expect(paused).toMatchObject({ paused: true, updatedTime: 2000, cursorTime: 1000 });
      expect((await store.listActiveSchedules()).map((s) => s.scheduleId)).toEqual(['b']);
      expect(await store.setPaused('a', false, 3000, 3000)).toMatchObject({ paused: false, cursorTime: 3000 });
      await store.claimFire(fire('a', 4000));
      await store.deleteSchedule('a');
      expect(await code(store.getSchedule('a'))).toBe('RESOURCE_DOES_NOT_EXIST');
      expect(await code(store.listFires('a', { limit: 10, offset: 0 }))).toBe('RESOURCE_DOES_NOT_EXIST');
      expect(await store.getFire('a', 4000)).toBeUndefined();
      expect(await code(store.deleteSchedule('a'))).toBe('RESOURCE_DOES_NOT_EXIST');
      expect(await code(store.setPaused('nope', true, 1))).toBe('RESOURCE_DOES_NOT_EXIST');
    });

    it('records one fire per due time: a second claim of the same due time loses and writes nothing', async () => {
      await store.createSchedule(schedule('a'));
      expect(await store.claimFire(fire('a', 5000))).toBe(true);
      expect(await store.claimFire(fire('a', 5000, { holder: 'h2', status: 'skipped' }))).toBe(false);
      expect(await store.getFire('a', 5000)).toMatchObject({ holder: 'h1', status: 'pending' });
      expect((await store.getSchedule('a')).cursorTime).toBe(5000);
      // The cursor never moves backwards.
      expect(await store.claimFire(fire('a', 4000, { status: 'missed' }))).toBe(true);
      expect((await store.getSchedule('a')).cursorTime).toBe(5000);
      // Concurrent claims of one due time: exactly one wins.
      const results = await Promise.all([1, 2, 3, 4].map((h) => store.claimFire(fire('a', 6000, { holder: `h${h}` }))));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('updates a fire only in the expected status, and lists fires by status and newest first', async () => {
      await store.createSchedule(schedule('a'));
      await store.claimFire(fire('a', 1000));
      await store.claimFire(fire('a', 2000, { status: 'queued' }));
      await store.claimFire(fire('a', 3000));
      expect(await store.updateFire('a', 1000, { status: 'fired', executionId: 'e1', updatedTime: 9 }, 'pending')).toBe(true);
      expect(await store.updateFire('a', 1000, { status: 'failed', reason: 'x', updatedTime: 10 }, 'pending')).toBe(false);
      expect(await store.getFire('a', 1000)).toMatchObject({ status: 'fired', executionId: 'e1', updatedTime: 9 });
      expect((await store.listFiresByStatus('pending')).map((f) => f.dueTime)).toEqual([3000]);
      expect((await store.listFiresByStatus('queued')).map((f) => f.dueTime)).toEqual([2000]);
      expect((await store.lastStartedFire('a'))?.executionId).toBe('e1');
      const fires = await store.listFires('a', { limit: 2, offset: 0 });
      expect(fires.items.map((f) => f.dueTime)).toEqual([3000, 2000]);
      expect(fires.hasMore).toBe(true);
    });

    it("syncs a pipeline's schedules: keeps the same ids, adds new ones, removes the rest with their fires, never touches api ones", async () => {
      await store.createSchedule(schedule('api-1'));
      const p = (id: string) => schedule(id, { source: 'pipeline' });
      expect(await store.syncPipelineSchedules('train', [p('p1'), p('p2')])).toEqual({ added: ['p1', 'p2'], removed: [] });
      await store.claimFire(fire('p1', 7000));
      await store.claimFire(fire('p2', 7000));
      await store.setPaused('p1', true, 8000);
      const result = await store.syncPipelineSchedules('train', [p('p1'), p('p3')]);
      expect(result).toEqual({ added: ['p3'], removed: ['p2'] });
      const kept = await store.getSchedule('p1');
      expect(kept).toMatchObject({ paused: true, cursorTime: 7000 });
      expect(await store.getFire('p2', 7000)).toBeUndefined();
      expect((await store.listSchedules({ limit: 10, offset: 0 })).items.map((s) => s.scheduleId).sort()).toEqual(['api-1', 'p1', 'p3']);
      await store.syncPipelineSchedules('train', []);
      expect((await store.listSchedules({ limit: 10, offset: 0 })).items.map((s) => s.scheduleId)).toEqual(['api-1']);
    });

    it('hands a lease to one holder until it expires; the holder renews it; release frees it', async () => {
      expect(await leases.tryAcquire('scheduler', 'a', 1000, 10_000)).toBe(true);
      expect(await leases.tryAcquire('scheduler', 'b', 1000, 10_500)).toBe(false);
      expect(await leases.tryAcquire('scheduler', 'a', 1000, 10_900)).toBe(true);
      expect(await leases.getLease('scheduler')).toEqual({ name: 'scheduler', holder: 'a', expiresTime: 11_900, acquiredTime: 10_000 });
      expect(await leases.tryAcquire('scheduler', 'b', 1000, 11_800)).toBe(false);
      // Expired: another holder takes it.
      expect(await leases.tryAcquire('scheduler', 'b', 1000, 11_900)).toBe(true);
      expect(await leases.getLease('scheduler')).toMatchObject({ holder: 'b', acquiredTime: 11_900 });
      expect(await leases.tryAcquire('scheduler', 'a', 1000, 12_000)).toBe(false);
      await leases.release('scheduler', 'a');
      expect((await leases.getLease('scheduler'))?.holder).toBe('b');
      await leases.release('scheduler', 'b');
      expect(await leases.getLease('scheduler')).toBeUndefined();
      // Concurrent attempts on a free lease: exactly one holder wins.
      const won = await Promise.all(['x', 'y', 'z'].map((h) => leases.tryAcquire('other', h, 5000, 20_000)));
      expect(won.filter(Boolean)).toHaveLength(1);
    });
  });
}

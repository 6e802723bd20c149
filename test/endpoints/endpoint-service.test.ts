import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/core/endpoints/endpoint.js';
import type { EndpointChange, UpdateEndpointInput } from '../../src/core/endpoints/endpoint-service.js';
import type { EndpointStore } from '../../src/core/ports/endpoint-store.js';
import { errorCodeOf } from '../support/error-code-of.js';
import { createSqliteTestDatabase } from '../support/test-databases.js';
import { allReady, createEndpointFixture, type EndpointFixture } from './endpoint-fixture.js';

const SQLITE = { name: 'sqlite' as const, skip: undefined, create: createSqliteTestDatabase };

/** The error a promise rejects with: its code and message. */
async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { code: (e as { code?: string }).code ?? 'untyped', message: (e as Error).message };
  }
  throw new Error('expected a rejection');
}

describe('EndpointService on SQLite', () => {
  let f: EndpointFixture;
  let changes: EndpointChange[];
  beforeEach(async () => {
    f = await createEndpointFixture(SQLITE);
    changes = [];
    f.service.onChange((c) => changes.push(c));
  });
  afterEach(async () => {
    await f.close();
  });

  /** Nothing was written: no endpoint, no event, no notification. */
  const expectNothingWritten = async () => {
    expect((await f.store.listEndpoints({ limit: 100, offset: 0 })).items).toEqual([]);
    expect(changes).toEqual([]);
  };

  const createReady = async (name = 'prices', modelUri = 'models:/housing@champion'): Promise<Endpoint> => {
    await f.service.create({ name, variants: [{ modelUri }] }, 'alice');
    return f.controllerWrite(name, (e) => allReady(e));
  };

  describe('create', () => {
    it('stores a Creating endpoint with Pending variants pinned to the version the URI names now, and a created event', async () => {
      const created = await f.service.create(
        { name: 'prices', description: 'house prices', tags: { team: 'pricing' }, variants: [{ modelUri: 'models:/housing@champion' }, { name: 'shadow-3', modelUri: 'models:/housing/3', shadow: { samplePercent: 10 }, runtime: 'python' }] },
        'alice',
      );
      expect(created).toMatchObject({
        name: 'prices',
        description: 'house prices',
        tags: { team: 'pricing' },
        status: 'Creating',
        revision: 1,
        variants: [
          { name: 'housing-2', modelUri: 'models:/housing@champion', modelName: 'housing', modelVersion: '2', weight: 100, runtime: 'auto', status: 'Pending' },
          { name: 'shadow-3', modelUri: 'models:/housing/3', modelName: 'housing', modelVersion: '3', weight: 0, shadow: { samplePercent: 10 }, runtime: 'python', status: 'Pending' },
        ],
      });
      expect(created.rollout).toBeUndefined();
      expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await f.service.get('prices')).toEqual(created);
      expect(changes).toEqual([{ name: 'prices', endpoint: created }]);
      const events = (await f.service.events('prices')).items;
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ kind: 'created', actor: 'alice', endpointId: created.id });
      expect(events[0]?.message).toContain('housing-2 (housing/2, 100 %)');
      expect(events[0]?.details).toMatchObject({ variants: [{ name: 'housing-2', model_version: '2' }, { name: 'shadow-3', sample_percent: 10 }] });

      // Moving the alias later changes nothing that serves.
      await f.registry.setAlias('housing', 'champion', '3', 'trainer');
      expect((await f.service.get('prices')).variants[0]?.modelVersion).toBe('2');
    });

    it('gives the one live variant without a weight the rest of 100, and names unnamed variants after their versions, uniquely', async () => {
      const created = await f.service.create(
        { name: 'split', variants: [{ modelUri: 'models:/housing/1', weight: 30 }, { modelUri: 'models:/housing/1' }, { modelUri: 'models:/iris/1', weight: 20.5 }] },
        'alice',
      );
      expect(created.variants.map((v) => [v.name, v.weight])).toEqual([
        ['housing-1', 30],
        ['housing-1-2', 49.5],
        ['iris-1', 20.5],
      ]);
    });

    it.each<[string, unknown, string, string]>([
      ['a name that is no URL segment', { name: 'Prices!', variants: [{ modelUri: 'models:/housing/1' }] }, 'INVALID_PARAMETER_VALUE', "'name'"],
      ['no variants', { name: 'p', variants: [] }, 'INVALID_PARAMETER_VALUE', "'variants'"],
      ['a run URI', { name: 'p', variants: [{ modelUri: 'runs:/abc/model' }] }, 'INVALID_PARAMETER_VALUE', "'variants[0].model_uri'"],
      ['a version that is no number', { name: 'p', variants: [{ modelUri: 'models:/housing/latest' }] }, 'INVALID_PARAMETER_VALUE', "'variants[0].model_uri'"],
      ['weights not summing to 100', { name: 'p', variants: [{ modelUri: 'models:/housing/1', weight: 50 }, { modelUri: 'models:/housing/2', weight: 40 }] }, 'INVALID_PARAMETER_VALUE', "'variants[1].weight'"],
      ['two live variants without weights', { name: 'p', variants: [{ modelUri: 'models:/housing/1' }, { modelUri: 'models:/housing/2' }] }, 'INVALID_PARAMETER_VALUE', "'variants[1].weight'"],
      ['nothing left for the open weight', { name: 'p', variants: [{ modelUri: 'models:/housing/1', weight: 100 }, { modelUri: 'models:/housing/2' }] }, 'INVALID_PARAMETER_VALUE', "'variants[1].weight'"],
      ['a weight above 100', { name: 'p', variants: [{ modelUri: 'models:/housing/1', weight: 120 }] }, 'INVALID_PARAMETER_VALUE', "'variants[0].weight'"],
      ['a weight that is no number', { name: 'p', variants: [{ modelUri: 'models:/housing/1', weight: '100' }] }, 'INVALID_PARAMETER_VALUE', "'variants[0].weight'"],
      ['a shadow with a weight', { name: 'p', variants: [{ modelUri: 'models:/housing/1' }, { modelUri: 'models:/housing/2', weight: 10, shadow: { samplePercent: 5 } }] }, 'INVALID_PARAMETER_VALUE', "'variants[1].weight'"],
      ['a shadow sampling nothing', { name: 'p', variants: [{ modelUri: 'models:/housing/1' }, { modelUri: 'models:/housing/2', shadow: { samplePercent: 0 } }] }, 'INVALID_PARAMETER_VALUE', "'variants[1].shadow.sample_percent'"],
      ['only shadows', { name: 'p', variants: [{ modelUri: 'models:/housing/2', shadow: { samplePercent: 5 } }] }, 'INVALID_PARAMETER_VALUE', "'variants'"],
      ['two variants with one name', { name: 'p', variants: [{ name: 'a', modelUri: 'models:/housing/1', weight: 50 }, { name: 'a', modelUri: 'models:/housing/2', weight: 50 }] }, 'INVALID_PARAMETER_VALUE', "'variants[1].name'"],
      ['an unknown runtime', { name: 'p', variants: [{ modelUri: 'models:/housing/1', runtime: 'tensorrt' }] }, 'INVALID_PARAMETER_VALUE', "'variants[0].runtime'"],
      ['too many variants', { name: 'p', variants: Array.from({ length: 17 }, () => ({ modelUri: 'models:/housing/1', shadow: { samplePercent: 1 } })) }, 'INVALID_PARAMETER_VALUE', "'variants'"],
      ['a description too long', { name: 'p', description: 'x'.repeat(5001), variants: [{ modelUri: 'models:/housing/1' }] }, 'INVALID_PARAMETER_VALUE', "'description'"],
      ['an unknown version', { name: 'p', variants: [{ modelUri: 'models:/housing/1', weight: 50 }, { modelUri: 'models:/housing/9', weight: 50 }] }, 'RESOURCE_DOES_NOT_EXIST', "'variants[1].model_uri'"],
      ['an unknown alias', { name: 'p', variants: [{ modelUri: 'models:/housing@nope' }] }, 'RESOURCE_DOES_NOT_EXIST', "'variants[0].model_uri'"],
      ['an unknown model', { name: 'p', variants: [{ modelUri: 'models:/nope/1' }] }, 'RESOURCE_DOES_NOT_EXIST', "'variants[0].model_uri'"],
    ])('refuses %s, naming the field and writing nothing', async (_what, input, code, field) => {
      const error = await failure(f.service.create(input as Parameters<typeof f.service.create>[0], 'alice'));
      expect(error.code).toBe(code);
      expect(error.message).toContain(field);
      await expectNothingWritten();
    });

    it('refuses a name in use', async () => {
      await f.service.create({ name: 'prices', variants: [{ modelUri: 'models:/housing/1' }] }, 'alice');
      expect(await errorCodeOf(f.service.create({ name: 'prices', variants: [{ modelUri: 'models:/housing/2' }] }, 'bob'))).toBe('RESOURCE_ALREADY_EXISTS');
      expect((await f.service.get('prices')).variants[0]?.modelVersion).toBe('1');
    });
  });

  describe('update', () => {
    it('starts a blue/green rollout with the defaults: Updating, target Pending and pinned, the serving variants unchanged', async () => {
      const ready = await createReady();
      changes.length = 0;
      const updated = await f.service.update('prices', { variants: [{ modelUri: 'models:/housing/3' }] }, 'bob');
      expect(updated.status).toBe('Updating');
      expect(updated.revision).toBe(ready.revision + 1);
      expect(updated.variants).toEqual(ready.variants);
      expect(updated.rollout).toMatchObject({
        policy: { strategy: 'blue-green', steps: [100], bakeSeconds: 0, rollback: { minRequests: 20 } },
        target: [{ name: 'housing-3', modelName: 'housing', modelVersion: '3', weight: 100, status: 'Pending' }],
        phase: 'Warming',
        step: -1,
      });
      expect(updated.rollout?.policy.rollback.maxErrorRate).toBeUndefined();
      expect(changes).toEqual([{ name: 'prices', endpoint: updated }]);
      const last = (await f.service.events('prices')).items.at(-1);
      expect(last).toMatchObject({ kind: 'update_requested', actor: 'bob', rolloutId: updated.rollout?.id, details: { policy: { strategy: 'blue-green', steps: [100] } } });
    });

    it('fills canary defaults and takes every threshold', async () => {
      await createReady();
      const canary = await f.service.update('prices', { variants: [{ modelUri: 'models:/housing/3' }], rollout: { strategy: 'canary' } }, 'bob');
      expect(canary.rollout?.policy).toEqual({ strategy: 'canary', steps: [10, 50, 100], bakeSeconds: 60, rollback: { minRequests: 20 } });
      await f.service.rollback('prices', 'bob');
      const custom = await f.service.update(
        'prices',
        { variants: [{ modelUri: 'models:/housing/3' }], rollout: { strategy: 'canary', steps: [5, 100], bakeSeconds: 2, maxErrorRate: 0.05, maxP99Ms: 50, minRequests: 3 } },
        'bob',
      );
      expect(custom.rollout?.policy).toEqual({ strategy: 'canary', steps: [5, 100], bakeSeconds: 2, rollback: { maxErrorRate: 0.05, maxP99Ms: 50, minRequests: 3 } });
    });

    it.each<[string, UpdateEndpointInput, string]>([
      ['a strategy it does not know', { variants: [{ modelUri: 'models:/housing/3' }], rollout: { strategy: 'rolling' } }, "'rollout.strategy'"],
      ['steps that do not increase', { variants: [{ modelUri: 'models:/housing/3' }], rollout: { strategy: 'canary', steps: [50, 10, 100] } }, "'rollout.steps[1]'"],
      ['steps not ending at 100', { variants: [{ modelUri: 'models:/housing/3' }], rollout: { strategy: 'canary', steps: [10, 50] } }, "'rollout.steps[1]'"],
      ['steps for blue/green', { variants: [{ modelUri: 'models:/housing/3' }], rollout: { steps: [10, 100] } }, "'rollout.steps'"],
      ['a negative bake', { variants: [{ modelUri: 'models:/housing/3' }], rollout: { bakeSeconds: -1 } }, "'rollout.bake_seconds'"],
      ['an error rate above 1', { variants: [{ modelUri: 'models:/housing/3' }], rollout: { maxErrorRate: 5 } }, "'rollout.max_error_rate'"],
      ['a p99 of 0', { variants: [{ modelUri: 'models:/housing/3' }], rollout: { maxP99Ms: 0 } }, "'rollout.max_p99_ms'"],
      ['a fractional min_requests', { variants: [{ modelUri: 'models:/housing/3' }], rollout: { minRequests: 2.5 } }, "'rollout.min_requests'"],
      ['a policy without variants', { rollout: { strategy: 'canary' } }, "'variants'"],
      ['nothing at all', {}, "'variants'"],
    ])('refuses %s, naming the field and writing nothing', async (_what, input, field) => {
      const ready = await createReady();
      changes.length = 0;
      const error = await failure(f.service.update('prices', input, 'bob'));
      expect(error.code).toBe('INVALID_PARAMETER_VALUE');
      expect(error.message).toContain(field);
      expect(await f.service.get('prices')).toEqual(ready);
      expect(changes).toEqual([]);
    });

    it('refuses a rollout while the endpoint is Creating or Updating (409), writing nothing; a Failed endpoint can be updated', async () => {
      const creating = await f.service.create({ name: 'prices', variants: [{ modelUri: 'models:/housing/1' }] }, 'alice');
      const error = await failure(f.service.update('prices', { variants: [{ modelUri: 'models:/housing/2' }] }, 'bob'));
      expect(error.code).toBe('RESOURCE_CONFLICT');
      expect(error.message).toContain('Creating');
      expect(await f.service.get('prices')).toEqual(creating);

      await f.controllerWrite('prices', (e) => ({ ...e, status: 'Failed', statusReason: 'variant housing-1 failed: no model file', variants: e.variants.map((v) => ({ ...v, status: 'Failed' })) }));
      const updating = await f.service.update('prices', { variants: [{ modelUri: 'models:/housing/2' }] }, 'bob');
      expect(updating.status).toBe('Updating');
      expect(updating.statusReason).toBeUndefined();
      expect((await failure(f.service.update('prices', { variants: [{ modelUri: 'models:/housing/3' }] }, 'bob'))).message).toMatch(/Updating \(rollout .* is Warming\)/);
      expect(await f.service.get('prices')).toEqual(updating);
    });

    it('writes description and tags alone at once, even while Creating', async () => {
      await f.service.create({ name: 'prices', variants: [{ modelUri: 'models:/housing/1' }] }, 'alice');
      const updated = await f.service.update('prices', { description: 'v2 text', tags: { owner: 'bob' } }, 'bob');
      expect(updated).toMatchObject({ status: 'Creating', description: 'v2 text', tags: { owner: 'bob' }, revision: 2 });
      expect(updated.rollout).toBeUndefined();
    });

    it('re-reads and decides again when another writer (the controller) wrote in between', async () => {
      await f.close();
      let interfere: (() => Promise<void>) | undefined;
      f = await createEndpointFixture(SQLITE, {
        store: (inner): EndpointStore => ({
          createEndpoint: (e, ev) => inner.createEndpoint(e, ev),
          getEndpoint: (n) => inner.getEndpoint(n),
          listEndpoints: (q) => inner.listEndpoints(q),
          listEvents: (id, p) => inner.listEvents(id, p),
          deleteEndpoint: (n, r, ev) => inner.deleteEndpoint(n, r, ev),
          async replaceEndpoint(e, ev) {
            const once = interfere;
            interfere = undefined;
            await once?.();
            return inner.replaceEndpoint(e, ev);
          },
        }),
      });
      await f.service.create({ name: 'prices', variants: [{ modelUri: 'models:/housing/1' }] }, 'alice');
      await f.controllerWrite('prices', (e) => allReady(e));
      // The controller marks the variant Failed between the service's read and its write.
      interfere = async () => {
        await f.controllerWrite('prices', (e) => ({ ...e, status: 'Failed', statusReason: 'worker died', variants: e.variants.map((v) => ({ ...v, status: 'Failed' })) }), [
          { time: 1, kind: 'variant_failed', actor: 'slipway', message: 'worker died', details: {} },
        ]);
      };
      const deleted = await f.service.delete('prices', 'bob');
      expect(deleted).toMatchObject({ status: 'Deleting', revision: 4, variants: [{ status: 'Failed' }] });
      expect((await f.service.events('prices')).items.map((e) => e.kind)).toEqual(['created', 'variant_failed', 'delete_requested']);
      expect((await f.service.events('prices')).items.at(-1)?.details).toEqual({ previous_status: 'Failed' });
    });
  });

  describe('rollback', () => {
    it('rolls a baking rollout back in one write: phase RolledBack, InService, serving variants unchanged', async () => {
      const ready = await createReady();
      await f.service.update('prices', { variants: [{ modelUri: 'models:/housing/3' }], rollout: { strategy: 'canary' } }, 'bob');
      const baking = await f.controllerWrite('prices', (e) => ({
        ...e,
        rollout: { ...e.rollout!, phase: 'Baking', step: 1, stepStartedTime: 9_000, target: e.rollout!.target.map((v) => ({ ...v, status: 'Ready' })) },
      }));
      changes.length = 0;
      const rolled = await f.service.rollback('prices', 'carol', 'p99 looks bad on the dashboard');
      expect(rolled.revision).toBe(baking.revision + 1);
      expect(rolled).toMatchObject({ status: 'InService', variants: ready.variants, rollout: { id: baking.rollout?.id, phase: 'RolledBack', step: 1 } });
      expect(rolled.rollout?.reason).toContain('rolled back by carol: p99 looks bad on the dashboard');
      expect(rolled.statusReason).toContain('rolled back by carol');
      expect(rolled.rollout?.endedTime).toBeTypeOf('number');
      expect(changes).toEqual([{ name: 'prices', endpoint: rolled }]);
      const last = (await f.service.events('prices')).items.at(-1);
      expect(last).toMatchObject({ kind: 'rolled_back', actor: 'carol', rolloutId: baking.rollout?.id, details: { manual: true, phase: 'Baking', step: 1, target_percent: 50 } });
      // It is over: a second rollback has nothing to do, and a new update may start.
      expect(await errorCodeOf(f.service.rollback('prices', 'carol'))).toBe('RESOURCE_CONFLICT');
      expect((await f.service.update('prices', { variants: [{ modelUri: 'models:/housing/3' }] }, 'bob')).status).toBe('Updating');
    });

    it('leaves the endpoint Failed when no serving variant is Ready; refuses without a rollout in progress', async () => {
      await f.service.create({ name: 'prices', variants: [{ modelUri: 'models:/housing/1' }] }, 'alice');
      expect((await failure(f.service.rollback('prices', 'carol'))).message).toContain('no rollout in progress');
      await f.controllerWrite('prices', (e) => ({ ...e, status: 'Failed', variants: e.variants.map((v) => ({ ...v, status: 'Failed' })) }));
      await f.service.update('prices', { variants: [{ modelUri: 'models:/housing/2' }] }, 'bob');
      const rolled = await f.service.rollback('prices', 'carol');
      expect(rolled).toMatchObject({ status: 'Failed', rollout: { phase: 'RolledBack' } });
      expect(rolled.statusReason).toContain('no serving variant is Ready');
      expect(await errorCodeOf(f.service.rollback('nope', 'carol'))).toBe('RESOURCE_DOES_NOT_EXIST');
    });
  });

  describe('delete', () => {
    it('marks the endpoint Deleting once; then refuses updates; events outlive it and stay readable by id', async () => {
      const ready = await createReady();
      const deleting = await f.service.delete('prices', 'dave');
      expect(deleting).toMatchObject({ status: 'Deleting', revision: ready.revision + 1 });
      expect(await f.service.delete('prices', 'dave')).toEqual(deleting);
      expect(await errorCodeOf(f.service.update('prices', { variants: [{ modelUri: 'models:/housing/3' }] }, 'bob'))).toBe('RESOURCE_CONFLICT');
      expect(await errorCodeOf(f.service.update('prices', { description: 'x' }, 'bob'))).toBe('RESOURCE_CONFLICT');
      expect(await errorCodeOf(f.service.rollback('prices', 'bob'))).toBe('RESOURCE_CONFLICT');
      expect((await f.service.events('prices')).items.map((e) => e.kind)).toEqual(['created', 'delete_requested']);

      // The controller finishes; a new endpoint under the name has its own history.
      await f.store.deleteEndpoint('prices', deleting.revision, [{ time: 1, kind: 'deleted', actor: 'slipway', message: 'gone', details: {} }]);
      await f.service.create({ name: 'prices', variants: [{ modelUri: 'models:/iris/1' }] }, 'erin');
      expect((await f.service.events('prices')).items.map((e) => e.kind)).toEqual(['created']);
      expect((await f.service.events('prices', { endpointId: ready.id })).items.map((e) => e.kind)).toEqual(['created', 'delete_requested', 'deleted']);
      expect(await errorCodeOf(f.service.events('other', { endpointId: ready.id }))).toBe('RESOURCE_DOES_NOT_EXIST');
      expect(await errorCodeOf(f.service.delete('nope', 'dave'))).toBe('RESOURCE_DOES_NOT_EXIST');
    });
  });

  describe('list, events and deployments', () => {
    it('lists by name with a status filter and page tokens; pages events', async () => {
      for (const n of ['delta', 'alpha', 'charlie', 'bravo']) await f.service.create({ name: n, variants: [{ modelUri: 'models:/housing/1' }] }, 'alice');
      await f.controllerWrite('charlie', (e) => allReady(e));
      const first = await f.service.list({ maxResults: 3 });
      expect(first.items.map((e) => e.name)).toEqual(['alpha', 'bravo', 'charlie']);
      const second = await f.service.list({ maxResults: 3, pageToken: first.nextPageToken });
      expect(second.items.map((e) => e.name)).toEqual(['delta']);
      expect(second.nextPageToken).toBeUndefined();
      expect((await f.service.list({ status: 'inservice' })).items.map((e) => e.name)).toEqual(['charlie']);
      expect((await failure(f.service.list({ status: 'Running' }))).message).toContain("'status'");
      expect((await failure(f.service.list({ maxResults: 0 }))).message).toContain("'max_results'");
      expect((await failure(f.service.list({ pageToken: 'garbage!' }))).code).toBe('INVALID_PARAMETER_VALUE');

      await f.service.update('charlie', { variants: [{ modelUri: 'models:/housing/2' }] }, 'bob');
      await f.service.rollback('charlie', 'bob');
      const page1 = await f.service.events('charlie', { maxResults: 2 });
      expect(page1.items.map((e) => e.kind)).toEqual(['created', 'update_requested']);
      const page2 = await f.service.events('charlie', { maxResults: 2, pageToken: page1.nextPageToken });
      expect(page2.items.map((e) => e.kind)).toEqual(['rolled_back']);
      expect(page2.nextPageToken).toBeUndefined();
    });

    it('answers what serves a version now: Ready variants with traffic (rollout steps included) or shadows, not Pending ones nor deleting endpoints', async () => {
      await f.service.create({ name: 'prices', variants: [{ modelUri: 'models:/housing/1', weight: 80 }, { name: 'side', modelUri: 'models:/housing/2' }, { name: 'sh', modelUri: 'models:/housing/3', shadow: { samplePercent: 25 } }] }, 'alice');
      expect(await f.service.deploymentsOf('housing', '1')).toEqual([]);
      await f.controllerWrite('prices', (e) => allReady(e, 7_000));
      expect(await f.service.deploymentsOf('housing', 1)).toEqual([
        { endpointName: 'prices', endpointStatus: 'InService', variant: 'housing-1', variantStatus: 'Ready', modelName: 'housing', modelVersion: '1', modelUri: 'models:/housing/1', weight: 80, trafficPercent: 80, inRollout: false, servingSince: 7_000 },
      ]);
      expect((await f.service.deploymentsOf('housing', '3'))[0]).toMatchObject({ variant: 'sh', shadow: { samplePercent: 25 }, trafficPercent: 0 });

      // A canary of version 3 at step 2 of 3 (50 %): the serving variants share the other half.
      await f.service.update('prices', { variants: [{ name: 'next', modelUri: 'models:/housing/3' }], rollout: { strategy: 'canary' } }, 'bob');
      expect((await f.service.deploymentsOf('housing', '3')).map((d) => d.variant)).toEqual(['sh']);
      await f.controllerWrite('prices', (e) => ({ ...e, rollout: { ...e.rollout!, phase: 'Baking', step: 1, target: e.rollout!.target.map((v) => ({ ...v, status: 'Ready', servingSince: 8_000 })) } }));
      expect((await f.service.deploymentsOf('housing', '3')).map((d) => [d.variant, d.trafficPercent, d.inRollout])).toEqual([
        ['sh', 0, false],
        ['next', 50, true],
      ]);
      expect((await f.service.deploymentsOf('housing', '1')).map((d) => d.trafficPercent)).toEqual([40]);
      await f.service.create({ name: 'other', variants: [{ modelUri: 'models:/housing/1' }] }, 'alice');
      await f.controllerWrite('other', (e) => allReady(e));
      expect((await f.service.deploymentsOf('housing', '1')).map((d) => d.endpointName)).toEqual(['other', 'prices']);
      await f.service.delete('other', 'alice');
      expect((await f.service.deploymentsOf('housing', '1')).map((d) => d.endpointName)).toEqual(['prices']);
      expect(await f.service.deploymentsOf('iris', '1')).toEqual([]);
      expect((await failure(f.service.deploymentsOf('housing', 'x'))).message).toContain("'version'");
    });
  });

  describe('onChange and waiting', () => {
    it('notifies after each write through the service until unsubscribed; a listener that throws does not fail the write', async () => {
      const seen: string[] = [];
      const off = f.service.onChange((c) => seen.push(`${c.name}:${c.endpoint?.status ?? 'gone'}`));
      f.service.onChange(() => {
        throw new Error('listener bug');
      });
      await f.service.create({ name: 'prices', variants: [{ modelUri: 'models:/housing/1' }] }, 'alice');
      await f.service.delete('prices', 'alice');
      f.service.notifyChange('prices', undefined);
      off();
      await f.service.update('prices', { description: 'x' }, 'alice').catch(() => undefined);
      await f.service.create({ name: 'other', variants: [{ modelUri: 'models:/housing/1' }] }, 'alice');
      expect(seen).toEqual(['prices:Creating', 'prices:Deleting', 'prices:gone']);
    });

    it('waitUntilSettled resolves once the controller settles the endpoint (woken by a notification or by polling)', async () => {
      await f.service.create({ name: 'prices', variants: [{ modelUri: 'models:/housing/1' }] }, 'alice');
      const settled = f.service.waitUntilSettled('prices', { timeoutMs: 30_000, pollMs: 60_000 });
      setTimeout(() => {
        void f.controllerWrite('prices', (e) => allReady(e)).then((e) => f.service.notifyChange('prices', e));
      }, 50);
      expect((await settled).status).toBe('InService');

      await f.service.update('prices', { variants: [{ modelUri: 'models:/housing/2' }] }, 'bob');
      const polled = f.service.waitUntilSettled('prices', { timeoutMs: 30_000, pollMs: 50 });
      setTimeout(() => {
        void f.controllerWrite('prices', (e) => ({ ...e, status: 'InService', rollout: { ...e.rollout!, phase: 'Failed', reason: 'housing-2 failed to load: boom' } }));
      }, 50);
      expect(await polled).toMatchObject({ status: 'InService', rollout: { phase: 'Failed', reason: 'housing-2 failed to load: boom' } });
    });

    it('waitUntilSettled times out naming where the endpoint is, stops when aborted, and fails for an unknown endpoint', async () => {
      await f.service.create({ name: 'prices', variants: [{ modelUri: 'models:/housing/1' }] }, 'alice');
      const late = await failure(f.service.waitUntilSettled('prices', { timeoutMs: 200, pollMs: 50 }));
      expect(late.code).toBe('DEADLINE_EXCEEDED');
      expect(late.message).toContain('Creating');
      const controller = new AbortController();
      const aborted = f.service.waitUntilSettled('prices', { timeoutMs: 60_000, pollMs: 60_000, signal: controller.signal });
      setTimeout(() => controller.abort(new Error('step cancelled')), 50);
      await expect(aborted).rejects.toThrow('step cancelled');
      expect(await errorCodeOf(f.service.waitUntilSettled('nope', { timeoutMs: 1_000 }))).toBe('RESOURCE_DOES_NOT_EXIST');
    });

    it('waitUntilDeleted resolves once the row is gone', async () => {
      const created = await f.service.create({ name: 'prices', variants: [{ modelUri: 'models:/housing/1' }] }, 'alice');
      const deleting = await f.service.delete('prices', 'alice');
      const gone = f.service.waitUntilDeleted('prices', { timeoutMs: 30_000, pollMs: 50 });
      setTimeout(() => void f.store.deleteEndpoint('prices', deleting.revision, []), 50);
      await gone;
      expect(await errorCodeOf(f.service.get('prices'))).toBe('RESOURCE_DOES_NOT_EXIST');
      expect(created.id).toBeTruthy();
    });
  });
});

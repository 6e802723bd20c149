import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackingStore } from '../../src/core/ports/tracking-store.js';
import { parseExperimentsFilter, parseExperimentsOrderBy } from '../../src/core/search/parse-experiments-search.js';
import { parseLoggedModelsFilter, parseLoggedModelsOrderBy } from '../../src/core/search/parse-logged-models-search.js';
import { parseRunsFilter, parseRunsOrderBy } from '../../src/core/search/parse-runs-search.js';
import type { Run } from '../../src/core/entities/run.js';
import type { Metric } from '../../src/core/entities/metric.js';
import { errorCodeOf } from '../support/error-code-of.js';

/** What a store adapter's test file provides to the contract. */
export interface TrackingStoreHarness {
  /** A store on an empty database. */
  create(): Promise<{ store: TrackingStore; dispose(): Promise<void> }>;
  /** Set when the adapter cannot run here; the whole suite is skipped with this reason. */
  skip?: string | undefined;
}

/**
 * Behaviour every {@link TrackingStore} adapter must show: MLflow's semantics for
 * experiments, runs, metrics, params, tags, inputs and logged models, its error codes,
 * atomic writes, and search filtering/ordering/paging done by the database.
 */
export function describeTrackingStoreContract(name: string, harness: TrackingStoreHarness): void {
  describe.skipIf(harness.skip !== undefined)(`${name}: tracking store contract`, () => {
    let store: TrackingStore;
    let dispose: () => Promise<void>;
    let seq = 0;
    const unique = (prefix: string): string => `${prefix}-${++seq}-${Math.random().toString(36).slice(2, 7)}`;
    const hex = (): string => crypto.randomUUID().replaceAll('-', '');

    beforeAll(async () => {
      const created = await harness.create();
      store = created.store;
      dispose = () => created.dispose();
    });
    afterAll(async () => {
      await dispose();
    });

    const newExperiment = async (tags: { key: string; value: string }[] = []): Promise<string> =>
      store.createExperiment({ name: unique('exp'), tags });
    const newRun = async (experimentId: string, extra: Partial<{ runName: string; startTime: number; userId: string }> = {}): Promise<Run> =>
      store.createRun({
        runId: hex(),
        experimentId,
        userId: extra.userId ?? 'alice',
        runName: extra.runName ?? unique('run'),
        startTime: extra.startTime ?? 1_000,
        tags: [],
      });
    const metric = (key: string, value: number, step = 0, timestamp = 100): Metric => ({ key, value, step, timestamp });
    const code = errorCodeOf;

    describe('experiments', () => {
      it('has the Default experiment "0"', async () => {
        const e = await store.getExperiment('0');
        expect(e.name).toBe('Default');
        expect(e.lifecycleStage).toBe('active');
        expect(e.artifactLocation).toMatch(/0$/);
      });

      it('creates an experiment with tags and a default artifact location', async () => {
        const id = await newExperiment([{ key: 'team', value: 'ml' }]);
        const e = await store.getExperiment(id);
        expect(e.experimentId).toBe(id);
        expect(e.artifactLocation).toBe(`mlflow-artifacts:/${id}`);
        expect(e.tags).toEqual([{ key: 'team', value: 'ml' }]);
        expect(e.creationTime).toBeGreaterThan(0);
        expect((await store.getExperimentByName(e.name)).experimentId).toBe(id);
      });

      it('keeps an explicit artifact location', async () => {
        const id = await store.createExperiment({ name: unique('exp'), artifactLocation: 's3://bucket/x', tags: [] });
        expect((await store.getExperiment(id)).artifactLocation).toBe('s3://bucket/x');
      });

      it('refuses duplicate names, even of deleted experiments', async () => {
        const id = await newExperiment();
        const { name } = await store.getExperiment(id);
        expect(await code(store.createExperiment({ name, tags: [] }))).toBe('RESOURCE_ALREADY_EXISTS');
        await store.deleteExperiment(id);
        expect(await code(store.createExperiment({ name, tags: [] }))).toBe('RESOURCE_ALREADY_EXISTS');
      });

      it('reports unknown ids and names as RESOURCE_DOES_NOT_EXIST', async () => {
        expect(await code(store.getExperiment('987654321'))).toBe('RESOURCE_DOES_NOT_EXIST');
        expect(await code(store.getExperiment('not-a-number'))).toBe('RESOURCE_DOES_NOT_EXIST');
        expect(await code(store.getExperimentByName(unique('missing')))).toBe('RESOURCE_DOES_NOT_EXIST');
      });

      it('renames, refusing a taken name and a deleted experiment', async () => {
        const a = await newExperiment();
        const b = await newExperiment();
        const newName = unique('renamed');
        await store.renameExperiment(a, newName);
        expect((await store.getExperiment(a)).name).toBe(newName);
        expect(await code(store.renameExperiment(b, newName))).toBe('RESOURCE_ALREADY_EXISTS');
        await store.deleteExperiment(b);
        expect(await code(store.renameExperiment(b, unique('x')))).toBe('INVALID_PARAMETER_VALUE');
      });

      it('deletes with its runs and restores only the runs its deletion deleted', async () => {
        const id = await newExperiment();
        const kept = await newRun(id);
        const deletedBefore = await newRun(id);
        await store.deleteRun(deletedBefore.info.runId);
        await store.deleteExperiment(id);
        expect((await store.getExperiment(id)).lifecycleStage).toBe('deleted');
        expect((await store.getRun(kept.info.runId)).info.lifecycleStage).toBe('deleted');
        expect(await code(newRun(id))).toBe('INVALID_PARAMETER_VALUE');
        await store.restoreExperiment(id);
        expect((await store.getExperiment(id)).lifecycleStage).toBe('active');
        expect((await store.getRun(kept.info.runId)).info.lifecycleStage).toBe('active');
        expect((await store.getRun(deletedBefore.info.runId)).info.lifecycleStage).toBe('deleted');
      });

      it('sets, overwrites and deletes experiment tags', async () => {
        const id = await newExperiment();
        await store.setExperimentTag(id, { key: 'k', value: '1' });
        await store.setExperimentTag(id, { key: 'k', value: '2' });
        expect((await store.getExperiment(id)).tags).toEqual([{ key: 'k', value: '2' }]);
        await store.deleteExperimentTag(id, 'k');
        expect((await store.getExperiment(id)).tags).toEqual([]);
        expect(await code(store.deleteExperimentTag(id, 'k'))).toBe('RESOURCE_DOES_NOT_EXIST');
      });

      it('searches by name and tags, with view types, ordering and paging', async () => {
        const prefix = unique('search');
        const ids: string[] = [];
        for (const suffix of ['b', 'a', 'c']) {
          ids.push(await store.createExperiment({ name: `${prefix}-${suffix}`, tags: [{ key: 'group', value: prefix }] }));
        }
        await store.deleteExperiment(ids[2]!);
        const names = async (filter: string, viewType: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL', orderBy: string[] = ['name ASC']) =>
          (
            await store.searchExperiments({
              viewType,
              filter: parseExperimentsFilter(filter),
              orderBy: parseExperimentsOrderBy(orderBy),
              limit: 100,
              offset: 0,
            })
          ).items.map((e) => e.name);
        expect(await names(`name LIKE '${prefix}-%'`, 'ACTIVE_ONLY')).toEqual([`${prefix}-a`, `${prefix}-b`]);
        expect(await names(`tags.group = '${prefix}'`, 'ALL', ['name DESC'])).toEqual([`${prefix}-c`, `${prefix}-b`, `${prefix}-a`]);
        expect(await names(`name LIKE '${prefix}-%'`, 'DELETED_ONLY')).toEqual([`${prefix}-c`]);
        expect(await names(`name ILIKE '${prefix.toUpperCase()}-A'`, 'ALL')).toEqual([`${prefix}-a`]);
        expect(await names(`name LIKE '${prefix.toUpperCase()}-A'`, 'ALL')).toEqual([]);
        expect(await names(`name LIKE '${prefix}-%' AND tags.nothing IS NULL`, 'ALL')).toHaveLength(3);
        expect(await names(`name LIKE '${prefix}-%' AND tags.group IS NOT NULL`, 'ACTIVE_ONLY')).toEqual([`${prefix}-a`, `${prefix}-b`]);
        const first = await store.searchExperiments({
          viewType: 'ALL',
          filter: parseExperimentsFilter(`tags.group = '${prefix}'`),
          orderBy: parseExperimentsOrderBy(['name ASC']),
          limit: 2,
          offset: 0,
        });
        expect(first.hasMore).toBe(true);
        const second = await store.searchExperiments({
          viewType: 'ALL',
          filter: parseExperimentsFilter(`tags.group = '${prefix}'`),
          orderBy: parseExperimentsOrderBy(['name ASC']),
          limit: 2,
          offset: 2,
        });
        expect(second.hasMore).toBe(false);
        expect([...first.items, ...second.items].map((e) => e.name)).toEqual([`${prefix}-a`, `${prefix}-b`, `${prefix}-c`]);
      });
    });

    describe('runs', () => {
      let exp: string;
      beforeAll(async () => {
        exp = await newExperiment();
      });

      it('creates a RUNNING run under the experiment artifact location', async () => {
        const run = await newRun(exp, { runName: 'first', startTime: 42 });
        expect(run.info.status).toBe('RUNNING');
        expect(run.info.runName).toBe('first');
        expect(run.info.startTime).toBe(42);
        expect(run.info.endTime).toBeNull();
        expect(run.info.artifactUri).toBe(`mlflow-artifacts:/${exp}/${run.info.runId}/artifacts`);
        expect(await store.getRun(run.info.runId)).toEqual(run);
      });

      it('refuses runs in missing or deleted experiments', async () => {
        expect(await code(newRun('987654321'))).toBe('RESOURCE_DOES_NOT_EXIST');
      });

      it('updates status, end time and name, keeping the runName tag in sync', async () => {
        const run = await newRun(exp);
        const info = await store.updateRun({ runId: run.info.runId, status: 'FINISHED', endTime: 99, runName: 'renamed' });
        expect(info.status).toBe('FINISHED');
        expect(info.endTime).toBe(99);
        const again = await store.getRun(run.info.runId);
        expect(again.info.runName).toBe('renamed');
        expect(again.data.tags).toContainEqual({ key: 'mlflow.runName', value: 'renamed' });
        await store.logBatch({ runId: run.info.runId, metrics: [], params: [], tags: [{ key: 'mlflow.runName', value: 'via-tag' }] });
        expect((await store.getRun(run.info.runId)).info.runName).toBe('via-tag');
      });

      it('keeps the latest value per metric by (step, timestamp, value) and the whole history', async () => {
        const run = await newRun(exp);
        const id = run.info.runId;
        await store.logBatch({ runId: id, metrics: [metric('loss', 5, 2, 10), metric('loss', 9, 1, 50)], params: [], tags: [] });
        await store.logBatch({ runId: id, metrics: [metric('loss', 3, 2, 10), metric('loss', 4, 2, 5)], params: [], tags: [] });
        const latest = (await store.getRun(id)).data.metrics.find((m) => m.key === 'loss');
        expect(latest).toMatchObject({ value: 5, step: 2, timestamp: 10 });
        // an exact duplicate is ignored
        await store.logBatch({ runId: id, metrics: [metric('loss', 5, 2, 10)], params: [], tags: [] });
        const history = await store.getMetricHistory({ runId: id, key: 'loss', offset: 0 });
        expect(history.items.map((m) => [m.step, m.timestamp, m.value])).toEqual([
          [1, 50, 9],
          [2, 5, 4],
          [2, 10, 3],
          [2, 10, 5],
        ]);
        const page = await store.getMetricHistory({ runId: id, key: 'loss', offset: 1, limit: 2 });
        expect(page.items.map((m) => m.value)).toEqual([4, 3]);
        expect(page.hasMore).toBe(true);
        expect(await code(store.getMetricHistory({ runId: hex(), key: 'loss', offset: 0 }))).toBe('RESOURCE_DOES_NOT_EXIST');
      });

      it('streams a history in chunks, equal to the paged history, with model and dataset fields', async () => {
        const run = await newRun(exp);
        const id = run.info.runId;
        const points = Array.from({ length: 23 }, (_, i) => metric('chunked', i % 5 === 0 ? Number.NaN : i / 2, Math.floor(i / 2), 100 + (i % 2)));
        await store.logBatch({ runId: id, metrics: points, params: [], tags: [] });
        const model = await store.createLoggedModel({ modelId: `m-${hex()}`, experimentId: exp, name: 'm', params: [], tags: [] });
        await store.logBatch({
          runId: id,
          metrics: [{ ...metric('chunked', 7, 4, 200), modelId: model.modelId, datasetName: 'eval', datasetDigest: 'd9' }],
          params: [],
          tags: [],
        });
        const collect = async (limit: number | undefined, offset: number, size: number, after?: { step: number; timestamp: number; value: number }) => {
          const chunks: number[] = [];
          const all = [];
          for await (const chunk of await store.openMetricHistory({ runId: id, key: 'chunked', limit, offset, after }, size)) {
            chunks.push(chunk.length);
            all.push(...chunk);
          }
          return { chunks, all };
        };
        const paged = (await store.getMetricHistory({ runId: id, key: 'chunked', offset: 0 })).items;
        expect(paged).toHaveLength(24);
        const whole = await collect(undefined, 0, 5);
        expect(whole.chunks).toEqual([5, 5, 5, 5, 4]);
        expect(whole.all.map((m) => ({ ...m, runId: undefined }))).toEqual(paged.map((m) => ({ ...m, runId: undefined })));
        expect(whole.all.find((m) => m.modelId !== undefined)).toMatchObject({ value: 7, step: 4, datasetName: 'eval', datasetDigest: 'd9' });
        const window = await collect(7, 10, 3);
        expect(window.chunks).toEqual([3, 3, 1]);
        expect(window.all.map((m) => m.timestamp)).toEqual(paged.slice(10, 17).map((m) => m.timestamp));
        // resuming after a point (a cursor) continues exactly where the previous read stopped, NaN included
        for (const i of [0, 4, 9, 22]) {
          const at = paged[i]!;
          const rest = await collect(undefined, 0, 4, { step: at.step, timestamp: at.timestamp, value: at.value });
          expect(rest.all.map((m) => [m.step, m.timestamp])).toEqual(paged.slice(i + 1).map((m) => [m.step, m.timestamp]));
        }
        expect((await collect(undefined, 0, 5)).all).toHaveLength(24);
        expect(await code(store.openMetricHistory({ runId: hex(), key: 'chunked', offset: 0 }, 5))).toBe('RESOURCE_DOES_NOT_EXIST');
      });

      it('stores NaN and infinities', async () => {
        const run = await newRun(exp);
        await store.logBatch({
          runId: run.info.runId,
          metrics: [metric('nan', Number.NaN), metric('pinf', Infinity), metric('ninf', -Infinity)],
          params: [],
          tags: [],
        });
        const byKey = new Map((await store.getRun(run.info.runId)).data.metrics.map((m) => [m.key, m.value]));
        expect(byKey.get('nan')).toBeNaN();
        expect(byKey.get('pinf')).toBe(Infinity);
        expect(byKey.get('ninf')).toBe(-Infinity);
      });

      it('refuses to change a param and writes nothing of that batch', async () => {
        const run = await newRun(exp);
        const id = run.info.runId;
        await store.logBatch({ runId: id, metrics: [], params: [{ key: 'lr', value: '0.1' }], tags: [] });
        await store.logBatch({ runId: id, metrics: [], params: [{ key: 'lr', value: '0.1' }], tags: [] });
        const err = await store
          .logBatch({
            runId: id,
            metrics: [metric('m', 1)],
            params: [{ key: 'other', value: 'x' }, { key: 'lr', value: '0.2' }],
            tags: [{ key: 't', value: 'v' }],
          })
          .catch((e: unknown) => e as { code: string; message: string });
        expect(err).toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
        expect((err as { message: string }).message).toContain("key='lr'");
        const after = await store.getRun(id);
        expect(after.data.params).toEqual([{ key: 'lr', value: '0.1' }]);
        expect(after.data.metrics).toEqual([]);
        expect(after.data.tags.find((t) => t.key === 't')).toBeUndefined();
      });

      it('upserts and deletes tags', async () => {
        const run = await newRun(exp);
        const id = run.info.runId;
        await store.logBatch({ runId: id, metrics: [], params: [], tags: [{ key: 'a', value: '1' }] });
        await store.logBatch({ runId: id, metrics: [], params: [], tags: [{ key: 'a', value: '2' }] });
        expect((await store.getRun(id)).data.tags).toContainEqual({ key: 'a', value: '2' });
        await store.deleteTag(id, 'a');
        expect((await store.getRun(id)).data.tags.find((t) => t.key === 'a')).toBeUndefined();
        expect(await code(store.deleteTag(id, 'a'))).toBe('RESOURCE_DOES_NOT_EXIST');
      });

      it('refuses writes to deleted runs and restores them', async () => {
        const run = await newRun(exp);
        const id = run.info.runId;
        await store.deleteRun(id);
        expect((await store.getRun(id)).info.lifecycleStage).toBe('deleted');
        expect(await code(store.logBatch({ runId: id, metrics: [metric('m', 1)], params: [], tags: [] }))).toBe(
          'INVALID_PARAMETER_VALUE',
        );
        expect(await code(store.updateRun({ runId: id, status: 'FINISHED' }))).toBe('INVALID_PARAMETER_VALUE');
        await store.restoreRun(id);
        await store.logBatch({ runId: id, metrics: [metric('m', 1)], params: [], tags: [] });
        expect((await store.getRun(id)).data.metrics).toHaveLength(1);
        expect(await code(store.getRun(hex()))).toBe('RESOURCE_DOES_NOT_EXIST');
      });

      it('records dataset inputs once per dataset and model inputs/outputs', async () => {
        const run = await newRun(exp);
        const id = run.info.runId;
        const input = {
          tags: [{ key: 'mlflow.data.context', value: 'training' }],
          dataset: { name: 'housing', digest: 'abc123', sourceType: 'local', source: '{"uri":"/data/h.csv"}', schema: '{}' },
        };
        await store.logInputs(id, [input], [{ modelId: 'm-in' }]);
        await store.logInputs(id, [input], []);
        await store.logOutputs(id, [{ modelId: 'm-out', step: 3 }]);
        const got = await store.getRun(id);
        expect(got.inputs.datasetInputs).toHaveLength(1);
        expect(got.inputs.datasetInputs[0]).toMatchObject({
          tags: [{ key: 'mlflow.data.context', value: 'training' }],
          dataset: { name: 'housing', digest: 'abc123', sourceType: 'local', schema: '{}' },
        });
        expect(got.inputs.modelInputs).toEqual([{ modelId: 'm-in' }]);
        expect(got.outputs.modelOutputs).toEqual([{ modelId: 'm-out', step: 3 }]);
      });

      it('samples histories for the bulk-interval view', async () => {
        const run = await newRun(exp);
        const points = Array.from({ length: 100 }, (_, i) => metric('curve', i * 2, i, 1000 + i));
        await store.logBatch({ runId: run.info.runId, metrics: points, params: [], tags: [] });
        const sampled = await store.getMetricHistoryBulkInterval({ runIds: [run.info.runId], key: 'curve', maxResults: 10 });
        expect(sampled).toHaveLength(10);
        expect(sampled[0]).toMatchObject({ step: 0, runId: run.info.runId });
        expect(sampled.at(-1)).toMatchObject({ step: 99 });
        const ranged = await store.getMetricHistoryBulkInterval({
          runIds: [run.info.runId],
          key: 'curve',
          startStep: 10,
          endStep: 19,
          maxResults: 100,
        });
        expect(ranged.map((m) => m.step)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
      });
    });

    describe('search runs', () => {
      let exp: string;
      const ids: Record<string, string> = {};
      const search = async (filter: string, orderBy: string[] = [], extra: Partial<{ limit: number; offset: number; viewType: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL' }> = {}) =>
        store.searchRuns({
          experimentIds: [exp],
          viewType: extra.viewType ?? 'ACTIVE_ONLY',
          filter: parseRunsFilter(filter),
          orderBy: parseRunsOrderBy(orderBy),
          limit: extra.limit ?? 100,
          offset: extra.offset ?? 0,
        });
      const names = async (...args: Parameters<typeof search>) => (await search(...args)).items.map((r) => r.info.runName);

      beforeAll(async () => {
        exp = await newExperiment();
        const spec: [string, number, Record<string, number>, Record<string, string>, Record<string, string>][] = [
          ['alpha', 1000, { acc: 0.9, loss: 0.3 }, { model: 'RandomForest', lr: '0.1' }, { team: 'red' }],
          ['beta', 2000, { acc: 0.7 }, { model: 'randomforest', lr: '0.01' }, { team: 'blue' }],
          ['gamma', 3000, { acc: 0.8, loss: 0.1 }, { model: 'Linear' }, { team: 'red', 'mlflow.note': 'x y' }],
          ['delta', 4000, { acc: Number.NaN }, { model: 'Linear' }, {}],
        ];
        for (const [name, start, metrics, params, tags] of spec) {
          const run = await newRun(exp, { runName: name, startTime: start, userId: name === 'delta' ? 'bob' : 'alice' });
          ids[name] = run.info.runId;
          await store.logBatch({
            runId: run.info.runId,
            metrics: Object.entries(metrics).map(([k, v]) => metric(k, v)),
            params: Object.entries(params).map(([key, value]) => ({ key, value })),
            tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
          });
        }
        await store.updateRun({ runId: ids.gamma!, status: 'FINISHED', endTime: 3500 });
        await store.logInputs(ids.alpha!, [
          {
            tags: [{ key: 'mlflow.data.context', value: 'training' }],
            dataset: { name: 'housing', digest: 'd1', sourceType: 'local', source: 's' },
          },
        ], []);
        const deleted = await newRun(exp, { runName: 'epsilon', startTime: 5000 });
        await store.deleteRun(deleted.info.runId);
      });

      it('orders by start_time DESC by default and filters by view type', async () => {
        expect(await names('')).toEqual(['delta', 'gamma', 'beta', 'alpha']);
        expect(await names('', [], { viewType: 'DELETED_ONLY' })).toEqual(['epsilon']);
        expect(await names('', [], { viewType: 'ALL' })).toHaveLength(5);
      });

      it('filters on metrics with numeric comparators, skipping runs without the metric and NaN', async () => {
        expect(await names('metrics.acc > 0.75')).toEqual(['gamma', 'alpha']);
        expect(await names('metrics.acc >= 0.7 and metrics.loss < 0.2')).toEqual(['gamma']);
        expect(await names('metrics.loss != 0.1')).toEqual(['alpha']);
        expect(await names('metrics.acc = 0.7')).toEqual(['beta']);
      });

      it('filters params and tags with =, !=, LIKE (case-sensitive) and ILIKE', async () => {
        expect(await names("params.model = 'Linear'")).toEqual(['delta', 'gamma']);
        expect(await names("params.lr != '0.1'")).toEqual(['beta']);
        expect(await names("params.model LIKE 'Random%'")).toEqual(['alpha']);
        expect(await names("params.model ILIKE 'random%'")).toEqual(['beta', 'alpha']);
        expect(await names("params.model LIKE '_inear'")).toEqual(['delta', 'gamma']);
        expect(await names("tags.team = 'red'")).toEqual(['gamma', 'alpha']);
        expect(await names("tags.`mlflow.note` = 'x y'")).toEqual(['gamma']);
      });

      it('filters on the presence of params and tags with IS NULL / IS NOT NULL', async () => {
        expect(await names('params.lr IS NULL')).toEqual(['delta', 'gamma']);
        expect(await names('params.lr IS NOT NULL')).toEqual(['beta', 'alpha']);
        expect(await names("tags.team IS NULL AND params.model = 'Linear'")).toEqual(['delta']);
      });

      it('filters attributes, including IN and NOT IN', async () => {
        expect(await names("attributes.status = 'FINISHED'")).toEqual(['gamma']);
        expect(await names("attributes.user_id = 'bob'")).toEqual(['delta']);
        expect(await names(`attributes.run_id IN ('${ids.alpha}', '${ids.beta}')`)).toEqual(['beta', 'alpha']);
        expect(await names(`attributes.run_id NOT IN ('${ids.alpha}', '${ids.beta}')`)).toEqual(['delta', 'gamma']);
        expect(await names("attributes.run_name = 'beta'")).toEqual(['beta']);
        expect(await names('attributes.start_time >= 3000')).toEqual(['delta', 'gamma']);
        expect(await names("run_name LIKE '%ta'")).toEqual(['delta', 'beta']);
      });

      it('filters on datasets', async () => {
        expect(await names("datasets.name = 'housing'")).toEqual(['alpha']);
        expect(await names("datasets.context = 'training'")).toEqual(['alpha']);
        expect(await names("datasets.digest IN ('d1', 'zz')")).toEqual(['alpha']);
        expect(await names("datasets.name = 'other'")).toEqual([]);
      });

      it('orders by metrics with missing values and NaN last in both directions', async () => {
        expect(await names('', ['metrics.acc ASC'])).toEqual(['beta', 'gamma', 'alpha', 'delta']);
        expect(await names('', ['metrics.acc DESC'])).toEqual(['alpha', 'gamma', 'beta', 'delta']);
        expect(await names('', ['metrics.loss DESC'])).toEqual(['alpha', 'gamma', 'delta', 'beta']);
        expect(await names('metrics.acc > 0', ['metrics.acc DESC'])).toEqual(['alpha', 'gamma', 'beta']);
      });

      it('orders by several keys with the start_time tie-break', async () => {
        // Code-point order on every database: 'Linear' < 'RandomForest' < 'randomforest'.
        expect(await names('', ['params.model ASC', 'attributes.start_time ASC'])).toEqual(['gamma', 'delta', 'alpha', 'beta']);
        expect(await names('', ['params.model DESC', 'attributes.start_time DESC'])).toEqual(['beta', 'alpha', 'delta', 'gamma']);
        expect(await names('', ['tags.team ASC'])).toEqual(['beta', 'gamma', 'alpha', 'delta']);
      });

      it('pages through the ordered result', async () => {
        const first = await search('', ['attributes.run_name ASC'], { limit: 3 });
        expect(first.items.map((r) => r.info.runName)).toEqual(['alpha', 'beta', 'delta']);
        expect(first.hasMore).toBe(true);
        const second = await search('', ['attributes.run_name ASC'], { limit: 3, offset: 3 });
        expect(second.items.map((r) => r.info.runName)).toEqual(['gamma']);
        expect(second.hasMore).toBe(false);
      });

      it('returns full runs: latest metrics, params, tags and inputs', async () => {
        const [alpha] = (await search("attributes.run_name = 'alpha'")).items;
        expect(alpha?.data.metrics.map((m) => m.key).sort()).toEqual(['acc', 'loss']);
        expect(alpha?.data.params).toEqual([
          { key: 'lr', value: '0.1' },
          { key: 'model', value: 'RandomForest' },
        ]);
        expect(alpha?.inputs.datasetInputs[0]?.dataset.name).toBe('housing');
      });

      it('searches across experiments and ignores unknown experiment ids', async () => {
        const other = await newExperiment();
        await newRun(other, { runName: 'other-run' });
        const page = await store.searchRuns({
          experimentIds: [exp, other, '987654321', 'nope'],
          viewType: 'ACTIVE_ONLY',
          filter: [],
          orderBy: [],
          limit: 100,
          offset: 0,
        });
        expect(page.items.map((r) => r.info.runName)).toContain('other-run');
        expect(page.items).toHaveLength(5);
      });
    });

    describe('logged models', () => {
      let exp: string;
      beforeAll(async () => {
        exp = await newExperiment();
      });
      const newModel = (name: string, extra: Partial<{ sourceRunId: string; modelType: string }> = {}) =>
        store.createLoggedModel({
          modelId: `m-${hex()}`,
          experimentId: exp,
          name,
          params: [{ key: 'p', value: '1' }],
          tags: [{ key: 'mlflow.user', value: 'alice' }],
          ...extra,
        });

      it('creates PENDING, finalizes READY, and hides deleted models', async () => {
        const m = await newModel('model', { modelType: 'sklearn' });
        expect(m.status).toBe('LOGGED_MODEL_PENDING');
        expect(m.artifactLocation).toBe(`mlflow-artifacts:/${exp}/models/${m.modelId}/artifacts`);
        expect(m.params).toEqual([{ key: 'p', value: '1' }]);
        const ready = await store.finalizeLoggedModel(m.modelId, 'LOGGED_MODEL_READY');
        expect(ready.status).toBe('LOGGED_MODEL_READY');
        await store.deleteLoggedModel(m.modelId);
        expect(await code(store.getLoggedModel(m.modelId))).toBe('RESOURCE_DOES_NOT_EXIST');
      });

      it('sets and deletes tags and logs params', async () => {
        const m = await newModel('tagged');
        await store.setLoggedModelTags(m.modelId, [{ key: 'stage', value: 'dev' }]);
        await store.logLoggedModelParams(m.modelId, [{ key: 'q', value: '2' }]);
        const got = await store.getLoggedModel(m.modelId);
        expect(got.tags).toContainEqual({ key: 'stage', value: 'dev' });
        expect(got.params).toEqual([
          { key: 'p', value: '1' },
          { key: 'q', value: '2' },
        ]);
        await store.deleteLoggedModelTag(m.modelId, 'stage');
        expect(await code(store.deleteLoggedModelTag(m.modelId, 'stage'))).toBe('RESOURCE_DOES_NOT_EXIST');
      });

      it('collects metrics logged with a model id, and searches on them', async () => {
        const run = await newRun(exp);
        const a = await newModel('model');
        const b = await newModel('model');
        const c = await newModel('other');
        await store.logBatch({
          runId: run.info.runId,
          metrics: [
            { ...metric('rmse', 0.5), modelId: a.modelId, datasetName: 'eval', datasetDigest: 'd1' },
            { ...metric('rmse', 0.2), modelId: b.modelId, datasetName: 'eval', datasetDigest: 'd1' },
            { ...metric('rmse', 0.1), modelId: b.modelId, datasetName: 'train', datasetDigest: 'd2' },
          ],
          params: [],
          tags: [],
        });
        expect((await store.getLoggedModel(a.modelId)).metrics).toMatchObject([
          { key: 'rmse', value: 0.5, modelId: a.modelId, datasetName: 'eval', runId: run.info.runId },
        ]);
        await store.finalizeLoggedModel(c.modelId, 'LOGGED_MODEL_READY');
        const ids = async (filter: string, datasets: { datasetName: string; datasetDigest?: string }[] = [], orderBy = parseLoggedModelsOrderBy([])) =>
          (await store.searchLoggedModels({ experimentIds: [exp], filter: parseLoggedModelsFilter(filter), datasets, orderBy, limit: 50, offset: 0 })).items.map(
            (m) => m.modelId,
          );
        expect(await ids("name = 'model' AND metrics.rmse < 0.3")).toEqual([b.modelId]);
        expect(await ids('metrics.rmse < 0.15')).toEqual([b.modelId]);
        expect(await ids('metrics.rmse < 0.15', [{ datasetName: 'eval' }])).toEqual([]);
        expect(await ids("status = 'LOGGED_MODEL_READY'")).toEqual([c.modelId]);
        expect(
          await ids("name = 'model'", [], parseLoggedModelsOrderBy([{ fieldName: 'metrics.rmse', ascending: false, datasetName: 'eval' }])),
        ).toEqual([a.modelId, b.modelId]);
      });
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryStore } from '../../src/core/ports/registry-store.js';
import type { TrackingStore } from '../../src/core/ports/tracking-store.js';
import { parseModelVersionsFilter, parseModelVersionsOrderBy } from '../../src/core/search/parse-model-versions-search.js';
import { parseRegisteredModelsFilter, parseRegisteredModelsOrderBy } from '../../src/core/search/parse-registered-models-search.js';
import { errorCodeOf } from '../support/error-code-of.js';

/** What a registry adapter's test file provides: a registry and the tracking store beside it. */
export interface RegistryStoreHarness {
  create(): Promise<{ registry: RegistryStore; tracking: TrackingStore; dispose(): Promise<void> }>;
  skip?: string | undefined;
}

/**
 * Behaviour every {@link RegistryStore} must show: MLflow's registry semantics (versions,
 * aliases, stages, tags, renames and deletes kept consistent, search with MLflow's prompt
 * quirk), approvals and their gate, and the append-only change log.
 */
export function describeRegistryStoreContract(name: string, harness: RegistryStoreHarness): void {
  describe.skipIf(harness.skip !== undefined)(`${name}: registry store contract`, () => {
    let registry: RegistryStore;
    let tracking: TrackingStore;
    let dispose: () => Promise<void>;
    let seq = 0;
    const unique = (prefix: string): string => `${prefix}-${++seq}-${Math.random().toString(36).slice(2, 7)}`;
    const code = errorCodeOf;

    beforeAll(async () => {
      const created = await harness.create();
      registry = created.registry;
      tracking = created.tracking;
      dispose = () => created.dispose();
    });
    afterAll(async () => {
      await dispose();
    });

    const newModel = async (tags: { key: string; value: string }[] = []) =>
      registry.createRegisteredModel({ name: unique('model'), description: 'd', tags }, 'alice');
    const newVersion = (name: string, extra: Partial<{ runId: string; modelId: string }> = {}) =>
      registry.createModelVersion(
        { name, source: `mlflow-artifacts:/1/x/artifacts/${unique('m')}`, storageLocation: `mlflow-artifacts:/1/x/artifacts/${unique('m')}`, tags: [], ...extra },
        'alice',
      );

    describe('registered models', () => {
      it('creates and gets a model; duplicates are refused', async () => {
        const m = await newModel([{ key: 'team', value: 'ml' }]);
        expect(m).toMatchObject({ description: 'd', tags: [{ key: 'team', value: 'ml' }], aliases: [], latestVersions: [] });
        expect((await registry.getRegisteredModel(m.name)).name).toBe(m.name);
        expect(await code(registry.createRegisteredModel({ name: m.name, tags: [] }, 'bob'))).toBe('RESOURCE_ALREADY_EXISTS');
        expect(await code(registry.getRegisteredModel(unique('missing')))).toBe('RESOURCE_DOES_NOT_EXIST');
      });

      it('numbers versions from 1 and never reuses a number', async () => {
        const m = await newModel();
        expect((await newVersion(m.name)).version).toBe(1);
        expect((await newVersion(m.name)).version).toBe(2);
        await registry.deleteModelVersion(m.name, 2, 'alice');
        expect(await code(registry.getModelVersion(m.name, 2))).toBe('RESOURCE_DOES_NOT_EXIST');
        const v3 = await newVersion(m.name);
        expect(v3).toMatchObject({ version: 3, status: 'READY', currentStage: 'None', approval: { status: 'PendingManualApproval' } });
        expect(await code(newVersion(unique('nope')))).toBe('RESOURCE_DOES_NOT_EXIST');
      });

      it('renames with versions, aliases and tags, and refuses a taken name', async () => {
        const m = await newModel([{ key: 'k', value: 'v' }]);
        await newVersion(m.name);
        await registry.setAlias(m.name, 'champion', 1, 'alice');
        const other = await newModel();
        expect(await code(registry.renameRegisteredModel(m.name, other.name, 'alice'))).toBe('RESOURCE_ALREADY_EXISTS');
        const renamed = await registry.renameRegisteredModel(m.name, `${m.name}-new`, 'alice');
        expect(renamed).toMatchObject({ tags: [{ key: 'k', value: 'v' }], aliases: [{ alias: 'champion', version: 1 }] });
        expect((await registry.getVersionByAlias(`${m.name}-new`, 'champion')).name).toBe(`${m.name}-new`);
        expect(await code(registry.getRegisteredModel(m.name))).toBe('RESOURCE_DOES_NOT_EXIST');
      });

      it('deletes a model with everything it had, and the name can be reused from version 1', async () => {
        const m = await newModel([{ key: 'k', value: 'v' }]);
        await newVersion(m.name);
        await registry.setAlias(m.name, 'prod', 1, 'alice');
        await registry.deleteRegisteredModel(m.name, 'alice');
        expect(await code(registry.getModelVersion(m.name, 1))).toBe('RESOURCE_DOES_NOT_EXIST');
        await registry.createRegisteredModel({ name: m.name, tags: [] }, 'alice');
        const again = await registry.getRegisteredModel(m.name);
        expect(again).toMatchObject({ tags: [], aliases: [] });
        expect((await newVersion(m.name)).version).toBe(1);
      });

      it('sets and deletes model tags and descriptions', async () => {
        const m = await newModel();
        await registry.setRegisteredModelTag(m.name, { key: 'a', value: '1' }, 'alice');
        await registry.setRegisteredModelTag(m.name, { key: 'a', value: '2' }, 'alice');
        await registry.updateRegisteredModel(m.name, 'new description', 'alice');
        expect(await registry.getRegisteredModel(m.name)).toMatchObject({ tags: [{ key: 'a', value: '2' }], description: 'new description' });
        await registry.deleteRegisteredModelTag(m.name, 'a', 'alice');
        const logged = (await registry.listChanges({ modelName: m.name, limit: 100 })).length;
        await registry.deleteRegisteredModelTag(m.name, 'a', 'alice'); // not set: a no-op, as in MLflow
        expect((await registry.listChanges({ modelName: m.name, limit: 100 })).length).toBe(logged);
        expect(await code(registry.deleteRegisteredModelTag(unique('missing'), 'a', 'alice'))).toBe('RESOURCE_DOES_NOT_EXIST');
      });
    });

    describe('versions, aliases and stages', () => {
      it('moves aliases, removes them with their version, and answers latest', async () => {
        const m = await newModel();
        await newVersion(m.name);
        await newVersion(m.name);
        await registry.setAlias(m.name, 'champion', 1, 'alice');
        await registry.setAlias(m.name, 'champion', 2, 'alice');
        expect((await registry.getVersionByAlias(m.name, 'champion')).version).toBe(2);
        expect((await registry.getModelVersion(m.name, 2)).aliases).toEqual(['champion']);
        expect((await registry.getVersionByAlias(m.name, 'LATEST')).version).toBe(2);
        expect(await code(registry.getVersionByAlias(m.name, 'nothing'))).toBe('INVALID_PARAMETER_VALUE');
        expect(await code(registry.setAlias(m.name, 'x', 99, 'alice'))).toBe('RESOURCE_DOES_NOT_EXIST');
        await registry.deleteModelVersion(m.name, 2, 'alice');
        expect((await registry.getRegisteredModel(m.name)).aliases).toEqual([]);
        const logged = (await registry.listChanges({ modelName: m.name, limit: 100 })).length;
        await registry.deleteAlias(m.name, 'champion', 'alice'); // not set: a no-op, as in MLflow
        expect((await registry.listChanges({ modelName: m.name, limit: 100 })).length).toBe(logged);
        expect(await code(registry.deleteAlias(unique('missing'), 'champion', 'alice'))).toBe('RESOURCE_DOES_NOT_EXIST');
      });

      it('transitions stages, archiving the others on request, and reports the latest per stage', async () => {
        const m = await newModel();
        for (let i = 0; i < 3; i++) await newVersion(m.name);
        await registry.transitionStage(m.name, 1, 'Production', false, 'alice');
        await registry.transitionStage(m.name, 2, 'Production', false, 'alice');
        expect((await registry.getModelVersion(m.name, 1)).currentStage).toBe('Production');
        await registry.transitionStage(m.name, 3, 'Production', true, 'alice');
        expect((await registry.getModelVersion(m.name, 1)).currentStage).toBe('Archived');
        expect((await registry.getModelVersion(m.name, 2)).currentStage).toBe('Archived');
        const latest = await registry.getLatestVersions(m.name, []);
        expect(latest.map((v) => [v.currentStage, v.version])).toEqual([
          ['Production', 3],
          ['Archived', 2],
        ]);
        expect((await registry.getLatestVersions(m.name, ['Production'])).map((v) => v.version)).toEqual([3]);
        expect((await registry.getRegisteredModel(m.name)).latestVersions.map((v) => v.version)).toEqual([3, 2]);
      });

      it('sets and deletes version tags and descriptions', async () => {
        const m = await newModel();
        await newVersion(m.name);
        await registry.setModelVersionTag(m.name, 1, { key: 'validated', value: 'yes' }, 'alice');
        await registry.updateModelVersion(m.name, 1, 'v1 desc', 'alice');
        expect(await registry.getModelVersion(m.name, 1)).toMatchObject({ tags: [{ key: 'validated', value: 'yes' }], description: 'v1 desc' });
        await registry.deleteModelVersionTag(m.name, 1, 'validated', 'alice');
        const logged = (await registry.listChanges({ modelName: m.name, limit: 100 })).length;
        await registry.deleteModelVersionTag(m.name, 1, 'validated', 'alice'); // not set: a no-op, as in MLflow
        expect((await registry.listChanges({ modelName: m.name, limit: 100 })).length).toBe(logged);
        expect(await code(registry.deleteModelVersionTag(m.name, 9, 'validated', 'alice'))).toBe('RESOURCE_DOES_NOT_EXIST');
      });

      it('records registrations on the logged model', async () => {
        const exp = await tracking.createExperiment({ name: unique('exp'), tags: [] });
        const logged = await tracking.createLoggedModel({
          modelId: `m-${crypto.randomUUID().replaceAll('-', '')}`,
          experimentId: exp,
          name: 'model',
          params: [],
          tags: [],
        });
        const m = await newModel();
        await newVersion(m.name, { modelId: logged.modelId });
        const tag = (await tracking.getLoggedModel(logged.modelId)).tags.find((t) => t.key === 'mlflow.modelVersions');
        expect(JSON.parse(tag?.value ?? '[]')).toEqual([{ name: m.name, version: '1' }]);
      });
    });

    describe('approvals', () => {
      it('records the decision with actor, time and comment', async () => {
        const m = await newModel();
        await newVersion(m.name);
        const v = await registry.setApproval(m.name, 1, 'Approved', 'looks good', 'carol');
        expect(v.approval).toMatchObject({ status: 'Approved', actor: 'carol', comment: 'looks good' });
        expect(v.approval.timestamp).toBeGreaterThan(0);
      });

      it('refuses protected aliases and stages for versions that are not approved, writing nothing', async () => {
        const m = await newModel();
        await newVersion(m.name);
        await newVersion(m.name);
        await registry.setApprovalPolicy(m.name, { protectedAliases: ['champion'], protectedStages: ['Production'] }, 'admin');
        const before = (await registry.listChanges({ modelName: m.name, limit: 1000 })).length;
        expect(await code(registry.setAlias(m.name, 'champion', 1, 'alice'))).toBe('RESOURCE_CONFLICT');
        expect(await code(registry.transitionStage(m.name, 1, 'Production', true, 'alice'))).toBe('RESOURCE_CONFLICT');
        await registry.setApproval(m.name, 2, 'Rejected', 'no', 'carol');
        expect(await code(registry.setAlias(m.name, 'champion', 2, 'alice'))).toBe('RESOURCE_CONFLICT');
        expect((await registry.getRegisteredModel(m.name)).aliases).toEqual([]);
        expect((await registry.getModelVersion(m.name, 1)).currentStage).toBe('None');
        expect(await registry.listChanges({ modelName: m.name, limit: 1000 })).toHaveLength(before + 1);
        // unprotected promotions are not gated
        await registry.setAlias(m.name, 'challenger', 1, 'alice');
        await registry.transitionStage(m.name, 1, 'Staging', false, 'alice');
        await registry.setApproval(m.name, 1, 'Approved', undefined, 'carol');
        await registry.setAlias(m.name, 'champion', 1, 'alice');
        await registry.transitionStage(m.name, 1, 'Production', false, 'alice');
        expect((await registry.getModelVersion(m.name, 1)).aliases).toEqual(['challenger', 'champion']);
      });
    });

    describe('change log', () => {
      it('appends who, when, what and from → to for every change, across renames', async () => {
        const m = await newModel();
        await newVersion(m.name);
        await registry.transitionStage(m.name, 1, 'Staging', false, 'bob');
        await registry.setAlias(m.name, 'candidate', 1, 'bob');
        await registry.setApproval(m.name, 1, 'Approved', 'ok', 'carol');
        await registry.renameRegisteredModel(m.name, `${m.name}-r`, 'dave');
        await registry.setModelVersionTag(`${m.name}-r`, 1, { key: 'k', value: 'v' }, 'erin');
        const entries = await registry.listChanges({ modelName: `${m.name}-r`, limit: 100 });
        expect(entries.map((e) => [e.type, e.actor, e.version ?? null, e.from ?? null, e.to ?? null])).toEqual([
          ['registered_model.created', 'alice', null, null, null],
          ['model_version.created', 'alice', 1, null, expect.stringMatching(/^mlflow-artifacts:/) as string],
          ['model_version.stage_changed', 'bob', 1, 'None', 'Staging'],
          ['model_version_alias.created', 'bob', 1, null, '1'],
          ['model_version.approval_changed', 'carol', 1, 'PendingManualApproval', 'Approved'],
          ['registered_model.renamed', 'dave', null, m.name, `${m.name}-r`],
          ['model_version_tag.set', 'erin', 1, null, 'v'],
        ]);
        expect(entries.every((e, i) => i === 0 || e.id > entries[i - 1]!.id)).toBe(true);
        expect(entries.every((e) => e.timestamp > 0)).toBe(true);
        const forVersion = await registry.listChanges({ modelName: `${m.name}-r`, version: 1, types: ['model_version.approval_changed'], limit: 10 });
        expect(forVersion.map((e) => e.comment)).toEqual(['ok']);
        const after = await registry.listChanges({ afterId: entries.at(-2)!.id, limit: 10 });
        expect(after.map((e) => e.id)).toContain(entries.at(-1)!.id);
      });

      it('keeps a deleted model history, queryable by its name', async () => {
        const m = await newModel();
        await registry.deleteRegisteredModel(m.name, 'zed');
        const entries = await registry.listChanges({ modelName: m.name, limit: 10 });
        expect(entries.map((e) => e.type)).toEqual(['registered_model.created', 'registered_model.deleted']);
      });
    });

    describe('search', () => {
      it('searches models by name and tags, with MLflow prompt-tag semantics', async () => {
        const prefix = unique('srch');
        for (const s of ['b', 'a', 'c']) {
          await registry.createRegisteredModel({ name: `${prefix}-${s}`, tags: s === 'c' ? [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] : [] }, 'alice');
        }
        const names = async (filter: string, orderBy: string[] = []) =>
          (
            await registry.searchRegisteredModels({
              filter: parseRegisteredModelsFilter(filter),
              orderBy: parseRegisteredModelsOrderBy(orderBy),
              limit: 100,
              offset: 0,
            })
          ).items.map((m) => m.name);
        expect(await names(`name LIKE '${prefix}-%'`)).toEqual([`${prefix}-a`, `${prefix}-b`, `${prefix}-c`]);
        expect(await names(`name LIKE '${prefix}-%' AND tags.\`mlflow.prompt.is_prompt\` != 'true'`)).toEqual([`${prefix}-a`, `${prefix}-b`]);
        expect(await names(`name LIKE '${prefix}-%' AND tags.\`mlflow.prompt.is_prompt\` = 'true'`)).toEqual([`${prefix}-c`]);
        expect(await names(`name ILIKE '${prefix.toUpperCase()}-B'`)).toEqual([`${prefix}-b`]);
        expect(await names(`name LIKE '${prefix}-%'`, ['name DESC'])).toEqual([`${prefix}-c`, `${prefix}-b`, `${prefix}-a`]);
      });

      it('searches versions by name, run id, version number and tags', async () => {
        const m = await newModel();
        await newVersion(m.name, { runId: 'run-a' });
        await newVersion(m.name, { runId: 'run-b' });
        await newVersion(m.name, { runId: 'run-a' });
        await registry.setModelVersionTag(m.name, 2, { key: 'flag', value: 'x' }, 'alice');
        const versions = async (filter: string, orderBy: string[] = ['version_number ASC']) =>
          (
            await registry.searchModelVersions({ filter: parseModelVersionsFilter(filter), orderBy: parseModelVersionsOrderBy(orderBy), limit: 100, offset: 0 })
          ).items.map((v) => v.version);
        expect(await versions(`name = '${m.name}'`)).toEqual([1, 2, 3]);
        expect(await versions(`name = '${m.name}' AND run_id = 'run-a'`)).toEqual([1, 3]);
        expect(await versions(`name = '${m.name}' AND run_id IN ('run-b')`)).toEqual([2]);
        expect(await versions(`name = '${m.name}' AND version_number > 1`, ['version_number DESC'])).toEqual([3, 2]);
        expect(await versions(`name = '${m.name}' AND tags.flag = 'x'`)).toEqual([2]);
        await registry.deleteModelVersion(m.name, 3, 'alice');
        expect(await versions(`name = '${m.name}'`)).toEqual([1, 2]);
      });
    });

    describe('lineage links', () => {
      it('stores edges once and finds them from either end', async () => {
        const edge = { from: `pipeline_execution:${unique('e')}`, to: `run:${unique('r')}`, relation: 'produced' };
        await registry.addLineageLink(edge);
        await registry.addLineageLink(edge);
        expect(await registry.lineageLinks([edge.to])).toEqual([edge]);
        expect(await registry.lineageLinks([edge.from, edge.to])).toEqual([edge]);
        expect(await registry.lineageLinks(['run:none'])).toEqual([]);
      });
    });
  });
}

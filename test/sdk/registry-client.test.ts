import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, SlipwayClient } from '../../src/sdk/index.js';
import { SqlRegistryStore } from '../../src/store-sql/sql-registry-store.js';
import { startLiveServer, type LiveServer } from '../support/live-server.js';
import { seedTracking, type TrackingFixture } from '../support/registry-fixture.js';
import { rejection } from '../support/sdk-rejection.js';
import { BACKENDS } from '../support/test-databases.js';

/** The SDK's registry client against the real server (over HTTP), on each backend. */
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: SDK registry client`, () => {
    let live: LiveServer;
    let fx: TrackingFixture;
    let alice: SlipwayClient;
    let carol: SlipwayClient;

    beforeAll(async () => {
      live = await startLiveServer(backend);
      fx = await seedTracking(live.url, 'sdk');
      alice = new SlipwayClient({ trackingUri: live.url, actor: 'alice', env: {} });
      carol = new SlipwayClient({ trackingUri: live.url, actor: 'carol', env: {} });
    });
    afterAll(async () => {
      await live?.stop();
    });

    it('creates, reads (with the approval policy), updates, tags and renames registered models', async () => {
      const created = await alice.registry.createRegisteredModel('housing', { description: 'house prices', tags: { team: 'risk' } });
      expect(created).toMatchObject({ name: 'housing', description: 'house prices', tags: [{ key: 'team', value: 'risk' }], user_id: 'alice' });
      const detail = await alice.registry.getRegisteredModel('housing');
      expect(detail.approval_policy).toEqual({ protected_aliases: [], protected_stages: [] });
      expect((await alice.registry.updateRegisteredModel('housing', { description: 'House prices (USD)' })).description).toBe('House prices (USD)');
      await alice.registry.setRegisteredModelTag('housing', 'owner', 'alice');
      await alice.registry.deleteRegisteredModelTag('housing', 'team');
      expect((await alice.registry.getRegisteredModel('housing')).tags).toEqual([{ key: 'owner', value: 'alice' }]);

      await alice.registry.createRegisteredModel('to rename');
      expect((await alice.registry.renameRegisteredModel('to rename', 'renamed #1 ?%')).name).toBe('renamed #1 ?%');
      // Slipway's path routes take any model name (URL-encoded).
      expect((await alice.registry.getRegisteredModel('renamed #1 ?%')).name).toBe('renamed #1 ?%');
      await alice.registry.deleteRegisteredModel('renamed #1 ?%');
      expect((await rejection(alice.registry.getRegisteredModel('renamed #1 ?%'))).isNotFound).toBe(true);
    });

    it('searches with filter, order and page tokens; iterate() reads every page', async () => {
      for (let i = 0; i < 5; i++) await alice.registry.createRegisteredModel(`paged-${i}`);
      const first = await alice.registry.searchRegisteredModels({ filter: "name LIKE 'paged-%'", orderBy: ['name DESC'], maxResults: 2 });
      expect(first.items.map((m) => m.name)).toEqual(['paged-4', 'paged-3']);
      expect(first.nextPageToken).toBeTypeOf('string');
      const second = await alice.registry.searchRegisteredModels({ filter: "name LIKE 'paged-%'", orderBy: ['name DESC'], maxResults: 2, pageToken: first.nextPageToken });
      expect(second.items.map((m) => m.name)).toEqual(['paged-2', 'paged-1']);
      const all = await collect(alice.registry.iterateRegisteredModels({ filter: "name LIKE 'paged-%'", orderBy: ['name ASC'], pageSize: 2 }));
      expect(all.map((m) => m.name)).toEqual(['paged-0', 'paged-1', 'paged-2', 'paged-3', 'paged-4']);
      const last = await alice.registry.searchRegisteredModels({ filter: "name = 'paged-0'" });
      expect(last.nextPageToken).toBeUndefined();
      const bad = await rejection(alice.registry.searchRegisteredModels({ filter: 'name = unquoted' }));
      expect(bad).toMatchObject({ errorCode: 'INVALID_PARAMETER_VALUE', status: 400 });
    });

    it('registers versions from runs:/ and models:/ sources; reads them with approval and storage location', async () => {
      const v1 = await alice.registry.createModelVersion('housing', `models:/${fx.modelId}`, { runId: fx.runId, modelId: fx.modelId, tags: { stage_note: 'first' } });
      expect(v1).toMatchObject({ name: 'housing', version: '1', status: 'READY', current_stage: 'None', model_id: fx.modelId, tags: [{ key: 'stage_note', value: 'first' }] });
      const v2 = await alice.registry.createModelVersion('housing', `runs:/${fx.runId}/model`, { description: 'second' });
      expect(v2).toMatchObject({ version: '2', run_id: fx.runId, description: 'second' });
      await alice.registry.createModelVersion('housing', `runs:/${fx.runId}/model`);

      const detail = await alice.registry.getModelVersion('housing', '2');
      expect(detail.approval).toEqual({ status: 'PendingManualApproval' });
      expect(detail.storage_location).toBe(`mlflow-artifacts:/${fx.experimentId}/${fx.runId}/artifacts/model`);
      expect(await alice.registry.getModelVersionDownloadUri('housing', 2)).toBe(detail.storage_location);

      expect((await alice.registry.updateModelVersion('housing', 3, { description: 'third' })).description).toBe('third');
      await alice.registry.setModelVersionTag('housing', 3, 'k', 'v');
      expect((await alice.registry.getModelVersion('housing', 3)).tags).toEqual([{ key: 'k', value: 'v' }]);
      await alice.registry.deleteModelVersionTag('housing', 3, 'k');
      expect((await alice.registry.getModelVersion('housing', 3)).tags).toEqual([]);

      const page = await alice.registry.searchModelVersions({ filter: "name = 'housing'", orderBy: ['version_number DESC'] });
      expect(page.items.map((v) => v.version)).toEqual(['3', '2', '1']);
      const paged = await collect(alice.registry.iterateModelVersions({ filter: "name = 'housing'", orderBy: ['version_number ASC'], pageSize: 1 }));
      expect(paged.map((v) => v.version)).toEqual(['1', '2', '3']);
      const source = await rejection(alice.registry.createModelVersion('housing', '/etc/passwd'));
      expect(source.errorCode).toBe('INVALID_PARAMETER_VALUE');
    });

    it('gates protected aliases and stages on approval; approve and reject record the actor and comment', async () => {
      const policy = await alice.registry.setApprovalPolicy('housing', { protectedAliases: ['champion'], protectedStages: ['production'] });
      expect(policy.approval_policy).toEqual({ protected_aliases: ['champion'], protected_stages: ['Production'] });

      const refused = await rejection(alice.registry.setAlias('housing', 'champion', 1));
      expect(refused).toMatchObject({ errorCode: 'RESOURCE_CONFLICT', status: 409 });
      expect(refused.message).toContain("alias 'champion'");
      expect((await rejection(alice.registry.transitionModelVersionStage('housing', 1, 'Production'))).errorCode).toBe('RESOURCE_CONFLICT');

      const approved = await carol.registry.approveModelVersion('housing', 1, { comment: 'holdout RMSE ok' });
      expect(approved.approval).toMatchObject({ status: 'Approved', actor: 'carol', comment: 'holdout RMSE ok' });
      expect(approved.approval.timestamp).toBeGreaterThan(0);
      const rejected = await carol.registry.rejectModelVersion('housing', '2', { comment: 'drift' });
      expect(rejected.approval).toMatchObject({ status: 'Rejected', actor: 'carol', comment: 'drift' });

      await alice.registry.setAlias('housing', 'champion', 1);
      await alice.registry.setAlias('housing', 'challenger', 3);
      expect((await alice.registry.getModelVersionByAlias('housing', 'champion')).version).toBe('1');
      await alice.registry.transitionModelVersionStage('housing', 3, 'staging');
      const moved = await alice.registry.transitionModelVersionStage('housing', 1, 'Production', { archiveExistingVersions: true });
      expect(moved.current_stage).toBe('Production');
      const latest = await alice.registry.getLatestVersions('housing', ['Production', 'Staging']);
      expect(latest.map((v) => [v.current_stage, v.version])).toEqual(expect.arrayContaining([['Production', '1'], ['Staging', '3']]));

      const model = await alice.registry.getRegisteredModel('housing');
      expect(model.aliases).toEqual(expect.arrayContaining([{ alias: 'champion', version: '1' }, { alias: 'challenger', version: '3' }]));
      expect(model.latest_versions.find((v) => v.version === '1')?.approval.status).toBe('Approved');
      await alice.registry.deleteAlias('housing', 'challenger');
      expect((await alice.registry.getRegisteredModel('housing')).aliases).toEqual([{ alias: 'champion', version: '1' }]);
      expect((await rejection(alice.registry.setApproval('housing', 1, 'maybe'))).errorCode).toBe('INVALID_PARAMETER_VALUE');
    });

    it('reads the audit trail by model, version and type, paging by id', async () => {
      const all = await alice.registry.listAuditEntries({ name: 'housing' });
      expect(all[0]).toMatchObject({ type: 'registered_model.created', actor: 'alice', model_name: 'housing' });
      expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => a - b));
      const approvals = await alice.registry.listAuditEntries({ name: 'housing', types: ['model_version.approval_changed'] });
      expect(approvals.map((e) => [e.version, e.actor, e.from, e.to, e.comment])).toEqual([
        ['1', 'carol', 'PendingManualApproval', 'Approved', 'holdout RMSE ok'],
        ['2', 'carol', 'PendingManualApproval', 'Rejected', 'drift'],
      ]);
      const v1 = await alice.registry.listAuditEntries({ name: 'housing', version: 1 });
      expect(v1.every((e) => e.version === '1')).toBe(true);
      const paged = await collect(alice.registry.iterateAuditEntries({ name: 'housing', pageSize: 2 }));
      expect(paged).toEqual(all);
      const after = await alice.registry.listAuditEntries({ name: 'housing', afterId: all.at(-3)!.id });
      expect(after).toEqual(all.slice(-2));
      expect((await rejection(alice.registry.listAuditEntries({ types: ['nonsense'] }))).errorCode).toBe('INVALID_PARAMETER_VALUE');
    });

    it('returns lineage: dataset → run → logged model → version, plus stored links such as deployments', async () => {
      const store = await SqlRegistryStore.open(live.database.database);
      await store.addLineageLink({ from: 'model_version:housing/1', to: 'deployment:prod-endpoint', relation: 'deployed_as' });
      const lineage = await alice.registry.getLineage('housing', 1);
      expect(lineage.root).toBe('model_version:housing/1');
      const kinds = lineage.nodes.map((n) => n.kind).sort();
      expect(kinds).toEqual(['dataset', 'deployment', 'logged_model', 'model_version', 'run']);
      expect(lineage.nodes.find((n) => n.kind === 'run')?.attributes).toMatchObject({ run_id: fx.runId, params: { n_estimators: '100' }, metrics: { rmse: 0.42 } });
      expect(lineage.edges).toEqual(
        expect.arrayContaining([
          { from: 'dataset:housing-data@abc123', to: `run:${fx.runId}`, relation: 'input_to' },
          { from: `run:${fx.runId}`, to: `logged_model:${fx.modelId}`, relation: 'produced' },
          { from: `logged_model:${fx.modelId}`, to: 'model_version:housing/1', relation: 'registered_as' },
          { from: 'model_version:housing/1', to: 'deployment:prod-endpoint', relation: 'deployed_as' },
        ]),
      );
    });

    it('deletes versions; unknown models and versions are RESOURCE_DOES_NOT_EXIST (404)', async () => {
      await alice.registry.deleteModelVersion('housing', 3);
      const gone = await rejection(alice.registry.getModelVersion('housing', 3));
      expect(gone).toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST', status: 404, isNotFound: true });
      const unknown = await rejection(alice.registry.getRegisteredModel('nope'));
      expect(unknown.message).toBe('Registered Model with name=nope not found');
      expect((await rejection(alice.registry.getLineage('nope', 1))).isNotFound).toBe(true);
      expect((await rejection(alice.registry.createRegisteredModel('housing'))).errorCode).toBe('RESOURCE_ALREADY_EXISTS');
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlipwayClient, type AuditEntry, type Lineage, type ModelVersionDetail, type RegisteredModel, type RegisteredModelDetail } from '../../src/sdk/index.js';
import { SqlRegistryStore } from '../../src/store-sql/sql-registry-store.js';
import { closedPort, startLiveServer, type LiveServer } from '../support/live-server.js';
import { seedTracking, type TrackingFixture } from '../support/registry-fixture.js';
import { CLEAN_ENV, cliEnv, failed, json, ok, runCli, type CliResult } from '../support/cli-runner.js';
import { BACKENDS } from '../support/test-databases.js';

/** The real built CLI (`node dist/cli/main.js models …`) against the real server, on each backend. */
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: slipway models`, () => {
    let live: LiveServer;
    let fx: TrackingFixture;
    const models = (args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> =>
      runCli(['models', ...args], cliEnv(live.url, env));

    beforeAll(async () => {
      live = await startLiveServer(backend);
      fx = await seedTracking(live.url, 'cli');
      const sdk = new SlipwayClient({ trackingUri: live.url, actor: 'bob', env: {} });
      await sdk.registry.createRegisteredModel('housing', { description: 'Predicts house prices\nfrom census features', tags: { team: 'risk' } });
      await sdk.registry.createModelVersion('housing', `models:/${fx.modelId}`, { runId: fx.runId, modelId: fx.modelId });
      await sdk.registry.createModelVersion('housing', `runs:/${fx.runId}/model`);
      await sdk.registry.createModelVersion('housing', `runs:/${fx.runId}/model`, { description: 'third' });
      await sdk.registry.createRegisteredModel('churn');
    });
    afterAll(async () => {
      await live?.stop();
    });

    it('list: a table by default, the search result with --json, with filter, order and limit', async () => {
      const lines = ok(await models(['list'])).trimEnd().split('\n');
      expect(lines[0]).toMatch(/^NAME\s+LATEST VERSION\s+ALIASES\s+UPDATED\s+DESCRIPTION$/);
      expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['churn', 'housing']);
      expect(lines[2]).toMatch(/^housing\s+3\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+Predicts house prices from census features$/);

      const { registered_models } = json<{ registered_models: RegisteredModel[] }>(await models(['list', '--json']));
      expect(registered_models.map((m) => m.name)).toEqual(['churn', 'housing']);
      expect(registered_models[1]).toMatchObject({ description: 'Predicts house prices\nfrom census features', tags: [{ key: 'team', value: 'risk' }] });

      const filtered = json<{ registered_models: RegisteredModel[] }>(await models(['list', '--filter', "name LIKE 'hous%'", '--json']));
      expect(filtered.registered_models.map((m) => m.name)).toEqual(['housing']);
      const limited = json<{ registered_models: RegisteredModel[] }>(await models(['list', '--order-by', 'name DESC', '--max-results', '1', '--json']));
      expect(limited.registered_models.map((m) => m.name)).toEqual(['housing']);
      const bad = failed(await models(['list', '--filter', 'name = unquoted']), 1);
      expect(bad).toMatch(/^slipway: INVALID_PARAMETER_VALUE: /);
    });

    it('show: details with tags, aliases, approval policy and latest versions', async () => {
      const text = ok(await models(['show', 'housing']));
      expect(text).toMatch(/^Name:\s+housing$/m);
      expect(text).toMatch(/^Description:\s+Predicts house prices from census features$/m);
      expect(text).toMatch(/^Tags:\s+team=risk$/m);
      expect(text).toMatch(/^Approval policy:\s+none/m);
      expect(text).toMatch(/^\s+None\s+3\s+PendingManualApproval\s+/m);
      const { registered_model } = json<{ registered_model: RegisteredModelDetail }>(await models(['show', 'housing', '--json']));
      expect(registered_model).toMatchObject({ name: 'housing', user_id: 'bob', approval_policy: { protected_aliases: [], protected_stages: [] } });
    });

    it('versions: newest first with stage, approval, aliases, run id and source', async () => {
      const lines = ok(await models(['versions', 'housing'])).trimEnd().split('\n');
      expect(lines[0]).toMatch(/^VERSION\s+STAGE\s+APPROVAL\s+ALIASES\s+RUN ID\s+CREATED\s+SOURCE$/);
      expect(lines.slice(1).map((l) => l.trim().split(/\s+/).slice(0, 3))).toEqual([
        ['3', 'None', 'PendingManualApproval'],
        ['2', 'None', 'PendingManualApproval'],
        ['1', 'None', 'PendingManualApproval'],
      ]);
      expect(lines[3]).toContain(fx.runId);
      expect(lines[3]).toContain(`models:/${fx.modelId}`);
      const filtered = json<{ model_versions: ModelVersionDetail[] }>(await models(['versions', 'housing', '--filter', 'version_number >= 2', '--order-by', 'version_number ASC', '--json']));
      expect(filtered.model_versions.map((v) => v.version)).toEqual(['2', '3']);
      expect(filtered.model_versions[1]).toMatchObject({ description: 'third', approval: { status: 'PendingManualApproval' } });
    });

    it('approval-policy, stage, approve, reject and alias: the approval gate end to end', async () => {
      const policy = json<{ registered_model: RegisteredModelDetail }>(
        await models(['approval-policy', 'housing', '--protect-alias', 'champion', '--protect-stage', 'production', '--json']),
      );
      expect(policy.registered_model.approval_policy).toEqual({ protected_aliases: ['champion'], protected_stages: ['Production'] });
      expect(ok(await models(['approval-policy', 'housing']))).toMatch(/protected aliases: champion\n\s+protected stages:\s+Production/);

      // A protected stage or alias refuses a version that is not approved.
      const refused = failed(await models(['stage', 'housing', '1', 'Production']), 1);
      expect(refused).toMatch(/^slipway: RESOURCE_CONFLICT: Version 1 of registered model 'housing' is PendingManualApproval, not Approved/);
      expect(failed(await models(['alias', 'set', 'housing', 'champion', '1']), 1)).toMatch(/^slipway: RESOURCE_CONFLICT: .*alias 'champion'/);

      const approved = ok(await models(['approve', 'housing', '1', '--comment', 'holdout RMSE ok', '--actor', 'alice']));
      expect(approved).toBe('housing v1: stage None, Approved (by alice)\n');
      const rejected = json<{ model_version: ModelVersionDetail }>(await models(['reject', 'housing', '2', '--comment', 'drift', '--json']));
      expect(rejected.model_version.approval).toMatchObject({ status: 'Rejected', actor: 'ci-bot', comment: 'drift' });

      const versions = json<{ model_versions: ModelVersionDetail[] }>(await models(['versions', 'housing', '--json']));
      expect(versions.model_versions.map((v) => [v.version, v.approval.status, v.approval.actor, v.approval.comment])).toEqual([
        ['3', 'PendingManualApproval', undefined, undefined],
        ['2', 'Rejected', 'ci-bot', 'drift'],
        ['1', 'Approved', 'alice', 'holdout RMSE ok'],
      ]);

      const staged = json<{ model_version: ModelVersionDetail }>(await models(['stage', 'housing', '1', 'PRODUCTION', '--archive-existing', '--json']));
      expect(staged.model_version).toMatchObject({ version: '1', current_stage: 'Production', approval: { status: 'Approved' } });
      expect(ok(await models(['stage', 'housing', '3', 'staging']))).toBe('housing v3: stage Staging, PendingManualApproval\n');

      expect(ok(await models(['alias', 'set', 'housing', 'champion', '1']))).toBe("Alias 'champion' now points at housing v1.\n");
      const challenger = json<{ model_version: ModelVersionDetail }>(await models(['alias', 'set', 'housing', 'challenger', '3', '--json']));
      expect(challenger.model_version).toMatchObject({ version: '3', aliases: ['challenger'] });
      const removed = json<{ registered_model: RegisteredModelDetail }>(await models(['alias', 'rm', 'housing', 'challenger', '--json']));
      expect(removed.registered_model.aliases).toEqual([{ alias: 'champion', version: '1' }]);
      expect(ok(await models(['alias', 'rm', 'housing', 'champion']))).toBe("Removed alias 'champion' of housing.\n");
      await models(['alias', 'set', 'housing', 'champion', '1']);

      const table = ok(await models(['versions', 'housing']));
      expect(table).toMatch(/^\s+1\s+Production\s+Approved\s+champion\s+/m);
      expect(table).toMatch(/^\s+2\s+None\s+Rejected\s+/m);
      expect(ok(await models(['show', 'housing']))).toMatch(/^Aliases:\s+champion → v1$/m);
    });

    it('audit: who changed what, filtered by version and type, the last n with --limit', async () => {
      const { entries } = json<{ entries: AuditEntry[] }>(await models(['audit', 'housing', '--json']));
      expect(entries[0]).toMatchObject({ type: 'registered_model.created', actor: 'bob', model_name: 'housing' });
      expect(entries.find((e) => e.type === 'model_version.approval_changed' && e.version === '1')).toMatchObject({
        actor: 'alice',
        from: 'PendingManualApproval',
        to: 'Approved',
        comment: 'holdout RMSE ok',
      });
      expect(entries.find((e) => e.type === 'registered_model.approval_policy_set')?.actor).toBe('ci-bot');

      const text = ok(await models(['audit', 'housing', '--version', '1', '--type', 'model_version.approval_changed']));
      const lines = text.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^TIME\s+ACTOR\s+EVENT\s+MODEL\s+VERSION\s+FIELD\s+FROM → TO\s+COMMENT$/);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(/^\S+Z\s+alice\s+model_version\.approval_changed\s+housing\s+1\s+approval\s+PendingManualApproval → Approved\s+holdout RMSE ok$/);

      const last = json<{ entries: AuditEntry[] }>(await models(['audit', 'housing', '--limit', '2', '--json']));
      expect(last.entries).toEqual(entries.slice(-2));
      const after = json<{ entries: AuditEntry[] }>(await models(['audit', '--after-id', String(entries.at(-2)!.id), '--json']));
      expect(after.entries.map((e) => e.id)).toEqual(entries.slice(-1).map((e) => e.id));
      const types = json<{ entries: AuditEntry[] }>(await models(['audit', '--type', 'model_version.stage_changed', '--type', 'model_version_alias.deleted', '--json']));
      expect(new Set(types.entries.map((e) => e.type))).toEqual(new Set(['model_version.stage_changed', 'model_version_alias.deleted']));
      expect(failed(await models(['audit', '--type', 'nonsense']), 1)).toMatch(/^slipway: INVALID_PARAMETER_VALUE: Invalid value 'nonsense'/);
    });

    it('lineage: a tree from the datasets to the deployments, and the graph with --json', async () => {
      const store = await SqlRegistryStore.open(live.database.database);
      await store.addLineageLink({ from: 'model_version:housing/1', to: 'deployment:prod-endpoint', relation: 'deployed_as' });
      await store.addLineageLink({ from: 'pipeline_execution:train-42', to: `run:${fx.runId}`, relation: 'produced' });
      const text = ok(await models(['lineage', 'housing', '1']));
      expect(text).toBe(
        [
          'model version housing v1  stage Production · Approved · aliases champion',
          `│ source: models:/${fx.modelId}`,
          `│ stored at: mlflow-artifacts:/${fx.experimentId}/models/${fx.modelId}/artifacts`,
          `├── registered from: logged model model (${fx.modelId})  LOGGED_MODEL_PENDING`,
          `│   └── produced by: run clever-owl-12 (${fx.runId})  RUNNING · experiment ${fx.experimentId}`,
          '│       │ params:  max_depth=6, n_estimators=100',
          '│       │ metrics: rmse=0.42',
          '│       ├── input: dataset housing-data  digest abc123 · context training · local',
          '│       │     source: {"uri": "housing.csv"}',
          '│       └── produced by: pipeline execution train-42',
          '└── deployed as: deployment prod-endpoint',
          '',
        ].join('\n'),
      );
      const { lineage } = json<{ lineage: Lineage }>(await models(['lineage', 'housing', '2', '--json']));
      expect(lineage.root).toBe('model_version:housing/2');
      expect(lineage.nodes.map((n) => n.kind).sort()).toEqual(['dataset', 'model_version', 'pipeline_execution', 'run']);
    });

    it('unknown models and versions: one line naming the error code, exit 1', async () => {
      const expected = 'slipway: RESOURCE_DOES_NOT_EXIST: Registered Model with name=nope not found';
      expect(failed(await models(['show', 'nope']), 1)).toBe(expected);
      expect(failed(await models(['versions', 'nope']), 1)).toBe(expected);
      expect(failed(await models(['approve', 'nope', '1', '--json']), 1)).toBe(expected);
      expect(failed(await models(['lineage', 'housing', '99']), 1)).toBe('slipway: RESOURCE_DOES_NOT_EXIST: Model Version (name=housing, version=99) not found');
    });

    it('takes the server from --tracking-uri and MLFLOW_TRACKING_URI too', async () => {
      const viaOption = await runCli(['models', 'list', '--json', '--tracking-uri', live.url], CLEAN_ENV);
      expect(JSON.parse(ok(viaOption))).toHaveProperty('registered_models');
      const before = await runCli(['models', '--tracking-uri', live.url, 'list', '--json'], CLEAN_ENV);
      expect(JSON.parse(ok(before))).toHaveProperty('registered_models');
      const viaMlflow = await runCli(['models', 'show', 'churn', '--json'], { ...CLEAN_ENV, MLFLOW_TRACKING_URI: live.url });
      expect(JSON.parse(ok(viaMlflow))).toMatchObject({ registered_model: { name: 'churn' } });
    });
  });
}

describe('slipway models: usage and connection errors', () => {
  const cli = (args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> => runCli(['models', ...args], { ...CLEAN_ENV, ...env });

  it('exits 1 with one line naming the URI when the server cannot be reached (no credentials shown)', async () => {
    const port = await closedPort();
    const result = await cli(['list', '--tracking-uri', `http://someone:hunter2@127.0.0.1:${port}`]);
    expect(failed(result, 1)).toBe(`slipway: cannot connect to the Slipway server at http://127.0.0.1:${port} (connection refused)`);
    const viaEnv = await cli(['show', 'housing'], { SLIPWAY_TRACKING_URI: `http://127.0.0.1:${port}` });
    expect(failed(viaEnv, 1)).toContain(`http://127.0.0.1:${port}`);
  });

  it.each([
    [['stage', 'housing', '1', 'prod'], "argument 'stage'"],
    [['stage', 'housing', 'one', 'Production'], 'A model version is a positive integer'],
    [['list', '--max-results', '0'], 'It must be a positive integer'],
    [['list', '--bogus'], "unknown option '--bogus'"],
    [['show'], "missing required argument 'name'"],
    [['audit', '--version', '1'], '--version needs a model name'],
    [['approval-policy', 'housing', '--clear', '--protect-alias', 'champion'], '--clear cannot be combined'],
    [['list', '--tracking-uri', 'sqlite:///mlflow.db'], "'sqlite' is not supported"],
    [['approve', 'housing', '1', '--actor', 'bad\u0001actor'], 'printable ASCII'],
  ])('usage error %j: exit 2, one line', async (args, message) => {
    const result = await cli(args);
    expect(failed(result, 2)).toContain(message);
  });

  it('shows help with the subcommands and examples, exit 0', async () => {
    const help = ok(await cli(['--help']));
    for (const sub of ['list', 'show <name>', 'versions <name>', 'alias', 'stage <name> <version> <stage>', 'approve <name> <version>', 'reject <name> <version>', 'approval-policy <name>', 'audit [name]', 'lineage <name> <version>']) {
      expect(help).toContain(`  ${sub} `);
    }
    expect(help).toContain('Examples:');
    const sub = ok(await cli(['audit', '--help']));
    expect(sub).toContain('--tracking-uri <uri>');
    expect(sub).toContain('--json');
    expect(sub).not.toContain('output the version number');
  });

  it('a subcommand is required: help on stderr, exit 2', async () => {
    const result = await cli([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: slipway models');
  });
});

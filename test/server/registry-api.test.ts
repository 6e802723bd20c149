import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/test-databases.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

type Json = Record<string, unknown>;

/** The MLflow registry API and Slipway's registry extensions over HTTP, on each backend. */
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: registry API`, () => {
    let t: TestApp;
    let runId: string;
    let experimentId: string;
    let modelId: string;

    const slipway = (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, actor = 'alice') =>
      t.app.inject({
        method,
        url: `/api/slipway/v1${path}`,
        ...(method === 'GET' ? { query: (body ?? {}) as Record<string, string> } : { payload: JSON.stringify(body ?? {}) }),
        headers: { 'content-type': 'application/json', 'x-slipway-actor': actor },
      });

    beforeAll(async () => {
      t = await createTestApp(backend);
      experimentId = (await t.call('POST', '/experiments/create', { name: 'registry-api' })).json<{ experiment_id: string }>().experiment_id;
      const run = await t.call('POST', '/runs/create', { experiment_id: experimentId });
      runId = run.json<{ run: { info: { run_id: string } } }>().run.info.run_id;
      await t.call('POST', '/runs/log-batch', {
        run_id: runId,
        params: [{ key: 'n_estimators', value: '100' }],
        metrics: [{ key: 'rmse', value: 0.42, timestamp: 1 }],
      });
      await t.call('POST', '/runs/log-inputs', {
        run_id: runId,
        datasets: [
          {
            tags: [{ key: 'mlflow.data.context', value: 'training' }],
            dataset: { name: 'housing', digest: 'abc123', source_type: 'local', source: '{"uri": "housing.csv"}' },
          },
        ],
      });
      const logged = await t.call('POST', '/logged-models', { experiment_id: experimentId, name: 'model', source_run_id: runId });
      modelId = logged.json<{ model: { info: { model_id: string } } }>().model.info.model_id;
    });
    afterAll(async () => {
      await t.close();
    });

    it('registers from models:/<logged model id> like the 3.x client, READY at once, resolving the storage', async () => {
      expect((await t.call('POST', '/registered-models/create', { name: 'housing' })).statusCode).toBe(200);
      const res = await t.call('POST', '/model-versions/create', { name: 'housing', source: `models:/${modelId}`, run_id: runId, model_id: modelId });
      expect(res.statusCode).toBe(200);
      expect(res.json<Json>().model_version).toMatchObject({ name: 'housing', version: '1', status: 'READY', current_stage: 'None', run_id: runId, model_id: modelId });
      const uri = await t.call('GET', '/model-versions/get-download-uri', { name: 'housing', version: '1' });
      expect(uri.json()).toEqual({ artifact_uri: `mlflow-artifacts:/${experimentId}/models/${modelId}/artifacts` });
      const runs = await t.call('POST', '/model-versions/create', { name: 'housing', source: `runs:/${runId}/model` });
      expect(runs.json<Json>().model_version).toMatchObject({ version: '2', run_id: runId });
      const runsUri = await t.call('GET', '/model-versions/get-download-uri', { name: 'housing', version: '2' });
      expect(runsUri.json()).toEqual({ artifact_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts/model` });
    });

    it('refuses sources outside the artifact store, naming the field', async () => {
      for (const source of ['/etc/passwd', 'file:///etc/passwd', 'https://elsewhere.example/model', 's3://bucket/m', `runs:/${runId}/../../x`, 'mlflow-artifacts:/../../x']) {
        const res = await t.call('POST', '/model-versions/create', { name: 'housing', source });
        expect(res.statusCode, source).toBe(400);
        expect(res.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
        expect(res.json<{ message: string }>().message).toContain("'source'");
      }
      const versions = await t.call('GET', '/model-versions/search', { filter: "name = 'housing'" });
      expect(versions.json<{ model_versions: unknown[] }>().model_versions).toHaveLength(2);
    });

    it('answers unknown models and versions with 404, duplicates with RESOURCE_ALREADY_EXISTS', async () => {
      expect((await t.call('GET', '/registered-models/get', { name: 'nope' })).json()).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
      expect((await t.call('GET', '/registered-models/get', { name: 'nope' })).statusCode).toBe(404);
      expect((await t.call('GET', '/model-versions/get', { name: 'housing', version: '99' })).statusCode).toBe(404);
      const dup = await t.call('POST', '/registered-models/create', { name: 'housing' });
      expect(dup.statusCode).toBe(400);
      expect(dup.json()).toMatchObject({ error_code: 'RESOURCE_ALREADY_EXISTS' });
    });

    it('refuses invalid stages, aliases, versions and filters with a 400 naming them', async () => {
      const cases: [string, string, unknown, string][] = [
        ['POST', '/model-versions/transition-stage', { name: 'housing', version: '1', stage: 'Prod', archive_existing_versions: false }, "'stage'"],
        ['POST', '/model-versions/transition-stage', { name: 'housing', version: '1', stage: 'Archived', archive_existing_versions: true }, 'archive_existing_versions'],
        ['POST', '/registered-models/alias', { name: 'housing', alias: 'latest', version: '1' }, "'latest'"],
        ['POST', '/registered-models/alias', { name: 'housing', alias: 'v2', version: '1' }, 'version number'],
        ['POST', '/registered-models/alias', { name: 'housing', alias: 'bad alias!', version: '1' }, "'alias'"],
        ['GET', '/model-versions/get', { name: 'housing', version: 'one' }, "'version'"],
        ['GET', '/registered-models/search', { filter: 'name = unquoted' }, 'quoted'],
        ['GET', '/model-versions/search', { filter: "version_number = '1'" }, '.'],
        ['POST', '/registered-models/create', { name: 'team/housing' }, "cannot contain '/'"],
        ['POST', '/registered-models/create', { name: '..' }, "'.' and '..'"],
        ['POST', '/registered-models/rename', { name: 'housing', new_name: '.' }, "'new_name'"],
      ];
      for (const [method, path, body, message] of cases) {
        const res = await t.call(method as 'GET' | 'POST', path, body);
        expect(res.statusCode, `${path} ${JSON.stringify(body)}`).toBe(400);
        expect(res.json<{ message: string }>().message).toContain(message);
      }
    });

    it('serves aliases, latest versions (POST and GET) and MLflow prompt filtering', async () => {
      expect((await t.call('POST', '/registered-models/alias', { name: 'housing', alias: 'challenger', version: '2' })).statusCode).toBe(200);
      const byAlias = await t.call('GET', '/registered-models/alias', { name: 'housing', alias: 'challenger' });
      expect(byAlias.json<Json>().model_version).toMatchObject({ version: '2', aliases: ['challenger'] });
      const missing = await t.call('GET', '/registered-models/alias', { name: 'housing', alias: 'ghost' });
      expect(missing.statusCode).toBe(400);
      await t.call('POST', '/model-versions/transition-stage', { name: 'housing', version: '1', stage: 'staging', archive_existing_versions: false });
      for (const method of ['POST', 'GET'] as const) {
        const latest = await t.call(method, '/registered-models/get-latest-versions', { name: 'housing', stages: ['Staging'] });
        expect(latest.json<{ model_versions: Json[] }>().model_versions.map((v) => v.version)).toEqual(['1']);
      }
      const search = await t.call('GET', '/registered-models/search', { filter: "tag.`mlflow.prompt.is_prompt` != 'true'" });
      expect(search.json<{ registered_models: Json[] }>().registered_models.map((m) => m.name)).toContain('housing');
      const model = await t.call('GET', '/registered-models/get', { name: 'housing' });
      expect(model.json<Json>().registered_model).toMatchObject({ aliases: [{ alias: 'challenger', version: '2' }] });
    });

    it('gates protected aliases and stages on approval, with a clear 409', async () => {
      const policy = await slipway('PUT', '/registered-models/housing/approval-policy', { protected_aliases: ['champion'], protected_stages: ['production'] });
      expect(policy.json<Json>().registered_model).toMatchObject({ approval_policy: { protected_aliases: ['champion'], protected_stages: ['Production'] } });
      const refused = await t.call('POST', '/registered-models/alias', { name: 'housing', alias: 'champion', version: '1' });
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ error_code: 'RESOURCE_CONFLICT' });
      expect(refused.json<{ message: string }>().message).toMatch(/PendingManualApproval, not Approved.*alias 'champion'/);
      const stage = await t.call('POST', '/model-versions/transition-stage', { name: 'housing', version: '1', stage: 'Production', archive_existing_versions: true });
      expect(stage.statusCode).toBe(409);
      const approve = await slipway('POST', '/registered-models/housing/versions/1/approval', { status: 'Approved', comment: 'validated on holdout' }, 'carol');
      expect(approve.json<Json>().model_version).toMatchObject({
        approval: { status: 'Approved', actor: 'carol', comment: 'validated on holdout' },
      });
      expect((await t.call('POST', '/registered-models/alias', { name: 'housing', alias: 'champion', version: '1' })).statusCode).toBe(200);
      expect(
        (await t.call('POST', '/model-versions/transition-stage', { name: 'housing', version: '1', stage: 'Production', archive_existing_versions: true })).statusCode,
      ).toBe(200);
      const bad = await slipway('POST', '/registered-models/housing/versions/1/approval', { status: 'maybe' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json<{ message: string }>().message).toContain("'status'");
    });

    it('keeps the audit trail with the actor the request names', async () => {
      const res = await slipway('GET', '/registry/audit', { name: 'housing', version: '1' });
      const entries = res.json<{ entries: Json[] }>().entries;
      expect(entries.map((e) => [e.type, e.actor])).toEqual([
        ['model_version.created', 'anonymous'],
        ['model_version.stage_changed', 'anonymous'],
        ['model_version.approval_changed', 'carol'],
        ['model_version_alias.created', 'anonymous'],
        ['model_version.stage_changed', 'anonymous'],
      ]);
      expect(entries[2]).toMatchObject({ from: 'PendingManualApproval', to: 'Approved', comment: 'validated on holdout', version: '1' });
      const filtered = await slipway('GET', '/registry/audit', { name: 'housing', types: 'registered_model.approval_policy_set' });
      const policyEntries = filtered.json<{ entries: Json[] }>().entries;
      expect(policyEntries.map((e) => e.actor)).toEqual(['alice']);
      expect(JSON.parse(String(policyEntries[0]!.from))).toEqual({ protected_aliases: [], protected_stages: [] });
      expect(JSON.parse(String(policyEntries[0]!.to))).toEqual({ protected_aliases: ['champion'], protected_stages: ['Production'] });
      const badType = await slipway('GET', '/registry/audit', { types: 'nonsense' });
      expect(badType.statusCode).toBe(400);
    });

    it('returns lineage: dataset → run → logged model → version', async () => {
      const res = await slipway('GET', '/registered-models/housing/versions/1/lineage');
      const { lineage } = res.json<{ lineage: { root: string; nodes: Json[]; edges: Json[] } }>();
      expect(lineage.root).toBe('model_version:housing/1');
      const byKind = Object.fromEntries(lineage.nodes.map((n) => [String(n.kind), n])) as Record<string, Json>;
      expect(byKind.dataset).toMatchObject({ id: 'dataset:housing@abc123', attributes: { digest: 'abc123', context: 'training' } });
      expect(byKind.run).toMatchObject({ attributes: { run_id: runId, params: { n_estimators: '100' }, metrics: { rmse: 0.42 } } });
      expect(byKind.logged_model).toMatchObject({ id: `logged_model:${modelId}` });
      expect(lineage.edges).toEqual(
        expect.arrayContaining([
          { from: `logged_model:${modelId}`, to: 'model_version:housing/1', relation: 'registered_as' },
          { from: `run:${runId}`, to: `logged_model:${modelId}`, relation: 'produced' },
          { from: 'dataset:housing@abc123', to: `run:${runId}`, relation: 'input_to' },
        ]),
      );
    });

    it('renames and deletes consistently', async () => {
      const renamed = await t.call('POST', '/registered-models/rename', { name: 'housing', new_name: 'housing-prices' });
      expect(renamed.json<Json>().registered_model).toMatchObject({ name: 'housing-prices' });
      const byAlias = await t.call('GET', '/registered-models/alias', { name: 'housing-prices', alias: 'champion' });
      expect(byAlias.json<Json>().model_version).toMatchObject({ name: 'housing-prices', version: '1' });
      expect((await t.call('DELETE', '/model-versions/delete', { name: 'housing-prices', version: '2' })).statusCode).toBe(200);
      const after = await t.call('GET', '/registered-models/get', { name: 'housing-prices' });
      expect(after.json<Json>().registered_model).toMatchObject({ aliases: [{ alias: 'champion', version: '1' }] });
      expect((await t.call('DELETE', '/registered-models/delete', { name: 'housing-prices' })).statusCode).toBe(200);
      expect((await t.call('GET', '/registered-models/get', { name: 'housing-prices' })).statusCode).toBe(404);
      const audit = await slipway('GET', '/registry/audit', { name: 'housing-prices' });
      expect(audit.json<{ entries: Json[] }>().entries.at(-1)).toMatchObject({ type: 'registered_model.deleted' });
    });

    // Regression: on PostgreSQL, concurrent writers to one model both read MAX(version) and
    // collided on the primary key (500), and concurrent archiving transitions each archived
    // a snapshot, leaving several versions in Production.
    it('serialises concurrent writes to one model: distinct version numbers, one Production version', async () => {
      expect((await t.call('POST', '/registered-models/create', { name: 'concurrent' })).statusCode).toBe(200);
      const created = await Promise.all(
        Array.from({ length: 16 }, (_, i) => t.call('POST', '/model-versions/create', { name: 'concurrent', source: `runs:/${runId}/m${i}` })),
      );
      expect(created.map((r) => r.statusCode)).toEqual(Array.from({ length: 16 }, () => 200));
      const numbers = created.map((r) => Number(r.json<{ model_version: { version: string } }>().model_version.version));
      expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));

      const moved = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          t.call('POST', '/model-versions/transition-stage', { name: 'concurrent', version: String(i + 1), stage: 'Production', archive_existing_versions: true }),
        ),
      );
      expect(moved.map((r) => r.statusCode)).toEqual(Array.from({ length: 16 }, () => 200));
      const versions = (await t.call('GET', '/model-versions/search', { filter: "name = 'concurrent'" })).json<{ model_versions: Json[] }>().model_versions;
      expect(versions.filter((v) => v.current_stage === 'Production')).toHaveLength(1);
      expect(versions.filter((v) => v.current_stage === 'Archived')).toHaveLength(15);
    });
  });
}

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wireStepExecution } from '../../src/server/pipelines/pipeline-wire-format.js';
import { isExecutionFinished, type Execution, type Pipeline, type PipelineIssueDetail, type PipelineSummary } from '../../src/sdk/index.js';
import { eventually } from '../support/eventually.js';
import { holdLine, scratchDir, trainingPipeline, TRAIN_SH, type ScratchDir } from '../support/pipeline-scratch.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { BACKENDS } from '../support/test-databases.js';

/** The fields the API's responses have, so that tests read them without casts. */
interface Body {
  pipeline: Pipeline;
  created: boolean;
  pipelines: PipelineSummary[];
  next_page_token?: string;
  execution: Execution;
  executions: Execution[];
  text: string;
  next_offset: number;
  complete: boolean;
  paths: Record<string, unknown>;
}

interface ErrorBody {
  status: number;
  error_code: string;
  message: string;
  details: { issues: PipelineIssueDetail[] };
}

const PIPELINE = trainingPipeline('housing');

/** Asymmetric matchers, typed so that they sit in expected objects. */
const A_NUMBER: unknown = expect.any(Number);
const A_STRING: unknown = expect.any(String);
const A_CACHE_HIT: unknown = expect.stringMatching(/^cache hit: /);

/**
 * The pipelines API (`/api/slipway/v1/pipelines…`, `/executions…`) over the whole HTTP app
 * with the real engine, on each backend: routes, request validation, wire format and error
 * envelope, and executions that really run (small `sh` steps in temporary code directories).
 */
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: pipelines API (real engine)`, () => {
    let t: TestApp;
    let scratch: ScratchDir;
    /** housing's code directory. */
    let code: string;

    const call = (method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> => {
      const url = `/api/slipway/v1${path}`;
      if (method === 'GET') return t.app.inject({ method, url, query: (body ?? {}) as Record<string, string>, headers });
      return t.app.inject({ method, url, payload: JSON.stringify(body ?? {}), headers: { 'content-type': 'application/json', ...headers } });
    };
    const ok = async (res: Promise<LightMyRequestResponse>): Promise<Body> => {
      const r = await res;
      expect(r.statusCode, r.body).toBe(200);
      return r.json<Body>();
    };
    const error = async (res: Promise<LightMyRequestResponse>): Promise<ErrorBody> => {
      const r = await res;
      return { ...r.json<Omit<ErrorBody, 'status'>>(), status: r.statusCode };
    };
    const upsert = (source: string, codeDir: string): Promise<Body> => ok(call('POST', '/pipelines', { source, source_format: 'yaml', code_dir: codeDir }));
    const start = async (name: string, body: unknown = {}): Promise<Execution> => (await ok(call('POST', `/pipelines/${name}/executions`, body))).execution;
    /** Polls the execution until `until` holds (by default: until it has ended). */
    const poll = (id: string, until: (e: Execution) => boolean = isExecutionFinished, what = 'the execution to end'): Promise<Execution> =>
      eventually(
        async () => {
          const { execution } = await ok(call('GET', `/executions/${id}`));
          return until(execution) ? execution : undefined;
        },
        20_000,
        `${what} (${id})`,
        25,
      );

    beforeAll(async () => {
      t = await createTestApp(backend, { pipelines: true });
      scratch = scratchDir('slipway-pipelines-api-');
      code = scratch.dir({ 'train.sh': TRAIN_SH.good });
    });
    afterAll(async () => {
      await t?.close();
      scratch?.remove();
    });

    it('upserts YAML: 200 {pipeline, created}, snake_case, the actor from X-Slipway-Actor; the same content is not a new version', async () => {
      const first = await ok(call('POST', '/pipelines', { source: PIPELINE, source_format: 'yaml', file_name: 'p.yaml', code_dir: code }, { 'x-slipway-actor': 'alice' }));
      expect(first.created).toBe(true);
      expect(first.pipeline).toMatchObject({ name: 'housing', version: 1, source_format: 'yaml', source_text: PIPELINE, created_by: 'alice', description: 'Trains a forest.' });
      expect(first.pipeline.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(first.pipeline.definition.steps.map((s) => s.id)).toEqual(['prepare', 'train']);

      const again = await ok(call('POST', '/pipelines', { source: `# a comment\n${PIPELINE}`, source_format: 'YAML' }));
      expect(again).toMatchObject({ created: false, pipeline: { version: 1, hash: first.pipeline.hash } });
      // The ajax-api mirror serves the same routes.
      const mirrored = await t.app.inject({ method: 'GET', url: '/ajax-api/slipway/v1/pipelines/housing' });
      expect(mirrored.statusCode).toBe(200);
    });

    it('upserts the JSON model (typescript/json), as an object or as JSON text; version 1’s model is version 1', async () => {
      const model = (await ok(call('GET', '/pipelines/housing'))).pipeline.definition;
      const changed = { ...model, description: 'Changed.' };
      const res = await ok(call('POST', '/pipelines', { source: changed, source_format: 'typescript', file_name: 'p.ts' }));
      expect(res).toMatchObject({ created: true, pipeline: { version: 2, source_format: 'typescript' } });
      expect(res.pipeline.source_text).toBeUndefined();
      const text = await ok(call('POST', '/pipelines', { source: JSON.stringify(changed), source_format: 'json' }));
      expect(text).toMatchObject({ created: false, pipeline: { version: 2 } });
      // The compiled model (what `slipway run x.ts` sends) of version 1's content is version 1.
      expect(await ok(call('POST', '/pipelines', { source: model, source_format: 'typescript' }))).toMatchObject({ created: false, pipeline: { version: 1 } });
    });

    it('refuses bad definitions with 400 INVALID_PARAMETER_VALUE listing file:line:col, with details.issues', async () => {
      const bad = PIPELINE.replace('needs: prepare', 'needs: prep').replace('params.n }}', 'params.nn }}');
      const e = await error(call('POST', '/pipelines', { source: bad, source_format: 'yaml', file_name: 'pipelines/p.yaml' }));
      expect(e.status).toBe(400);
      expect(e.error_code).toBe('INVALID_PARAMETER_VALUE');
      const lines = e.message.split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toBe("pipelines/p.yaml:15:12: step 'train' needs unknown step 'prep' (did you mean 'prepare'?)");
      expect(lines[1]).toMatch(/^pipelines\/p\.yaml:17:\d+: unknown param 'nn' \(did you mean 'n'\?\)$/);
      expect(e.details.issues).toEqual([
        { file: 'pipelines/p.yaml', line: 15, column: 12, path: 'steps[1].needs', message: "step 'train' needs unknown step 'prep' (did you mean 'prepare'?)" },
        expect.objectContaining({ file: 'pipelines/p.yaml', line: 17, path: 'steps[1].run' }),
      ]);

      const syntax = await error(call('POST', '/pipelines', { source: 'name: x\nsteps: [\n', source_format: 'yaml', file_name: 'x.yaml' }));
      expect(syntax).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE' });
      expect(syntax.message).toMatch(/^x\.yaml:\d+:\d+: invalid YAML: /);
      const model = await error(call('POST', '/pipelines', { source: { name: 'x', steps: [] }, source_format: 'json', file_name: 'x.json' }));
      expect(model).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE' });
    });

    it('refuses malformed upsert requests naming the field', async () => {
      expect(await error(call('POST', '/pipelines', { source_format: 'yaml' }))).toMatchObject({ status: 400, message: "Missing value for required parameter 'source'." });
      expect(await error(call('POST', '/pipelines', { source: PIPELINE }))).toMatchObject({ status: 400, message: "Missing value for required parameter 'source_format'." });
      expect((await error(call('POST', '/pipelines', { source: PIPELINE, source_format: 'toml' }))).message).toMatch(/'source_format'.*yaml, typescript or json/);
      expect((await error(call('POST', '/pipelines', { source: { name: 'x' }, source_format: 'yaml' }))).message).toMatch(/'source'.*YAML text/);
      expect((await error(call('POST', '/pipelines', { source: '{nope', source_format: 'json' }))).message).toMatch(/'source'.*JSON model/);
      expect((await error(call('POST', '/pipelines', { source: 42, source_format: 'yaml' }))).message).toMatch(/'source'.*string or object/);
      const huge = await error(call('POST', '/pipelines', { source: `# ${'x'.repeat(1024 * 1024)}\n${PIPELINE}`, source_format: 'yaml' }));
      expect(huge).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE' });
      expect(huge.message).toContain("'source'");
    });

    it('lists pipelines with paging and gets a version (404 for unknown ones)', async () => {
      await upsert(PIPELINE.replace('name: housing', 'name: churn'), code);
      const all = await ok(call('GET', '/pipelines'));
      expect(all.pipelines.map((p) => [p.name, p.latest_version])).toEqual([
        ['churn', 1],
        ['housing', 2],
      ]);
      expect(all.pipelines[1]?.latest_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(all.pipelines[1]?.updated_time).toBeGreaterThanOrEqual(all.pipelines[1]?.created_time ?? Infinity);
      expect(all.next_page_token).toBeUndefined();
      const first = await ok(call('GET', '/pipelines', { max_results: '1' }));
      expect(first.pipelines).toHaveLength(1);
      const second = await ok(call('GET', '/pipelines', { max_results: '1', page_token: first.next_page_token }));
      expect(second.pipelines[0]?.name).toBe('housing');
      expect((await error(call('GET', '/pipelines', { max_results: '0' }))).message).toMatch(/'max_results'/);

      expect((await ok(call('GET', '/pipelines/housing', { version: '1' }))).pipeline).toMatchObject({ version: 1, description: 'Trains a forest.', source_text: PIPELINE });
      expect((await ok(call('GET', '/pipelines/housing'))).pipeline.version).toBe(2);
      expect(await error(call('GET', '/pipelines/nope'))).toMatchObject({ status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST' });
      expect((await error(call('GET', '/pipelines/housing', { version: 'two' }))).message).toMatch(/'version'/);
    });

    it('starts executions with typed or string params, which run (outputs, metrics, the code directory); bad params are 400 naming them', async () => {
      const { execution } = await ok(call('POST', '/pipelines/housing/executions', { version: 1, params: { n: '7', mode: 'slow' } }, { 'x-slipway-actor': 'bob' }));
      expect(execution).toMatchObject({
        pipeline_name: 'housing',
        pipeline_version: 1,
        params: { n: 7, mode: 'slow', hold: '/' },
        trigger: { type: 'api' },
        status: 'queued',
        actor: 'bob',
        steps: [
          { step_id: 'prepare', status: 'pending', outputs: {}, artifacts: {}, metrics: {}, attempts: [] },
          { step_id: 'train', status: 'pending', outputs: {}, artifacts: {}, metrics: {}, attempts: [] },
        ],
      });
      expect(execution.execution_id).toEqual(A_STRING);

      const done = await poll(execution.execution_id);
      expect(done.status).toBe('succeeded');
      expect(done.steps[0]).toMatchObject({ step_id: 'prepare', status: 'succeeded', outputs: { rows: '42' } });
      expect(done.steps[1]).toMatchObject({ step_id: 'train', status: 'succeeded', metrics: { rmse: 0.5 }, attempts: [{ attempt: 1, status: 'succeeded', exit_code: 0 }] });
      // train.sh came from the code directory the upsert named.
      expect((await ok(call('GET', `/executions/${execution.execution_id}/logs`, { step: 'train' }))).text).toContain('training 7\n');

      const bad = await error(call('POST', '/pipelines/housing/executions', { params: { nope: 1, n: 'abc', mode: 'medium' } }));
      expect(bad).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE' });
      expect(bad.message).toContain("unknown param 'nope'");
      expect(bad.message).toContain("param 'n' (int) must be an integer, not 'abc'");
      expect(bad.message).toContain("param 'mode' (choice) must be one of 'fast' or 'slow', not 'medium'");
      expect(bad.details.issues.map((i) => i.path)).toEqual(['params.nope', 'params.n', 'params.mode']);
      expect((await error(call('POST', '/pipelines/housing/executions', { params: { n: { deep: 1 } } }))).message).toMatch(/'params\.n'/);
      expect(await error(call('POST', '/pipelines/nope/executions', {}))).toMatchObject({ status: 404 });
    });

    it('lists executions newest first, filtered by pipeline and status; gets one; cancels a running one (idempotently, with the actor); 404 for an unknown id', async () => {
      const hold = scratch.hold();
      const execution = await start('churn', { params: { hold: hold.path } });
      const id = execution.execution_id;
      const running = await poll(id, (e) => e.steps[0]?.status === 'running', 'prepare to run');
      expect(running).toMatchObject({ status: 'running', started_time: A_NUMBER });

      const all = await ok(call('GET', '/executions'));
      expect(all.executions[0]?.execution_id).toBe(id);
      expect(all.executions.length).toBeGreaterThan(1);
      const housing = (await ok(call('GET', '/executions', { pipeline: 'housing' }))).executions;
      expect(housing.length).toBeGreaterThan(0);
      expect(housing.every((e) => e.pipeline_name === 'housing')).toBe(true);
      expect((await ok(call('GET', '/executions', { status: 'running' }))).executions.map((e) => e.execution_id)).toEqual([id]);
      expect((await error(call('GET', '/executions', { status: 'exploded' }))).message).toMatch(/'status'.*queued, running, succeeded/);
      expect((await ok(call('GET', `/executions/${id}`))).execution).toMatchObject({ status: 'running', started_time: running.started_time });
      expect(await error(call('GET', '/executions/nope'))).toMatchObject({ status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST' });
      // Only an execution that has ended can be retried.
      expect(await error(call('POST', `/executions/${id}/retry`))).toMatchObject({ status: 409, error_code: 'RESOURCE_CONFLICT' });

      const cancelled = await ok(call('POST', `/executions/${id}/cancel`, undefined, { 'x-slipway-actor': 'carol' }));
      expect(['cancelling', 'cancelled']).toContain(cancelled.execution.status);
      expect(cancelled.execution.reason).toBe('cancelled by carol');
      expect(await poll(id)).toMatchObject({ status: 'cancelled', reason: 'cancelled by carol', steps: [{ status: 'cancelled' }, { status: 'cancelled' }] });
      expect((await ok(call('POST', `/executions/${id}/cancel`))).execution.status).toBe('cancelled');
      expect(await error(call('POST', '/executions/nope/cancel'))).toMatchObject({ status: 404 });

      // A cancelled execution can be retried: its steps run again.
      hold.release();
      const { execution: retry } = await ok(call('POST', `/executions/${id}/retry`));
      expect(retry).toMatchObject({ retry_of: id, trigger: { type: 'retry', detail: id }, params: { hold: hold.path } });
      expect((await poll(retry.execution_id)).status).toBe('succeeded');
    });

    it('sends steps with attempts, outputs, metrics, artifacts, runs and where results came from (a cache hit)', async () => {
      const wire = `name: wire
steps:
  - id: prepare
    cache: true
    run: |
      echo "rows=20640" >> "$SLIPWAY_OUTPUT"
      mkdir -p out && echo "a,b" > out/data.csv
    outputs:
      rows: { type: value }
      data: out/data.csv
  - id: train
    needs: prepare
    run: |
      echo "rmse: 0.5"
      echo "r2: 0.8"
      exit 3
    metrics:
      - name: rmse
        regex: 'rmse: ([0-9.]+)'
      - name: r2
        regex: 'r2: ([0-9.]+)'
`;
      await upsert(wire, scratch.dir({}));
      const first = await poll((await start('wire')).execution_id);
      expect(first.status).toBe('failed');
      const { execution: started } = await ok(call('POST', '/pipelines/wire/executions', {}));
      const got = await poll(started.execution_id);
      expect(got).toMatchObject({ status: 'failed', reason: "step 'train' failed: the command exited with code 3", started_time: A_NUMBER, ended_time: A_NUMBER });
      const dataUri: unknown = expect.stringMatching(/^mlflow-artifacts:\/.*\/data\.csv$/);
      expect(got.steps[0]).toEqual({
        step_id: 'prepare',
        status: 'succeeded',
        started_time: A_NUMBER,
        ended_time: A_NUMBER,
        reason: A_CACHE_HIT,
        outputs: { rows: '20640' },
        artifacts: { data: dataUri },
        metrics: {},
        run_id: first.steps[0]?.run_id,
        cached_from: first.execution_id,
        attempts: [{ attempt: 1, status: 'succeeded', started_time: A_NUMBER, ended_time: A_NUMBER, message: A_CACHE_HIT }],
      });
      expect(got.steps[0]?.artifacts).toEqual(first.steps[0]?.artifacts);
      expect(got.steps[1]).toMatchObject({
        step_id: 'train',
        status: 'failed',
        failure_class: 'user',
        reason: 'the command exited with code 3',
        metrics: { rmse: 0.5, r2: 0.8 },
        run_id: A_STRING,
        attempts: [{ attempt: 1, status: 'failed', started_time: A_NUMBER, ended_time: A_NUMBER, exit_code: 3, failure_class: 'user', message: 'the command exited with code 3' }],
      });
      // The engine reads only finite metric values from logs; on the wire others would be strings (JSON has no NaN).
      expect(wireStepExecution({ stepId: 'train', status: 'failed', outputs: {}, artifacts: {}, metrics: { rmse: Number.NaN, r2: 0.8 }, attempts: [] }).metrics).toEqual({ rmse: 'NaN', r2: 0.8 });
    });

    it('reads logs by step, attempt, offset and max_bytes, complete once the attempt has ended', async () => {
      const talk = `name: talk
params:
  hold: { type: string, default: / }
steps:
  - id: say
    run: |
      echo "line one"
      echo "line two"
      ${holdLine()}
      echo "done"
`;
      await upsert(talk, scratch.dir({}));
      const hold = scratch.hold();
      const id = (await start('talk', { params: { hold: hold.path } })).execution_id;
      const logs = (query: Record<string, string>): Promise<Body> => ok(call('GET', `/executions/${id}/logs`, { step: 'say', ...query }));
      await eventually(async () => (await logs({})).text === 'line one\nline two\n', 20_000, 'the first two lines');
      expect(await logs({ attempt: '1', max_bytes: '9' })).toEqual({ text: 'line one\n', next_offset: 9, complete: false });
      expect(await logs({ attempt: '1', offset: '9' })).toEqual({ text: 'line two\n', next_offset: 18, complete: false });

      hold.release();
      expect((await poll(id)).status).toBe('succeeded');
      expect(await logs({ offset: '18' })).toEqual({ text: 'done\n', next_offset: 23, complete: true });
      expect(await logs({})).toEqual({ text: 'line one\nline two\ndone\n', next_offset: 23, complete: true });
      expect(await error(call('GET', `/executions/${id}/logs`, {}))).toMatchObject({ status: 400, message: "Missing value for required parameter 'step'." });
      expect((await error(call('GET', `/executions/${id}/logs`, { step: 'say', offset: '-1' }))).message).toMatch(/'offset'/);
      expect(await error(call('GET', `/executions/${id}/logs`, { step: 'nope' }))).toMatchObject({ status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST' });
      expect(await error(call('GET', `/executions/${id}/logs`, { step: 'say', attempt: '2' }))).toMatchObject({ status: 404 });
    });

    it('retries a failed execution after the script is fixed, reusing the succeeded step (with the actor); with latest after a new version', async () => {
      const resumeCode = scratch.dir({ 'train.sh': TRAIN_SH.broken });
      const resume = PIPELINE.replace('name: housing', 'name: resume');
      await upsert(resume, resumeCode);
      const failed = await poll((await start('resume')).execution_id);
      expect(failed.status).toBe('failed');
      expect(failed.steps[1]).toMatchObject({ step_id: 'train', status: 'failed', attempts: [{ exit_code: 3 }] });
      expect((await error(call('POST', `/executions/${failed.execution_id}/retry`, { latest: 'maybe' }))).message).toMatch(/'latest'/);

      writeFileSync(join(resumeCode, 'train.sh'), TRAIN_SH.good);
      const { execution: retry } = await ok(call('POST', `/executions/${failed.execution_id}/retry`, {}, { 'x-slipway-actor': 'dave' }));
      expect(retry).toMatchObject({ retry_of: failed.execution_id, trigger: { type: 'retry', detail: failed.execution_id }, actor: 'dave', pipeline_version: 1 });
      const done = await poll(retry.execution_id);
      expect(done.status).toBe('succeeded');
      expect(done.steps[0]).toMatchObject({ step_id: 'prepare', status: 'succeeded', reused_from: failed.execution_id, outputs: { rows: '42' } });
      expect(done.steps[1]).toMatchObject({ step_id: 'train', status: 'succeeded', metrics: { rmse: 0.5 } });

      // A failure fixed in the pipeline itself: a new version, retried with latest.
      await upsert(resume.replace('run: sh train.sh ${{ params.n }}', 'run: exit 5'), resumeCode);
      const second = await poll((await start('resume')).execution_id);
      expect(second).toMatchObject({ status: 'failed', pipeline_version: 2 });
      await upsert(resume.replace('n: { type: int, default: 3 }', 'n: { type: int, default: 7 }'), resumeCode);
      const { execution: latest } = await ok(call('POST', `/executions/${second.execution_id}/retry`, { latest: true }, { 'x-slipway-actor': 'dave' }));
      expect(latest).toMatchObject({ retry_of: second.execution_id, actor: 'dave', pipeline_version: 3 });
      const plain = await ok(call('POST', `/executions/${second.execution_id}/retry`));
      expect(plain.execution.pipeline_version).toBe(2);
      const finished = await poll(latest.execution_id);
      // The retry keeps the failed execution's params (n=3), not version 3's new default.
      expect(finished).toMatchObject({ status: 'succeeded', pipeline_version: 3, params: { n: 3 } });
      expect(finished.steps[0]?.reused_from).toBe(second.execution_id);
      expect((await poll(plain.execution.execution_id)).status).toBe('failed');
    });

    it('documents the routes in the OpenAPI document', async () => {
      const doc = await ok(t.app.inject({ method: 'GET', url: '/api/slipway/v1/openapi.json' }));
      const paths = Object.keys(doc.paths).filter((p) => p.includes('pipelines') || p.includes('executions'));
      expect(paths.sort()).toEqual([
        '/api/slipway/v1/executions',
        '/api/slipway/v1/executions/{execution_id}',
        '/api/slipway/v1/executions/{execution_id}/cancel',
        '/api/slipway/v1/executions/{execution_id}/logs',
        '/api/slipway/v1/executions/{execution_id}/retry',
        '/api/slipway/v1/pipelines',
        '/api/slipway/v1/pipelines/{name}',
        '/api/slipway/v1/pipelines/{name}/executions',
      ]);
    });
  });
}

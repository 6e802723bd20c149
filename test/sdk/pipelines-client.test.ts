import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, definePipeline, pipelineIssues, SlipwayClient, type Execution } from '../../src/sdk/index.js';
import { eventually } from '../support/eventually.js';
import { startLiveServer, type LiveServer } from '../support/live-server.js';
import { executionWhen, holdLine, scratchDir, stepStatus, type Hold, type ScratchDir } from '../support/pipeline-scratch.js';
import { rejection } from '../support/sdk-rejection.js';
import { BACKENDS } from '../support/test-databases.js';

/** Step a waits for `hold` when one is given. */
const YAML = `name: sdk-demo
params:
  n: { type: int, default: 1 }
  hold: { type: string, default: / }
steps:
  - id: a
    run: ${holdLine()}; echo "a \${{ params.n }}"
  - id: b
    needs: a
    run: echo b
`;

/** a prints two lines, waits for `more`, prints a third; b never runs (its condition is false). */
const LOGS = `name: sdk-logs
params:
  start: { type: string, default: / }
  more: { type: string, default: / }
steps:
  - id: setup
    run: ${holdLine('start')}
  - id: a
    needs: setup
    run: |
      echo one
      echo two
      ${holdLine('more')}
      echo three
  - id: b
    needs: a
    if: false
    run: echo never
`;

/** The SDK's pipelines client against the built server with the real engine (over HTTP), on each backend. */
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: SDK pipelines client`, () => {
    let live: LiveServer;
    let client: SlipwayClient;
    let scratch: ScratchDir;
    /** An execution left running by the abort test, cancelled by the cancel test. */
    let held: { execution: Execution; hold: Hold };

    beforeAll(async () => {
      live = await startLiveServer(backend, ['--max-concurrent-steps', '4']);
      client = new SlipwayClient({ trackingUri: live.url, actor: 'alice', env: {} });
      scratch = scratchDir('slipway-sdk-pipelines-');
    });
    afterAll(async () => {
      await live?.stop();
      scratch?.remove();
    });

    it('upserts YAML and a definePipeline model; lists, iterates and gets versions', async () => {
      const first = await client.pipelines.upsert({ source: YAML, sourceFormat: 'yaml', fileName: 'p.yaml', codeDir: scratch.dir() });
      expect(first).toMatchObject({ created: true, pipeline: { name: 'sdk-demo', version: 1, created_by: 'alice', source_text: YAML } });
      const model = definePipeline({ name: 'sdk-typed', steps: { only: { run: 'echo hi' } } });
      const typed = await client.pipelines.upsert({ source: model, sourceFormat: 'typescript' });
      expect(typed).toMatchObject({ created: true, pipeline: { name: 'sdk-typed', source_format: 'typescript' } });
      expect((await client.pipelines.upsert({ source: model, sourceFormat: 'typescript' })).created).toBe(false);

      expect((await client.pipelines.list({ maxResults: 1 })).nextPageToken).toBeDefined();
      expect((await collect(client.pipelines.iterate({ pageSize: 1 }))).map((p) => p.name)).toEqual(['sdk-demo', 'sdk-typed']);
      expect((await client.pipelines.get('sdk-demo', { version: 1 })).definition.steps.map((s) => s.id)).toEqual(['a', 'b']);
      expect((await rejection(client.pipelines.get('nope'))).isNotFound).toBe(true);
    });

    it('reports definition and param problems with their places (pipelineIssues)', async () => {
      const e = await rejection(client.pipelines.upsert({ source: YAML.replace('needs: a', 'needs: z'), sourceFormat: 'yaml', fileName: 'p.yaml' }));
      expect(e).toMatchObject({ errorCode: 'INVALID_PARAMETER_VALUE', status: 400 });
      expect(e.message).toMatch(/^p\.yaml:9:12: step 'b' needs unknown step 'z'/);
      expect(pipelineIssues(e)).toEqual([{ message: "step 'b' needs unknown step 'z'", path: 'steps[1].needs', file: 'p.yaml', line: 9, column: 12 }]);
      const params = await rejection(client.pipelines.startExecution('sdk-demo', { params: { n: 'many' } }));
      expect(pipelineIssues(params).map((i) => i.path)).toEqual(['params.n']);
      expect(pipelineIssues(new Error('x'))).toEqual([]);
    });

    it('starts, lists and gets executions; waitForExecution reports each poll until the end; a signal stops waiting', async () => {
      const hold = scratch.hold();
      const started = await client.pipelines.startExecution('sdk-demo', { params: { n: 4, hold: hold.path } });
      expect(started).toMatchObject({ status: 'queued', params: { n: 4, hold: hold.path }, actor: 'alice' });
      const id = started.execution_id;

      const seen: Execution[] = [];
      const waiting = client.pipelines.waitForExecution(id, { intervalMs: 20, onUpdate: (e: Execution) => void seen.push(e) });
      await eventually(() => seen.some((e) => stepStatus(e, 'a') === 'running'), 20_000, 'a poll that sees step a running');
      expect((await collect(client.pipelines.iterateExecutions({ pipeline: 'sdk-demo', status: 'running' }))).map((e) => e.execution_id)).toEqual([id]);
      expect((await client.pipelines.getExecution(id)).steps.map((s) => s.status)).toEqual(['running', 'pending']);
      hold.release();
      const done = await waiting;
      expect(done.status).toBe('succeeded');
      const statuses = seen.map((e) => e.status);
      expect(['queued', 'running']).toContain(statuses[0]);
      expect(statuses).toContain('running');
      expect(statuses.at(-1)).toBe('succeeded');
      expect(seen.at(-1)).toEqual(done);

      // Aborting stops the waiting, not the execution.
      const other = scratch.hold();
      held = { execution: await client.pipelines.startExecution('sdk-demo', { params: { hold: other.path } }), hold: other };
      const controller = new AbortController();
      await expect(
        client.pipelines.waitForExecution(held.execution.execution_id, { intervalMs: 20, signal: controller.signal, onUpdate: () => controller.abort(new Error('stop')) }),
      ).rejects.toThrow('stop');
      expect((await client.pipelines.getExecution(held.execution.execution_id)).status).not.toMatch(/^(succeeded|failed|cancelled)$/);
    });

    it('reads logs in chunks, and follows them (waiting for the first attempt) until complete', async () => {
      await client.pipelines.upsert({ source: LOGS, sourceFormat: 'yaml', codeDir: scratch.dir() });
      const start = scratch.hold();
      const more = scratch.hold();
      const id = (await client.pipelines.startExecution('sdk-logs', { params: { start: start.path, more: more.path } })).execution_id;
      await executionWhen(client, id, (e) => stepStatus(e, 'setup') === 'running', 'setup to run');

      const chunks: string[] = [];
      let followed = false;
      const following = (async () => {
        for await (const text of client.pipelines.followLogs(id, { step: 'a', intervalMs: 20 })) chunks.push(text);
        followed = true;
      })();
      // No attempt yet: it waits for one.
      expect(stepStatus(await client.pipelines.getExecution(id), 'a')).toBe('pending');
      expect(chunks).toEqual([]);
      expect(followed).toBe(false);
      start.release();
      await eventually(() => chunks.join('') === 'one\ntwo\n', 20_000, 'the first two lines of a');
      expect(await client.pipelines.readLogs(id, { step: 'a', attempt: 1, maxBytes: 4 })).toEqual({ text: 'one\n', next_offset: 4, complete: false });
      expect(followed).toBe(false);
      more.release();
      await following;
      expect(chunks.join('')).toBe('one\ntwo\nthree\n');

      // A step that ended without running has no log to follow.
      const done = await executionWhen(client, id, (e) => e.status === 'succeeded', 'the execution to succeed');
      expect(done.steps.find((s) => s.step_id === 'b')).toMatchObject({ status: 'skipped', attempts: [] });
      expect(await collect(client.pipelines.followLogs(id, { step: 'b', intervalMs: 20 }))).toEqual([]);
    });

    it('cancels and retries', async () => {
      const id = held.execution.execution_id;
      const cancelled = await client.pipelines.cancel(id);
      expect(['cancelling', 'cancelled']).toContain(cancelled.status);
      expect(await executionWhen(client, id, (e) => e.status === 'cancelled', 'the execution to be cancelled')).toMatchObject({ reason: 'cancelled by alice' });
      held.hold.release();
      const retry = await client.pipelines.retry(id, { latest: true });
      expect(retry).toMatchObject({ retry_of: id, trigger: { type: 'retry', detail: id }, actor: 'alice', pipeline_version: 1 });
      expect((await client.pipelines.waitForExecution(retry.execution_id, { intervalMs: 20 })).status).toBe('succeeded');
    });
  });
}

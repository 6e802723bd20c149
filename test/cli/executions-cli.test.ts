import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isExecutionFinished, SlipwayClient, type Execution } from '../../src/sdk/index.js';
import { cliEnv, json, ok, progressLines, runCli, spawnCli, watchedExecutionId, type CliResult } from '../support/cli-runner.js';
import { startLiveServer, type LiveServer } from '../support/live-server.js';
import { executionWhen, holdLine, scratchDir, stepStatus, type Hold, type ScratchDir } from '../support/pipeline-scratch.js';
import { BACKENDS } from '../support/test-databases.js';

/**
 * prepare fails its first attempt (on stderr) and succeeds on its second; train prints a line,
 * waits for `hold` when one is given, then runs train.sh from the code directory.
 */
const JOBS = `name: jobs
params:
  n: { type: int, default: 2 }
  hold: { type: string, default: / }
steps:
  - id: prepare
    retry: { max-attempts: 2, backoff: { initial-seconds: 0.1, factor: 1, max-seconds: 1, jitter: 0 } }
    run: |
      if [ "$SLIPWAY_ATTEMPT" = 1 ]; then echo "first try" >&2; exit 1; fi
      echo prepared
      echo "rows=42" >> "$SLIPWAY_OUTPUT"
    outputs:
      rows: { type: value }
  - id: train
    needs: prepare
    run: |
      echo "train starts"
      ${holdLine()}
      sh train.sh \${{ params.n }}
    metrics:
      - name: rmse
        regex: 'rmse: ([0-9.]+)'
`;
const GOOD_TRAIN = 'echo "training $1"\necho "rmse: 0.5"\n';
const BROKEN_TRAIN = 'echo "training $1"\necho "boom"\nexit 3\n';

const PREPARE_FIRST_TRY = 'first try\n[slipway] attempt 1 failed (user): the command exited with code 1\n';
const TRAIN_BROKEN_LOG = 'train starts\ntraining 2\nboom\n[slipway] attempt 1 failed (user): the command exited with code 3\n';
const TRAIN_GOOD_LOG = 'train starts\ntraining 2\nrmse: 0.5\n';

/**
 * The built CLI's `slipway executions …` against the built server with the real pipeline
 * engine, on each backend: list, show, logs (and -f), cancel and retry of executions that
 * really run (small `sh` steps; the test holds a step in `running` where it needs one).
 */
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: slipway executions (real engine)`, () => {
    let live: LiveServer;
    let sdk: SlipwayClient;
    let scratch: ScratchDir;
    /** jobs' code directory (train.sh broken until the retry test fixes it). */
    let code: string;
    /** jobs' executions, oldest first. */
    const jobs: string[] = [];
    /** A failed execution: prepare failed once then succeeded, train failed. */
    let failed: string;
    const cli = (args: readonly string[]): Promise<CliResult> => runCli(['executions', ...args], cliEnv(live.url));
    /** Starts jobs (held at train when `hold` is given), waiting until train runs or, without a hold, until it ends. */
    const startJobs = async (hold?: Hold, codeDir?: string): Promise<Execution> => {
      const { execution_id: id } = await sdk.pipelines.startExecution('jobs', { params: hold === undefined ? {} : { hold: hold.path }, codeDir });
      jobs.push(id);
      return executionWhen(sdk, id, hold === undefined ? isExecutionFinished : (e) => stepStatus(e, 'train') === 'running', hold === undefined ? 'the execution to end' : 'train to run');
    };

    beforeAll(async () => {
      live = await startLiveServer(backend, ['--max-concurrent-steps', '4']);
      sdk = new SlipwayClient({ trackingUri: live.url, actor: 'sdk', env: {} });
      scratch = scratchDir('slipway-cli-executions-');
      code = scratch.dir({ 'train.sh': BROKEN_TRAIN });
      await sdk.pipelines.upsert({ source: JOBS, sourceFormat: 'yaml', fileName: 'jobs.yaml', codeDir: code });
      const execution = await startJobs();
      expect(execution.status).toBe('failed');
      failed = execution.execution_id;
    });
    afterAll(async () => {
      await live?.stop();
      scratch?.remove();
    });

    it('show: status, each step with its attempts, outputs and failure; --json; an unknown id is exit 1', async () => {
      const show = ok(await cli(['show', failed]));
      expect(show).toMatch(new RegExp(`^Execution:\\s+${failed}$`, 'm'));
      expect(show).toMatch(/^Pipeline:\s+jobs v1 \([0-9a-f]{12}\)$/m);
      expect(show).toMatch(/^Status:\s+failed$/m);
      expect(show).toMatch(/^Trigger:\s+api$/m);
      expect(show).toMatch(/^Actor:\s+sdk$/m);
      expect(show).toMatch(/^Params:\s+n=2, hold=\/$/m);
      expect(show).toMatch(/^Reason:\s+step 'train' failed: the command exited with code 3$/m);
      expect(show).toMatch(/^ {2}prepare\s+succeeded\s+2\s+\S+$/m);
      expect(show).toMatch(/^ {2}train\s+failed\s+1\s+\S+\s+the command exited with code 3$/m);
      expect(show).toContain('  output rows = 42\n');
      expect(show).toMatch(/^ {2}attempt 1: failed after \S+ \(user, exit 1\): the command exited with code 1$/m);
      expect(show).toMatch(/^ {2}attempt 2: succeeded after \S+$/m);
      expect(show).toMatch(/^ {2}failure class: user$/m);
      expect(show).toMatch(/^ {2}attempt 1: failed after \S+ \(user, exit 3\): the command exited with code 3$/m);

      const { execution } = json<{ execution: Execution }>(await cli(['show', failed, '--json']));
      expect(execution).toMatchObject({ execution_id: failed, status: 'failed', params: { n: 2, hold: '/' }, actor: 'sdk' });
      expect(execution.steps.map((s) => s.attempts.length)).toEqual([2, 1]);
      const missing = await cli(['show', 'nope']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/^slipway: RESOURCE_DOES_NOT_EXIST: /);
    });

    it("logs: every step's latest attempt in order with headers, one step bare, --attempt; an unknown step is exit 2", async () => {
      expect(ok(await cli(['logs', failed]))).toBe(`==> prepare (attempt 2) <==\nprepared\n\n==> train (attempt 1) <==\n${TRAIN_BROKEN_LOG}`);
      expect(ok(await cli(['logs', failed, '--step', 'train']))).toBe(TRAIN_BROKEN_LOG);
      expect(ok(await cli(['logs', failed, '--step', 'prepare', '--attempt', '1']))).toBe(PREPARE_FIRST_TRY);
      const unknown = await cli(['logs', failed, '--step', 'nope']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toBe(`slipway: execution ${failed} has no step 'nope' (its steps: prepare, train)\n`);
    });

    it('logs -f: follows a running step as it is written until it ends; without --step, every attempt of every step', async () => {
      const hold = scratch.hold();
      // The execution snapshots this code directory (a working train.sh) rather than the pipeline's.
      const { execution_id: id } = await startJobs(hold, scratch.dir({ 'train.sh': GOOD_TRAIN }));
      const following = spawnCli(['executions', 'logs', id, '--step', 'train', '-f', '--poll-interval', '50'], cliEnv(live.url));
      await following.waitForOutput(/^train starts$/m);
      expect(following.stdout()).toBe('train starts\n');
      hold.release();
      expect(ok(await following.exited)).toBe(TRAIN_GOOD_LOG);
      expect((await executionWhen(sdk, id, isExecutionFinished, 'the execution to end')).status).toBe('succeeded');
      expect(ok(await cli(['logs', id, '-f', '--poll-interval', '50']))).toBe(
        `==> prepare (attempt 1) <==\n${PREPARE_FIRST_TRY}\n==> prepare (attempt 2) <==\nprepared\n\n==> train (attempt 1) <==\n${TRAIN_GOOD_LOG}`,
      );
    });

    it('cancel: retry is refused while it runs; cancel stops it (as the actor); again is harmless; a finished execution says so', async () => {
      const hold = scratch.hold();
      const { execution_id: id } = await startJobs(hold);
      const refused = await cli(['retry', id]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(new RegExp(`^slipway: RESOURCE_CONFLICT: .*'${id}' is running; wait for it to end \\(or cancel it\\) before retrying it`));

      expect(ok(await cli(['cancel', id]))).toMatch(new RegExp(`^Execution ${id}: (cancelling \\(running steps are being stopped\\)|cancelled)\\.\\n$`));
      const cancelled = await executionWhen(sdk, id, (e) => e.status === 'cancelled', 'the execution to be cancelled');
      expect(cancelled).toMatchObject({ reason: 'cancelled by ci-bot', steps: [{ status: 'succeeded' }, { status: 'cancelled' }] });
      const show = ok(await cli(['show', id]));
      expect(show).toMatch(/^Status:\s+cancelled$/m);
      expect(show).toMatch(/^Reason:\s+cancelled by ci-bot$/m);
      expect(ok(await cli(['cancel', id]))).toBe(`Execution ${id}: cancelled.\n`);
      expect(ok(await cli(['cancel', failed]))).toBe(`Execution ${failed} had already ended: failed.\n`);
      hold.release();
    });

    it('retry --wait after fixing the script: a new execution reusing the step that succeeded, whose log is the earlier one’s', async () => {
      // The retry snapshots the code directory afresh.
      writeFileSync(join(code, 'train.sh'), GOOD_TRAIN);
      const retried = await cli(['retry', failed, '--wait', '--poll-interval', '50']);
      expect(retried.stderr).toBe('');
      expect(retried.code).toBe(0);
      const id = watchedExecutionId(retried.stdout);
      jobs.push(id);
      expect(retried.stdout.split('\n')[0]).toBe(`Execution ${id} retries ${failed} (jobs v1; 1 step reused)`);
      const progress = progressLines(retried.stdout);
      expect(progress).toContain(`T prepare succeeded (reused from ${failed})`);
      expect(progress).toContainEqual(expect.stringMatching(/^T train succeeded \(\d+(ms|\.\ds)\)$/));
      expect(retried.stdout).toMatch(new RegExp(`^Execution ${id} succeeded in \\S+\\.$`, 'm'));

      const { execution } = json<{ execution: Execution }>(await cli(['show', id, '--json']));
      expect(execution).toMatchObject({ status: 'succeeded', retry_of: failed, trigger: { type: 'retry', detail: failed }, actor: 'ci-bot' });
      expect(execution.steps[0]).toMatchObject({ step_id: 'prepare', status: 'succeeded', reused_from: failed, outputs: { rows: '42' }, attempts: [] });
      expect(execution.steps[1]).toMatchObject({ step_id: 'train', status: 'succeeded', metrics: { rmse: 0.5 } });
      expect(execution.steps[1]?.reused_from).toBeUndefined();
      const show = ok(await cli(['show', id]));
      expect(show).toMatch(new RegExp(`^Retry of:\\s+${failed}$`, 'm'));
      expect(show).toMatch(new RegExp(`^ {2}prepare\\s+succeeded\\s.*reused from ${failed}$`, 'm'));
      const reusedLog = await cli(['logs', id, '--step', 'prepare']);
      expect(reusedLog).toMatchObject({ code: 0, stdout: '' });
      expect(reusedLog.stderr).toBe(`slipway: prepare did not run here: its result is execution ${failed}'s (slipway executions logs ${failed} --step prepare)\n`);
    });

    it('retry --latest --wait --json after the pipeline changed: the new version runs, the upstream step is reused', async () => {
      const d = scratch.dir({ 'train.sh': GOOD_TRAIN });
      const broken = JOBS.replace('name: jobs', 'name: jobs-latest').replace('sh train.sh ${{ params.n }}', 'exit 4');
      await sdk.pipelines.upsert({ source: broken, sourceFormat: 'yaml', codeDir: d });
      const { execution_id: id } = await sdk.pipelines.startExecution('jobs-latest');
      expect((await executionWhen(sdk, id, isExecutionFinished, 'the execution to end')).status).toBe('failed');
      await sdk.pipelines.upsert({ source: JOBS.replace('name: jobs', 'name: jobs-latest'), sourceFormat: 'yaml', codeDir: d });

      const retried = await cli(['retry', id, '--latest', '--wait', '--poll-interval', '50', '--json']);
      expect(retried.stderr).toBe('');
      expect(retried.code).toBe(0);
      const { execution } = JSON.parse(retried.stdout) as { execution: Execution };
      expect(execution).toMatchObject({ status: 'succeeded', pipeline_version: 2, retry_of: id });
      expect(execution.steps[0]?.reused_from).toBe(id);
    });

    it('list: newest first, filtered by pipeline and status, with the trigger; --limit; a bad status is exit 2', async () => {
      const lines = ok(await cli(['list', '--pipeline', 'jobs'])).trimEnd().split('\n');
      expect(lines[0]).toMatch(/^EXECUTION ID\s+PIPELINE\s+STATUS\s+TRIGGER\s+CREATED\s+DURATION\s+ACTOR$/);
      expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([...jobs].reverse());
      const [retry, cancelled, succeeded] = [...jobs].reverse();
      expect(lines[1]).toMatch(new RegExp(`^${retry}\\s+jobs v1\\s+succeeded\\s+retry of ${failed}\\s+\\S+\\s+\\S+\\s+ci-bot$`));
      const byStatus = ok(await cli(['list', '--pipeline', 'jobs', '--status', 'succeeded'])).trimEnd().split('\n');
      expect(byStatus.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([retry, succeeded]);
      expect(ok(await cli(['list', '--status', 'cancelled'])).trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0])).toEqual([cancelled]);
      expect(ok(await cli(['list', '--limit', '1'])).trimEnd().split('\n')).toHaveLength(2);
      const bad = await cli(['list', '--status', 'exploded']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('exploded');
    });
  });
}

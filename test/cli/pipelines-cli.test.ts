import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, isExecutionFinished, SlipwayClient, type Execution } from '../../src/sdk/index.js';
import {
  cliEnv,
  HAS_SCRIPT,
  json,
  ok,
  progressLines,
  runCli,
  spawnCli,
  spawnCliOnTerminal,
  watchedExecutionId,
  type CliResult,
} from '../support/cli-runner.js';
import { eventually } from '../support/eventually.js';
import { startLiveServer, type LiveServer } from '../support/live-server.js';
import { executionWhen, scratchDir, stepStatus, trainingPipeline, TRAIN_SH, type ScratchDir } from '../support/pipeline-scratch.js';
import { BACKENDS } from '../support/test-databases.js';

const DEFINE_PIPELINE = fileURLToPath(new URL('../../src/pipelines/define-pipeline.ts', import.meta.url));

const YAML = trainingPipeline('demo');

/** `850ms`, `1.5s`, `12s`: how the CLI prints durations, which vary from run to run. */
const DURATION = String.raw`(?:\d+ms|\d+\.\ds|\d+s)`;

/**
 * The built CLI's `slipway pipelines …` and `slipway run …` against the built server with the
 * real pipeline engine, on each backend: what they print, their exit statuses, what they
 * send, and the executions they start (small `sh` steps in temporary code directories).
 * `slipway executions …` is in `executions-cli.test.ts`.
 */
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}: slipway pipelines / run (real engine)`, () => {
    let live: LiveServer;
    let sdk: SlipwayClient;
    let scratch: ScratchDir;
    /** demo's code directory, with demo.yaml and train.sh. */
    let demoDir: string;
    let demoFile: string;
    /** The first execution of demo with n=7 (`run` without --wait): where train's cached result comes from. */
    let firstRun: string;
    const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, cliEnv(live.url));
    const versions = async (): Promise<string[]> => (await collect(sdk.pipelines.iterate())).map((p) => `${p.name} v${p.latest_version}`);

    beforeAll(async () => {
      live = await startLiveServer(backend, ['--max-concurrent-steps', '4']);
      sdk = new SlipwayClient({ trackingUri: live.url, actor: 'sdk', env: {} });
      scratch = scratchDir('slipway-cli-pipelines-');
      demoDir = scratch.dir({ 'demo.yaml': YAML, 'train.sh': TRAIN_SH.good });
      demoFile = join(demoDir, 'demo.yaml');
    });
    afterAll(async () => {
      await live?.stop();
      scratch?.remove();
    });

    it('pipelines upsert: sends the YAML with its file name, code dir and actor; same content → unchanged; an edit → version 2', async () => {
      const first = ok(await cli(['pipelines', 'upsert', demoFile]));
      expect(first).toMatch(/^Pipeline:\s+demo$/m);
      expect(first).toMatch(/^Version:\s+1 \(created\)$/m);
      expect(first).toMatch(new RegExp(`^Code dir:\\s+${demoDir}$`, 'm'));
      const hash = /^Hash:\s+([0-9a-f]{64})$/m.exec(first)?.[1];
      expect(hash).toBeDefined();
      expect(await sdk.pipelines.get('demo')).toMatchObject({ version: 1, hash, source_format: 'yaml', source_text: YAML, created_by: 'ci-bot' });

      const again = ok(await cli(['pipelines', 'upsert', demoFile]));
      expect(again).toMatch(/^Version:\s+1 \(unchanged: /m);
      expect(again).toContain(hash);
      writeFileSync(demoFile, YAML.replace('default: 3', 'default: 4'));
      expect(json(await cli(['pipelines', 'upsert', demoFile, '--json']))).toMatchObject({ created: true, pipeline: { version: 2 } });
      writeFileSync(demoFile, YAML); // back to version 1's content: not a new version
      expect(ok(await cli(['pipelines', 'upsert', demoFile]))).toMatch(/^Version:\s+1 \(unchanged: /m);
    });

    it('pipelines upsert / run: a bad file fails here with file:line:col, exit 1, and nothing is sent', async () => {
      const d = scratch.dir({ 'bad.yaml': YAML.replace('needs: prepare', 'needs: prep').replace('params.n }}', 'params.nn }}'), 'syntax.yaml': 'name: x\nsteps: [\n' });
      const bad = join(d, 'bad.yaml');
      const before = await versions();
      for (const command of [['pipelines', 'upsert', bad], ['run', bad, '--wait']]) {
        const result = await cli(command);
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr.trimEnd().split('\n')).toEqual([
          `slipway: ${bad}:15:12: step 'train' needs unknown step 'prep' (did you mean 'prepare'?)`,
          expect.stringMatching(new RegExp(`^slipway: ${bad}:17:\\d+: unknown param 'nn' \\(did you mean 'n'\\?\\)$`)),
        ]);
      }
      const syntax = await cli(['pipelines', 'upsert', join(d, 'syntax.yaml')]);
      expect(syntax.code).toBe(1);
      expect(syntax.stderr).toMatch(/^slipway: \S+syntax\.yaml:\d+:\d+: invalid YAML: /);
      expect(await versions()).toEqual(before);
      expect((await sdk.pipelines.listExecutions()).items).toEqual([]);
    });

    it('a TypeScript file (here outside any ES module package) is sent as the compiled model (source_format typescript) and runs', async () => {
      const d = scratch.dir({
        'typed.ts': `import { definePipeline } from ${JSON.stringify(DEFINE_PIPELINE)};
export default definePipeline({ name: 'typed', params: { who: { type: 'string', default: 'world' } }, steps: { only: { run: 'echo "hello \${{ params.who }}"' } } });
`,
        'broken.ts': `import { definePipeline } from ${JSON.stringify(DEFINE_PIPELINE)};\nexport default definePipeline({ name: 'x', steps: { a: { run: 'echo', needs: 'zz' } } } as never);\n`,
      });
      expect(ok(await cli(['pipelines', 'upsert', join(d, 'typed.ts')]))).toMatch(/^Pipeline:\s+typed$/m);
      const typed = await sdk.pipelines.get('typed');
      expect(typed).toMatchObject({ source_format: 'typescript', definition: { name: 'typed', steps: [{ id: 'only', kind: 'run' }] } });
      expect(typed.source_text).toBeUndefined();
      const broken = await cli(['pipelines', 'upsert', join(d, 'broken.ts')]);
      expect(broken.code).toBe(1);
      expect(broken.stderr).toMatch(/broken\.ts: steps\.a\.needs.*unknown step 'zz'/);

      const result = await cli(['run', join(d, 'typed.ts'), '-p', 'who=ts', '--wait', '--poll-interval', '50']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect((await sdk.pipelines.readLogs(watchedExecutionId(result.stdout), { step: 'only' })).text).toBe('hello ts\n');
    });

    it('pipelines list and show; an unknown pipeline is exit 1', async () => {
      const lines = ok(await cli(['pipelines', 'list'])).trimEnd().split('\n');
      expect(lines[0]).toMatch(/^NAME\s+VERSION\s+HASH\s+LAST EXECUTION\s+STATUS\s+UPDATED\s+DESCRIPTION$/);
      expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2))).toEqual([
        ['demo', '2'],
        ['typed', '1'],
      ]);
      expect(lines[2]).toMatch(/^typed\s+1\s+[0-9a-f]{12}\s+\S+\s+succeeded\s+\d{4}-\d\d-\d\dT/);

      const show = ok(await cli(['pipelines', 'show', 'demo', '--version', '1']));
      expect(show).toMatch(/^Version:\s+1$/m);
      expect(show).toMatch(/^Written in:\s+YAML$/m);
      expect(show).toMatch(/^Created:\s+\S+ by ci-bot$/m);
      expect(show).toMatch(/^ {2}n\s+int\s+3$/m);
      expect(show).toMatch(/^ {2}prepare\s+run\s+-\s+outputs rows$/m);
      expect(show).toMatch(/^ {2}train\s+run\s+prepare\s+cache, metrics rmse$/m);
      expect(show).toContain(`Source:\n${YAML}`);
      expect(ok(await cli(['pipelines', 'show', 'typed']))).toMatch(/^Written in:\s+TypeScript$/m);
      const missing = await cli(['pipelines', 'show', 'nope']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/^slipway: RESOURCE_DOES_NOT_EXIST: /);
    });

    it('run: checks -p values here (exit 2, naming each -p), then stores the pipeline and starts it; prints the execution id', async () => {
      const bad = await cli(['run', demoFile, '-p', 'nope=1', '-p', 'n=abc', '-p', 'mode=medium', '-p', 'zzzzzz=2']);
      expect(bad.code).toBe(2);
      expect(bad.stdout).toBe('');
      expect(bad.stderr.trimEnd().split('\n')).toEqual([
        "slipway: -p nope=1: unknown param 'nope' (did you mean 'mode'?)",
        "slipway: -p n=abc: param 'n' (int) must be an integer, not 'abc'",
        "slipway: -p mode=medium: param 'mode' (choice) must be one of 'fast' or 'slow', not 'medium'",
        "slipway: -p zzzzzz=2: unknown param 'zzzzzz' (pipeline 'demo' has 'n', 'mode' and 'hold')",
      ]);
      expect((await cli(['run', demoFile, '-p', 'n'])).stderr).toBe("slipway: -p n: 'n' is not a parameter assignment (expected name=value)\n");
      expect((await sdk.pipelines.listExecutions({ pipeline: 'demo' })).items).toEqual([]);

      const started = await cli(['run', demoFile, '-p', 'n=7']);
      expect(started.stderr).toBe('');
      expect(started.code).toBe(0);
      firstRun = started.stdout.trim();
      expect(started.stdout).toBe(`${firstRun}\n`);
      const done = await executionWhen(sdk, firstRun, isExecutionFinished, 'the execution to end');
      expect(done).toMatchObject({ status: 'succeeded', pipeline_name: 'demo', pipeline_version: 1, params: { n: 7, mode: 'fast', hold: '/' }, trigger: { type: 'api' }, actor: 'ci-bot' });
    });

    it('run --wait (not a terminal): one line per change, a summary, exit 0 when it succeeds', async () => {
      const hold = scratch.hold();
      const watching = spawnCli(['run', demoFile, '-p', 'n=7', '-p', `hold=${hold.path}`, '--wait', '--poll-interval', '50'], cliEnv(live.url));
      await watching.waitForOutput(/ prepare running \(attempt 1\)$/m);
      hold.release();
      const result = await watching.exited;
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^Pipeline demo v1 \(unchanged, [0-9a-f]{12}\)$/);
      const id = watchedExecutionId(result.stdout);
      expect(lines[1]).toBe(`Execution ${id} started, params: n=7, mode=fast, hold=${hold.path}`);
      const progress = progressLines(result.stdout);
      // The first poll may come before the engine has picked the execution up.
      if (progress[0] === 'T execution queued') progress.shift();
      expect(progress).toEqual([
        'T execution running',
        'T prepare running (attempt 1)',
        expect.stringMatching(new RegExp(`^T prepare succeeded \\(${DURATION}\\)$`)),
        `T train succeeded (cache hit from ${firstRun})`,
      ]);
      expect(lines.slice(2 + progressLines(result.stdout).length)).toEqual([expect.stringMatching(new RegExp(`^Execution ${id} succeeded in ${DURATION}\\.$`))]);
      const execution = await sdk.pipelines.getExecution(id);
      expect(execution.steps[0]).toMatchObject({ status: 'succeeded', outputs: { rows: '42' } });
      expect(execution.steps[1]).toMatchObject({ status: 'succeeded', cached_from: firstRun, metrics: { rmse: 0.5 } });
    });

    it('run --wait: exit 1 when the execution fails, with the failing step, where its log is and how to retry', async () => {
      const d = scratch.dir({ 'fail.yaml': 'name: demo-fail\nsteps:\n  - id: prepare\n    run: exit 3\n  - id: train\n    needs: prepare\n    run: echo never\n' });
      const result = await cli(['run', join(d, 'fail.yaml'), '--wait', '--poll-interval', '50']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^\d\d:\d\d:\d\d prepare failed \(user, exit 3\): the command exited with code 3$/m);
      expect(result.stdout).toMatch(/^\d\d:\d\d:\d\d train skipped: needs 'prepare', which failed$/m);
      expect(result.stdout).toMatch(
        new RegExp(
          `^Execution (\\S+) failed after ${DURATION}: step 'prepare' failed: the command exited with code 3\\n {2}prepare failed \\(attempt 1\\): the command exited with code 3\\nLogs: {2}slipway executions logs \\1 --step prepare\\nRetry: slipway executions retry \\1 --wait`,
          'm',
        ),
      );
    });

    it('run --wait --json: no progress, the final execution, exit 1 when it was cancelled', async () => {
      const hold = scratch.hold();
      const watching = spawnCli(['run', demoFile, '-p', `hold=${hold.path}`, '--wait', '--json', '--poll-interval', '50'], cliEnv(live.url));
      const running = await eventually(
        async () => (await sdk.pipelines.listExecutions({ pipeline: 'demo', status: 'running' })).items.find((e) => e.params.hold === hold.path && stepStatus(e, 'prepare') === 'running'),
        20_000,
        'the execution to run',
      );
      await sdk.pipelines.cancel(running.execution_id);
      const result = await watching.exited;
      expect(result.stderr).toBe('');
      expect(result.code).toBe(1);
      const out = JSON.parse(result.stdout) as { execution: Execution; created: boolean; pipeline: { name: string } };
      expect(out).toMatchObject({ execution: { execution_id: running.execution_id, status: 'cancelled' }, created: false, pipeline: { name: 'demo' } });
    });

    it.skipIf(!HAS_SCRIPT)('run --wait on a terminal: the step table redrawn in place', async () => {
      const hold = scratch.hold();
      const tty = spawnCliOnTerminal(['run', demoFile, '-p', `hold=${hold.path}`, '--wait', '--poll-interval', '50'], cliEnv(live.url));
      await tty.waitForOutput(/prepare\s+running\s+1/);
      hold.release();
      const result = await tty.exited;
      expect(result.code).toBe(0);
      // Each redraw moves up over the previous frame (headline, header, two steps) and clears below.
      expect(result.stdout).toContain('\u001b[4F\u001b[0J');
      expect(result.stdout).toMatch(/STEP\s+STATUS\s+ATTEMPT\s+DURATION\s+NOTE/);
      expect(result.stdout).toMatch(/prepare\s+running\s+1/);
      expect(result.stdout).toMatch(new RegExp(`train\\s+succeeded\\s+1\\s+${DURATION}`));
      expect(result.stdout).toMatch(new RegExp(`Execution \\S+ succeeded in ${DURATION}\\.`));
    });

    it('run --wait: Ctrl-C detaches (exit 130, how to cancel); the execution goes on', async () => {
      const hold = scratch.hold();
      const watching = spawnCli(['run', demoFile, '-p', `hold=${hold.path}`, '--wait', '--poll-interval', '50'], cliEnv(live.url));
      await watching.waitForOutput(/ prepare running \(attempt 1\)$/m);
      const id = watchedExecutionId(watching.stdout());
      watching.child.kill('SIGINT');
      const result = await watching.exited;
      expect(result.code).toBe(130);
      expect(result.stderr).toContain(`slipway: stopped watching; execution ${id} keeps running.`);
      expect(result.stderr).toContain(`Cancel it: slipway executions cancel ${id}`);
      expect((await sdk.pipelines.getExecution(id)).status).toBe('running');
      hold.release();
      expect((await executionWhen(sdk, id, isExecutionFinished, 'the execution to end')).status).toBe('succeeded');
    });

    it('run --wait: a slipway/evaluate gate that rejects stops the execution, which succeeds (exit 0) saying where', async () => {
      const d = scratch.dir({
        'gated.yaml': `name: gated
steps:
  - id: train
    run: 'echo "rmse: 0.5"'
    metrics:
      - name: rmse
        regex: 'rmse: ([0-9.]+)'
  - id: gate
    needs: train
    uses: slipway/evaluate
    with: { step: train, threshold: rmse < 0.1 }
  - id: register
    needs: gate
    run: echo never
`,
      });
      const result = await cli(['run', join(d, 'gated.yaml'), '--wait', '--poll-interval', '50']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^\d\d:\d\d:\d\d gate failed \(gate\): .*rmse/m);
      expect(result.stdout).toMatch(/^\d\d:\d\d:\d\d register gated: /m);
      expect(result.stdout).toMatch(/^Execution \S+ succeeded in \S+\.\nStopped at gate gate: .*rmse/m);
    });
  });
}

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_ENV, runCli, spawnCli, type RunningCli } from '../../support/cli-runner.js';
import { expectedOf, makePythonModels, PYTHON_SKIP, VENV_PYTHON } from './python-models.js';

const SERVING = /Slipway is serving '[^']+' at (http:\/\/\S+)/;

/** The built CLI (`node dist/cli/main.js models serve`) choosing and reporting its runtime. */
describe.skipIf(PYTHON_SKIP !== undefined)(`slipway models serve --runtime/--python${PYTHON_SKIP === undefined ? '' : ` (skipped: ${PYTHON_SKIP})`}`, () => {
  let models: string;
  let cacheHome: string;
  let serve: RunningCli | undefined;
  // The compile cache of `models serve` lives under the temp directory: a private one per run.
  const env = (): NodeJS.ProcessEnv => ({ ...CLEAN_ENV, TMPDIR: cacheHome, SLIPWAY_PYTHON: '' });

  beforeAll(async () => {
    models = await makePythonModels();
    cacheHome = await mkdtemp(path.join(os.tmpdir(), 'slipway-serve-tmp-'));
  }, 180_000);
  afterAll(async () => {
    if (serve !== undefined && serve.child.exitCode === null) {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    for (const dir of [models, cacheHome]) if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('serves a pipeline skl2onnx cannot convert with Python workers and prints why', async () => {
    const dir = path.join(models, 'sklearn-log-pipeline');
    serve = spawnCli(['models', 'serve', '-m', dir, '--port', '0', '--python', VENV_PYTHON], env());
    await Promise.race([
      serve.waitForOutput(SERVING, 150_000),
      serve.exited.then((result) => {
        throw new Error(`slipway models serve exited with ${result.code}: ${result.stderr}`);
      }),
    ]);
    expect(serve.stdout()).toMatch(/^Runtime: python \(ONNX compilation failed: RuntimeError: FunctionTransformer is not supported/m);
    const url = SERVING.exec(serve.stdout())![1]!;
    const expected = expectedOf(dir);
    const response = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataframe_split: expected.rows }) });
    expect(response.status).toBe(200);
    const { predictions } = (await response.json()) as { predictions: number[] };
    predictions.forEach((value, index) => expect(value).toBeCloseTo(Number(expected.predictions[index]), 9));
    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
  }, 180_000);

  it('exits 1 when runtime onnx cannot serve the model', async () => {
    const result = await runCli(['models', 'serve', '-m', path.join(models, 'pyfunc-doubler'), '--port', '0', '--runtime', 'onnx', '--python', VENV_PYTHON], env());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("slipway: Runtime 'onnx' needs an onnx flavor or a scikit-learn model to compile; the model's flavors are python_function.");
  }, 60_000);

  it('exits 1 naming the interpreter when no suitable Python is configured', async () => {
    const result = await runCli(['models', 'serve', '-m', path.join(models, 'sklearn-rf'), '--port', '0', '--python', '/nonexistent/python3'], env());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^slipway: The scikit-learn model needs Python \(to compile it to ONNX or to run it\): The Python interpreter '\/nonexistent\/python3' was not found\. Point `--python <path>`/);
  }, 60_000);
});

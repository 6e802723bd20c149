import { execFileSync } from 'node:child_process';
import { chmod, cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSlipwayError } from '../../../src/core/errors/slipway-error.js';
import type { LoadedModel } from '../../../src/core/ports/model-runtime.js';
import { PythonModelRuntime } from '../../../src/serving/python/python-model-runtime.js';
import { batchOf, expectedOf, makePythonModels, PYTHON_SKIP, readModel, VENV_PYTHON } from './python-models.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pids: readonly number[]): Promise<boolean> {
  for (let attempt = 0; attempt < 100 && pids.some(alive); attempt++) await new Promise((resolve) => setTimeout(resolve, 100));
  return !pids.some(alive);
}

/** Rejection of `promise`, as a SlipwayError's status code and message. */
async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    expect(isSlipwayError(error)).toBe(true);
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
  throw new Error('expected a rejection');
}

/** Worker processes serving `dir`, found by their command line. */
function workersOf(dir: string): number[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(`slipway_model_worker.py serve ${dir}`))
    .map((line) => Number.parseInt(line.trim(), 10));
}

const doubled = (x: number) => ({ rows: 1, features: [{ name: 'x', type: 'double' as const, shape: [1], values: [x] }] });

describe.skipIf(PYTHON_SKIP !== undefined)(`PythonModelRuntime with ${VENV_PYTHON}${PYTHON_SKIP === undefined ? '' : ` (skipped: ${PYTHON_SKIP})`}`, () => {
  let models: string;
  const loaded: LoadedModel[] = [];
  beforeAll(async () => {
    models = await makePythonModels();
  }, 180_000);
  afterAll(async () => {
    await Promise.all(loaded.map((model) => model.close()));
    if (models !== undefined) await rm(models, { recursive: true, force: true });
  });

  it('serves a scikit-learn model through mlflow.pyfunc and says why', async () => {
    const dir = path.join(models, 'sklearn-logreg');
    const mlmodel = await readModel(dir);
    const model = await new PythonModelRuntime({ python: VENV_PYTHON, workers: 1 }).load(dir, mlmodel);
    loaded.push(model);
    expect(model.runtime).toBe('python');
    expect(model.runtimeReason).toBe('python_function flavor (mlflow.sklearn) in Python workers');
    const expected = expectedOf(dir);
    const prediction = await model.predict(batchOf(expected.rows, mlmodel));
    expect(prediction.rows).toBe(expected.rows.data.length);
    expect(prediction.primary).toBe('predictions');
    expect(prediction.outputs[0]).toMatchObject({ name: 'predictions', datatype: 'INT64', shape: [expected.rows.data.length], data: expected.predictions });
    expect(model.inputs.map((input) => input.name)).toEqual(['a', 'b', 'c']);
  }, 120_000);

  it('serves a custom PythonModel (python_function flavor only) from two workers at once', async () => {
    const dir = path.join(models, 'pyfunc-doubler');
    const model = await new PythonModelRuntime({ python: VENV_PYTHON, workers: 2 }).load(dir, await readModel(dir));
    loaded.push(model);
    expect(model.runtimeReason).toBe('python_function flavor (mlflow.pyfunc.model) in Python workers');
    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map((x) => model.predict(doubled(x))));
    expect(answers.map((answer) => answer.outputs[0]!.data[0])).toEqual([2, 4, 6, 8, 10, 12]);
    expect(answers[0]!.outputs[0]!.datatype).toBe('FP64');
  }, 120_000);

  it('answers a request whose worker crashes with an error naming the crash, restarts the worker, and serves the next request', async () => {
    const dir = path.join(models, 'pyfunc-doubler');
    const model = (await new PythonModelRuntime({ python: VENV_PYTHON, workers: 1, requestTimeoutMs: 100_000 }).load(dir, await readModel(dir))) as LoadedModel & { pids: number[] };
    loaded.push(model);
    const [before] = model.pids;
    const started = Date.now();
    const crash = await failure(model.predict(doubled(666)));
    // Well before the request timeout: the crash is reported, not waited out.
    expect(Date.now() - started).toBeLessThan(50_000);
    expect(crash.code).toBe('INTERNAL_ERROR');
    expect(crash.message).toMatch(/^The Python worker \(pid \d+\) crashed while scoring this request \(exit code 3\); it is being restarted\.$/);
    const next = await model.predict(doubled(21));
    expect(next.outputs[0]!.data).toEqual([42]);
    expect(model.pids).toHaveLength(1);
    expect(model.pids[0]).not.toBe(before);
    expect(alive(before!)).toBe(false);
  }, 120_000);

  it('times out a request the model hangs on with a 504 and replaces the stuck worker', async () => {
    const dir = path.join(models, 'pyfunc-doubler');
    const model = (await new PythonModelRuntime({ python: VENV_PYTHON, workers: 1, requestTimeoutMs: 3_000 }).load(dir, await readModel(dir))) as LoadedModel & { pids: number[] };
    loaded.push(model);
    const [stuck] = model.pids;
    const timeout = await failure(model.predict(doubled(777)));
    expect(timeout).toEqual({ code: 'DEADLINE_EXCEEDED', message: 'The Python model did not answer within 3000 ms.' });
    expect(await gone([stuck!])).toBe(true);
    // The replacement loads mlflow first, which may take longer than the 3 s budget on a busy machine; retry until it answers.
    let answer: number | undefined;
    for (let attempt = 0; attempt < 20 && answer === undefined; attempt++) {
      answer = await model.predict(doubled(5)).then((prediction) => prediction.outputs[0]!.data[0] as number, () => undefined);
    }
    expect(answer).toBe(10);
  }, 120_000);

  it('kills its workers on close', async () => {
    const dir = path.join(models, 'pyfunc-doubler');
    const model = (await new PythonModelRuntime({ python: VENV_PYTHON, workers: 2 }).load(dir, await readModel(dir))) as LoadedModel & { pids: number[] };
    const pids = model.pids;
    expect(pids).toHaveLength(2);
    expect(pids.every(alive)).toBe(true);
    await model.close();
    expect(await gone(pids)).toBe(true);
    expect((await failure(model.predict(doubled(1)))).code).toBe('TEMPORARILY_UNAVAILABLE');
  }, 120_000);

  it('kills a worker that is still restarting when the model is closed', async () => {
    const dir = path.join(models, 'pyfunc-doubler-closing');
    await cp(path.join(models, 'pyfunc-doubler'), dir, { recursive: true });
    const model = await new PythonModelRuntime({ python: VENV_PYTHON, workers: 1 }).load(dir, await readModel(dir));
    const [first] = workersOf(dir);
    await failure(model.predict(doubled(666)));
    // Wait for the replacement process: it is loading mlflow now. Closing must not wait for it, nor leave it running.
    for (let attempt = 0; attempt < 200 && !workersOf(dir).some((pid) => pid !== first); attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(workersOf(dir).filter((pid) => pid !== first)).toHaveLength(1);
    await model.close();
    expect(workersOf(dir)).toEqual([]);
  }, 120_000);

  it('refuses a model without a python_function flavor', async () => {
    const runtime = new PythonModelRuntime({ python: VENV_PYTHON });
    const refused = await failure(runtime.load(models, { flavors: { onnx: { data: 'model.onnx' } }, signature: undefined, inputExampleInfo: undefined, mlflowVersion: undefined }));
    expect(refused.message).toBe("The model has no 'python_function' flavor (its flavors: onnx), so mlflow.pyfunc cannot load it.");
  });

  it('reports a model the worker cannot load with the worker\'s reason', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-broken-model-'));
    try {
      await writeFile(path.join(dir, 'MLmodel'), 'flavors:\n  python_function:\n    loader_module: no_such_loader_module\n');
      const runtime = new PythonModelRuntime({ python: VENV_PYTHON, workers: 1 });
      const refused = await failure(runtime.load(dir, await readModel(dir)));
      expect(refused.code).toBe('INVALID_PARAMETER_VALUE');
      expect(refused.message).toMatch(/^The Python worker could not load the model: .*no_such_loader_module/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  describe('without a suitable interpreter', () => {
    it('names a missing interpreter and how to configure one', async () => {
      const runtime = new PythonModelRuntime({ python: '/nonexistent/bin/python3', env: {} });
      const refused = await failure(runtime.load(path.join(models, 'pyfunc-doubler'), await readModel(path.join(models, 'pyfunc-doubler'))));
      expect(refused.code).toBe('INVALID_STATE');
      expect(refused.message).toMatch(/^The Python interpreter '\/nonexistent\/bin\/python3' was not found\. Point `--python <path>` \(or SLIPWAY_PYTHON\) at an interpreter with mlflow installed/);
    });

    it('names an interpreter that cannot import mlflow', async () => {
      // The venv's interpreter without its site-packages (-S): a Python without mlflow.
      const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-bare-python-'));
      const bare = path.join(dir, 'python');
      try {
        await writeFile(bare, `#!/bin/sh\nexec "${VENV_PYTHON}" -S "$@"\n`);
        await chmod(bare, 0o755);
        const runtime = new PythonModelRuntime({ env: { SLIPWAY_PYTHON: bare } });
        expect(runtime.interpreter).toBe(bare);
        const refused = await failure(runtime.load(path.join(models, 'pyfunc-doubler'), await readModel(path.join(models, 'pyfunc-doubler'))));
        expect(refused.message).toMatch(/cannot import mlflow \(ModuleNotFoundError: No module named 'mlflow'\)\. Point `--python <path>` \(or SLIPWAY_PYTHON\)/);
        expect(refused.message).toContain(`The Python interpreter '${bare}' (Python 3.`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('defaults to python3 on the PATH', () => {
      expect(new PythonModelRuntime({ env: {} }).interpreter).toBe('python3');
      expect(new PythonModelRuntime({ python: '/opt/py/bin/python', env: { SLIPWAY_PYTHON: '/other' } }).interpreter).toBe('/opt/py/bin/python');
    });
  });
});

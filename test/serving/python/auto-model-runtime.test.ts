import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSlipwayError } from '../../../src/core/errors/slipway-error.js';
import type { LoadedModel } from '../../../src/core/ports/model-runtime.js';
import { AutoModelRuntime } from '../../../src/serving/auto-model-runtime.js';
import { batchOf, expectedOf, makePythonModels, PYTHON_SKIP, readModel, VENV_PYTHON } from './python-models.js';

const ONNX_FIXTURES = fileURLToPath(new URL('../../fixtures/models/', import.meta.url));

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(isSlipwayError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a rejection');
}

function expectClose(actual: ReadonlyArray<number | string | boolean>, expected: ReadonlyArray<number | string>, rtol: number): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, index) => expect(Math.abs(Number(value) - Number(expected[index]))).toBeLessThanOrEqual(1e-5 + rtol * Math.abs(Number(expected[index]))));
}

describe.skipIf(PYTHON_SKIP !== undefined)(`AutoModelRuntime with ${VENV_PYTHON}${PYTHON_SKIP === undefined ? '' : ` (skipped: ${PYTHON_SKIP})`}`, () => {
  let models: string;
  let cacheDir: string;
  let runtime: AutoModelRuntime;
  const loaded: LoadedModel[] = [];
  const load = async (name: string, prefer?: 'auto' | 'onnx' | 'python', on: AutoModelRuntime = runtime): Promise<LoadedModel> => {
    const dir = name.startsWith('/') ? name : path.join(models, name);
    const model = await on.load(dir, await readModel(dir), prefer === undefined ? {} : { prefer });
    loaded.push(model);
    return model;
  };

  beforeAll(async () => {
    models = await makePythonModels();
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-onnx-cache-test-'));
    runtime = new AutoModelRuntime({ python: { python: VENV_PYTHON, workers: 1 }, compileCacheDir: cacheDir });
  }, 180_000);
  afterAll(async () => {
    await Promise.all(loaded.map((model) => model.close()));
    for (const dir of [models, cacheDir]) if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('serves an onnx flavor with ONNX Runtime', async () => {
    const model = await load(path.join(ONNX_FIXTURES, 'housing-rf'));
    expect(model.runtime).toBe('onnx');
    expect(model.runtimeReason).toBe('ONNX flavor');
  });

  it('compiles a scikit-learn RandomForest to ONNX, keeps it because it matches, and reuses the cached compilation', async () => {
    const model = await load('sklearn-rf');
    expect(model.runtime).toBe('onnx');
    expect(model.runtimeReason).toMatch(
      /^compiled from scikit-learn with skl2onnx; predictions on 5 example row\(s\) match within rtol 0\.0001, atol 0\.00001 \(largest difference \S+ ≤ allowed \S+ \(output 'variable', value \d\)\)$/,
    );
    const expected = expectedOf(path.join(models, 'sklearn-rf'));
    const prediction = await model.predict(batchOf(expected.rows, await readModel(path.join(models, 'sklearn-rf'))));
    expectClose(prediction.outputs.find((output) => output.name === prediction.primary)!.data, expected.predictions, 1e-4);

    const entries = (await readdir(cacheDir)).filter((name) => !name.startsWith('.'));
    expect(entries).toHaveLength(1);
    const report = JSON.parse(await readFile(path.join(cacheDir, entries[0]!, 'report.json'), 'utf8')) as { matched: boolean; converted: boolean };
    expect(report).toMatchObject({ converted: true, matched: true });
    const derived = await readModel(path.join(cacheDir, entries[0]!, 'model'));
    expect(Object.keys(derived.flavors)).toContain('onnx');
    expect(derived.signature).toEqual((await readModel(path.join(models, 'sklearn-rf'))).signature);
    expect(derived.inputExampleInfo?.['serving_input_path']).toBe('serving_input_example.json');

    // Same content, same cache entry: no second compilation (the entry's report is not rewritten).
    const reportTime = (await stat(path.join(cacheDir, entries[0]!, 'report.json'))).mtimeMs;
    const again = await load('sklearn-rf');
    expect(again.runtimeReason).toBe(model.runtimeReason);
    expect((await readdir(cacheDir)).filter((name) => !name.startsWith('.'))).toEqual(entries);
    expect((await stat(path.join(cacheDir, entries[0]!, 'report.json'))).mtimeMs).toBe(reportTime);
  }, 180_000);

  it('compiles a classifier: the labels equal scikit-learn\'s and the probabilities are a tensor', async () => {
    const model = await load('sklearn-logreg');
    expect(model.runtime).toBe('onnx');
    expect(model.runtimeReason).toMatch(/^compiled from scikit-learn with skl2onnx; predictions on 6 example row\(s\) match/);
    const expected = expectedOf(path.join(models, 'sklearn-logreg'));
    const prediction = await model.predict(batchOf(expected.rows, await readModel(path.join(models, 'sklearn-logreg'))));
    expect(prediction.primary).toBe('label');
    expect(prediction.outputs.find((output) => output.name === 'label')!.data).toEqual(expected.predictions);
    expect(prediction.outputs.find((output) => output.name === 'probabilities')!.shape).toEqual([6, 2]);
  }, 180_000);

  it('serves a pipeline skl2onnx cannot convert (FunctionTransformer) with Python, saying why', async () => {
    const model = await load('sklearn-log-pipeline');
    expect(model.runtime).toBe('python');
    expect(model.runtimeReason).toMatch(/^ONNX compilation failed: RuntimeError: FunctionTransformer is not supported/);
    const expected = expectedOf(path.join(models, 'sklearn-log-pipeline'));
    const prediction = await model.predict(batchOf(expected.rows, await readModel(path.join(models, 'sklearn-log-pipeline'))));
    expectClose(prediction.outputs[0]!.data, expected.predictions, 1e-12);
    expect(await refusal(load('sklearn-log-pipeline', 'onnx'))).toMatch(/^Runtime 'onnx' cannot serve this scikit-learn model: ONNX compilation failed: RuntimeError: FunctionTransformer/);
  }, 180_000);

  it('falls back to Python when the compiled predictions differ by more than the tolerance', async () => {
    const strict = new AutoModelRuntime({ python: { python: VENV_PYTHON, workers: 1 }, compileCacheDir: cacheDir, tolerance: { rtol: 0, atol: 0 } });
    const model = await load('sklearn-rf', 'auto', strict);
    expect(model.runtime).toBe('python');
    // float32 trees against float64 sums: tiny, but more than zero.
    expect(model.runtimeReason).toMatch(/^compiled predictions differ by \d\.\d\de-\d+ > allowed 0 \(output 'variable', value \d\); tolerance rtol 0, atol 0$/);
  }, 180_000);

  it('serves a custom pyfunc (no onnx or sklearn flavor) with Python; refuses it for runtime onnx', async () => {
    const model = await load('pyfunc-doubler');
    expect(model.runtime).toBe('python');
    expect(model.runtimeReason).toBe('no onnx or sklearn flavor (flavors: python_function); python_function runs in Python workers');
    expect(await refusal(load('pyfunc-doubler', 'onnx'))).toBe("Runtime 'onnx' needs an onnx flavor or a scikit-learn model to compile; the model's flavors are python_function.");
  }, 180_000);

  it('serves a compilable model with Python when runtime python is asked for', async () => {
    const model = await load('sklearn-rf', 'python');
    expect(model.runtime).toBe('python');
    expect(model.runtimeReason).toBe("runtime 'python' requested");
  }, 180_000);

  it('refuses a scikit-learn model when no Python is usable, naming what is missing', async () => {
    const noPython = new AutoModelRuntime({ python: { python: '/nonexistent/python3' }, compileCacheDir: cacheDir });
    expect(await refusal(load('sklearn-rf', 'auto', noPython))).toMatch(
      /^The scikit-learn model needs Python \(to compile it to ONNX or to run it\): The Python interpreter '\/nonexistent\/python3' was not found\. Point `--python <path>`/,
    );
    // An ONNX model needs no Python at all.
    expect((await load(path.join(ONNX_FIXTURES, 'heart-logreg'), 'auto', noPython)).runtime).toBe('onnx');
  });
});

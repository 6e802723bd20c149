import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FeatureBatch } from '../../../src/core/ports/model-runtime.js';
import { parseMlModel, type MlModel } from '../../../src/core/serving/ml-model.js';
import { toFeatureBatch } from '../../../src/core/serving/to-feature-batch.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The project's venv interpreter (scripts/ensure-venv.sh), with mlflow, scikit-learn, skl2onnx and onnxruntime. */
export const VENV_PYTHON = path.join(ROOT, '.venv', 'bin', 'python');

/**
 * Why the Python tests cannot run here, or `undefined`. With SLIPWAY_REQUIRE_PYTHON=1 (CI) a
 * missing interpreter is a failure, never a skip.
 */
export const PYTHON_SKIP = existsSync(VENV_PYTHON) ? undefined : `${VENV_PYTHON} is absent (create it with scripts/ensure-venv.sh)`;
if (PYTHON_SKIP !== undefined && process.env['SLIPWAY_REQUIRE_PYTHON'] === '1') throw new Error(`SLIPWAY_REQUIRE_PYTHON=1 but ${PYTHON_SKIP}`);

export interface Expected {
  readonly rows: { columns: string[]; data: number[][] };
  readonly predictions: Array<number | string>;
}

/** Writes the test models (test/serving/python/make-python-models.py) into a fresh temp directory. */
export async function makePythonModels(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-python-models-'));
  await promisify(execFile)(VENV_PYTHON, [fileURLToPath(new URL('make-python-models.py', import.meta.url)), dir], { timeout: 180_000 });
  return dir;
}

export async function readModel(dir: string): Promise<MlModel> {
  return parseMlModel(await readFile(path.join(dir, 'MLmodel'), 'utf8'));
}

export function expectedOf(dir: string): Expected {
  return JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;
}

/** The model's expected rows as the batch the scoring protocols would build. */
export function batchOf(rows: Expected['rows'], mlmodel: MlModel): FeatureBatch {
  return toFeatureBatch({ kind: 'table', columns: rows.columns, rows: rows.data }, mlmodel.signature);
}

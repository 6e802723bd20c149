import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { compileSklearnToOnnx, DEFAULT_COMPILE_TOLERANCE, type CompileReport, type CompileTolerance } from './compile-sklearn-to-onnx.js';
import { hashModelDir } from './model-dir-hash.js';
import type { PythonEnvironment } from './python-environment.js';

/** Where compiled models are kept when no cache directory is configured. */
export const DEFAULT_COMPILE_CACHE_DIR = path.join(os.tmpdir(), 'slipway-onnx-cache');

/** Bumped when the compiler's output or checks change, so older entries are not reused. */
const COMPILER_REVISION = 'slipway-compile-1';

export interface CachedCompile {
  readonly report: CompileReport;
  /** The derived MLflow model (onnx flavor); present when the model converted. */
  readonly modelDir: string | undefined;
  /** True when the result came from the cache. */
  readonly cached: boolean;
}

export interface CompileCacheOptions {
  readonly cacheDir?: string | undefined;
  readonly environment: PythonEnvironment;
  readonly tolerance?: CompileTolerance | undefined;
  readonly samplePath?: string | undefined;
}

/**
 * Compiles `modelDir` once per content: the result (report, and the derived model when it
 * converted) is kept under `<cacheDir>/<sha256>`, keyed by the model's files, the tolerance,
 * the sample and the interpreter's library versions. Entries appear atomically (written to a
 * temporary directory, then renamed), so concurrent loads never see half a model.
 */
export async function compileCached(modelDir: string, options: CompileCacheOptions): Promise<CachedCompile> {
  const cacheDir = path.resolve(options.cacheDir ?? DEFAULT_COMPILE_CACHE_DIR);
  const tolerance = options.tolerance ?? DEFAULT_COMPILE_TOLERANCE;
  const { environment } = options;
  const sample = options.samplePath === undefined ? '' : await readFile(options.samplePath, 'utf8');
  const key = await hashModelDir(modelDir, [
    COMPILER_REVISION,
    `${tolerance.rtol}/${tolerance.atol}`,
    sample,
    environment.interpreter,
    `sklearn ${environment.sklearn ?? '-'} skl2onnx ${environment.skl2onnx ?? '-'} onnxruntime ${environment.onnxruntime ?? '-'}`,
  ]);
  const entry = path.join(cacheDir, key);
  const existing = await readEntry(entry);
  if (existing !== undefined) return { ...existing, cached: true };

  await mkdir(cacheDir, { recursive: true });
  const staging = await mkdtemp(path.join(cacheDir, `.staging-${key.slice(0, 12)}-`));
  try {
    const report = await compileSklearnToOnnx(modelDir, path.join(staging, 'model'), {
      interpreter: environment.interpreter,
      tolerance,
      samplePath: options.samplePath,
    });
    await writeFile(path.join(staging, 'report.json'), `${JSON.stringify(report, null, 1)}\n`);
    try {
      await rename(staging, entry);
    } catch {
      // Another load compiled the same model first; its entry is as good.
      await rm(staging, { recursive: true, force: true });
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  const written = await readEntry(entry);
  if (written === undefined) throw new Error(`the compile cache entry ${entry} could not be read back`);
  return { ...written, cached: false };
}

async function readEntry(entry: string): Promise<Omit<CachedCompile, 'cached'> | undefined> {
  let report: CompileReport;
  try {
    report = JSON.parse(await readFile(path.join(entry, 'report.json'), 'utf8')) as CompileReport;
  } catch {
    return undefined;
  }
  const hasModel = report.converted && (await readFile(path.join(entry, 'model', 'MLmodel'), 'utf8').then(() => true, () => false));
  return { report, modelDir: hasModel ? path.join(entry, 'model') : undefined };
}

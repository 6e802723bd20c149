import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isSlipwayError, SlipwayError } from '../core/errors/slipway-error.js';
import type { LoadedModel, LoadModelOptions, ModelRuntime } from '../core/ports/model-runtime.js';
import { parseMlModel, type MlModel } from '../core/serving/ml-model.js';
import { OnnxModelRuntime, type OnnxRuntimeOptions } from './onnx/onnx-model-runtime.js';
import { compileCached } from './python/compile-cache.js';
import { describeComparison, type CompileTolerance } from './python/compile-sklearn-to-onnx.js';
import { PythonModelRuntime, type PythonRuntimeOptions } from './python/python-model-runtime.js';

export interface AutoModelRuntimeOptions {
  readonly onnx?: OnnxRuntimeOptions | undefined;
  readonly python?: PythonRuntimeOptions | undefined;
  /** Where compiled scikit-learn models are kept (by content hash). @default `<tmp>/slipway-onnx-cache` */
  readonly compileCacheDir?: string | undefined;
  readonly tolerance?: CompileTolerance | undefined;
  /** Rows (`dataframe_split` JSON) to check a compiled model on when the model has no input example. */
  readonly compileSamplePath?: string | undefined;
}

/**
 * Chooses the runtime for each model and says why (`LoadedModel.runtimeReason`):
 *
 * - `auto`: an `onnx` flavor runs in process with ONNX Runtime; a scikit-learn model is
 *   compiled to ONNX with skl2onnx (in the Python environment, cached by content) and served
 *   by ONNX Runtime if its predictions on the input example match, else by Python workers; any
 *   other `python_function` model runs in Python workers.
 * - `onnx`: the onnx flavor, or a compiled scikit-learn model that matches; anything else is refused.
 * - `python`: Python workers (`mlflow.pyfunc`), whatever the flavors.
 */
export class AutoModelRuntime implements ModelRuntime {
  readonly onnx: OnnxModelRuntime;
  readonly python: PythonModelRuntime;
  readonly #options: AutoModelRuntimeOptions;

  constructor(options: AutoModelRuntimeOptions = {}) {
    this.#options = options;
    this.onnx = new OnnxModelRuntime(options.onnx);
    this.python = new PythonModelRuntime(options.python);
  }

  async load(modelDir: string, mlmodel: MlModel, options: LoadModelOptions = {}): Promise<LoadedModel> {
    const prefer = options.prefer ?? 'auto';
    if (prefer === 'python') return this.python.load(modelDir, mlmodel, { runtimeReason: "runtime 'python' requested" });
    if (mlmodel.flavors['onnx'] !== undefined) return withReason(await this.onnx.load(modelDir, mlmodel), 'ONNX flavor');
    const flavors = Object.keys(mlmodel.flavors).join(', ') || 'none';
    if (mlmodel.flavors['sklearn'] === undefined) {
      if (prefer === 'onnx') throw SlipwayError.invalidParameter(`Runtime 'onnx' needs an onnx flavor or a scikit-learn model to compile; the model's flavors are ${flavors}.`);
      return this.python.load(modelDir, mlmodel, { runtimeReason: `no onnx or sklearn flavor (flavors: ${flavors}); python_function runs in Python workers` });
    }
    const compiled = await this.#compile(modelDir);
    if (compiled.model !== undefined) return compiled.model;
    if (prefer === 'onnx') throw SlipwayError.invalidParameter(`Runtime 'onnx' cannot serve this scikit-learn model: ${compiled.reason}.`);
    return this.python.load(modelDir, mlmodel, { runtimeReason: compiled.reason });
  }

  /** Compiles a scikit-learn model: the ONNX model if it matches, else why not. */
  async #compile(modelDir: string): Promise<{ model?: LoadedModel; reason: string }> {
    // No usable Python: neither compiling nor the Python runtime can serve it; say so.
    const environment = await this.python.environment().catch((error: unknown) => {
      throw isSlipwayError(error) ? new SlipwayError(error.code, `The scikit-learn model needs Python (to compile it to ONNX or to run it): ${error.message}`) : error;
    });
    const missing = (['skl2onnx', 'onnxruntime', 'sklearn'] as const).filter((module) => environment[module] === undefined);
    if (missing.length > 0) return { reason: `ONNX compilation unavailable: ${missing.join(', ')} cannot be imported by ${environment.interpreter}` };
    let compiled;
    try {
      compiled = await compileCached(path.resolve(modelDir), {
        cacheDir: this.#options.compileCacheDir,
        environment,
        tolerance: this.#options.tolerance,
        samplePath: this.#options.compileSamplePath,
      });
    } catch (error) {
      return { reason: `ONNX compilation failed: ${(error as Error).message}` };
    }
    const { report } = compiled;
    if (!report.converted || compiled.modelDir === undefined) return { reason: `ONNX compilation failed: ${report.error ?? 'no ONNX model was written'}` };
    const tolerance = `rtol ${report.rtol}, atol ${report.atol}`;
    if (!report.matched) return { reason: `compiled predictions differ by ${describeComparison(report)}; tolerance ${tolerance}` };
    try {
      const derived = parseMlModel(await readFile(path.join(compiled.modelDir, 'MLmodel'), 'utf8'));
      const model = await this.onnx.load(compiled.modelDir, derived);
      return {
        model: withReason(model, `compiled from scikit-learn with skl2onnx; predictions on ${report.rows ?? 0} example row(s) match within ${tolerance} (largest difference ${describeComparison(report)})`),
        reason: '',
      };
    } catch (error) {
      return { reason: `the compiled ONNX model cannot be loaded: ${(error as Error).message}` };
    }
  }
}

function withReason(model: LoadedModel, runtimeReason: string): LoadedModel {
  return {
    runtime: model.runtime,
    runtimeReason,
    signature: model.signature,
    inputs: model.inputs,
    outputs: model.outputs,
    predict: (batch) => model.predict(batch),
    close: () => model.close(),
  };
}

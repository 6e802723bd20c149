import { execFile } from 'node:child_process';
import { WORKER_SCRIPT } from './python-environment.js';

/** How close compiled predictions must be: `|onnx − sklearn| ≤ atol + rtol·|sklearn|` (labels: equal). */
export interface CompileTolerance {
  readonly rtol: number;
  readonly atol: number;
}

/**
 * float32 (what ONNX tree ensembles and the usual skl2onnx input compute in) keeps ~7
 * significant digits; sums over hundreds of trees or coefficients drift by up to ~1e-5
 * relative, so 1e-4 leaves a margin while a real conversion error (wrong column order,
 * dropped preprocessing) moves predictions by percent. `atol` covers values near zero
 * (probabilities, centred targets). Same defaults as python/slipway_compile_onnx.py.
 */
export const DEFAULT_COMPILE_TOLERANCE: CompileTolerance = { rtol: 1e-4, atol: 1e-5 };

/** The worst difference between compiled and original predictions (`ratio` > 1: out of tolerance; `null`: labels differ). */
export interface CompileDifference {
  readonly output: string;
  readonly index: number;
  readonly expected: number | string;
  readonly got: number | string;
  readonly difference?: number;
  readonly allowed?: number;
  readonly ratio: number | null;
}

/** What `slipway_model_worker.py compile` reports. */
export interface CompileReport {
  readonly converted: boolean;
  readonly matched: boolean;
  readonly error?: string;
  /** Rows of the input example (or sample) compared. */
  readonly rows?: number;
  readonly worst?: CompileDifference | null;
  readonly rtol: number;
  readonly atol: number;
}

export interface CompileOptions {
  readonly interpreter: string;
  readonly tolerance?: CompileTolerance | undefined;
  /** Rows to compare on when the model has no input example (`dataframe_split` JSON). */
  readonly samplePath?: string | undefined;
  readonly timeoutMs?: number | undefined;
}

/**
 * Converts the scikit-learn model in `modelDir` to ONNX with skl2onnx in the Python worker's
 * environment, writes the derived MLflow model (onnx flavor, same signature and input
 * example) to `outDir`, and reports whether onnxruntime's predictions on the input example
 * match scikit-learn's. A failed conversion is a report, not an exception; only a worker that
 * cannot run at all rejects.
 */
export function compileSklearnToOnnx(modelDir: string, outDir: string, options: CompileOptions): Promise<CompileReport> {
  const tolerance = options.tolerance ?? DEFAULT_COMPILE_TOLERANCE;
  const args = [WORKER_SCRIPT, 'compile', modelDir, outDir, '--rtol', String(tolerance.rtol), '--atol', String(tolerance.atol)];
  if (options.samplePath !== undefined) args.push('--sample', options.samplePath);
  const timeoutMs = options.timeoutMs ?? 300_000;
  return new Promise((resolve, reject) => {
    execFile(options.interpreter, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, PYTHONUNBUFFERED: '1' } }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').at(-1) ?? '';
      if (error === null) {
        try {
          resolve(JSON.parse(line) as CompileReport);
          return;
        } catch {
          // fall through: no report
        }
      }
      const why = error?.killed === true ? `did not finish within ${timeoutMs} ms` : (stderr.trim().split('\n').at(-1) ?? error?.message ?? 'no report');
      reject(new Error(`the ONNX compiler ${why}`));
    });
  });
}

/** How the compiled model compared, for a runtime reason: "differ by 2.10e-03 > allowed 1.2e-04 (output 'variable', value 3)". */
export function describeComparison(report: CompileReport): string {
  const worst = report.worst;
  if (worst === undefined || worst === null) return 'no difference';
  if (worst.difference === undefined) return `output '${worst.output}' value ${worst.index} is ${String(worst.got)} instead of ${String(worst.expected)}`;
  const relation = report.matched ? '≤' : '>';
  return `${formatNumber(worst.difference)} ${relation} allowed ${formatNumber(worst.allowed ?? 0)} (output '${worst.output}', value ${worst.index})`;
}

function formatNumber(value: number): string {
  return value === 0 ? '0' : value.toExponential(2);
}

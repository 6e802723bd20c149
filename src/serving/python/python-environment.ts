import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ErrorCode } from '../../core/errors/error-code.js';
import { SlipwayError } from '../../core/errors/slipway-error.js';

/**
 * The worker script shipped with the package (`python/slipway_model_worker.py`): three levels
 * up from both `src/serving/python/` and `dist/serving/python/`.
 */
export const WORKER_SCRIPT = fileURLToPath(new URL('../../../python/slipway_model_worker.py', import.meta.url));

/** How the server finds its Python: the `--python` option, else `$SLIPWAY_PYTHON`, else `python3` on the PATH. */
export function pythonInterpreter(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const configured = option ?? env['SLIPWAY_PYTHON'];
  return configured === undefined || configured.trim() === '' ? 'python3' : configured;
}

/** What `slipway_model_worker.py check` found in the interpreter; `undefined` for a module it cannot import. */
export interface PythonEnvironment {
  readonly interpreter: string;
  readonly python: string;
  readonly mlflow: string;
  readonly sklearn: string | undefined;
  readonly skl2onnx: string | undefined;
  readonly onnxruntime: string | undefined;
  /** Why each missing module could not be imported. */
  readonly importErrors: Readonly<Record<string, string>>;
}

const HOW_TO_CONFIGURE = 'Point `--python <path>` (or SLIPWAY_PYTHON) at an interpreter with mlflow installed, e.g. a virtualenv\'s bin/python after `pip install mlflow scikit-learn skl2onnx onnxruntime`.';

/**
 * Runs the worker's `check` once in `interpreter`; refuses an interpreter that is missing or
 * cannot import mlflow, with a message naming what is missing and how to configure another.
 */
export function checkPythonEnvironment(interpreter: string, timeoutMs = 120_000): Promise<PythonEnvironment> {
  return new Promise((resolve, reject) => {
    execFile(interpreter, [WORKER_SCRIPT, 'check'], { timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason =
          code === 'ENOENT'
            ? 'was not found'
            : code === 'EACCES'
              ? 'is not executable'
              : error.killed
                ? `did not answer within ${timeoutMs} ms`
                : `failed: ${lastLine(stderr) ?? error.message}`;
        reject(unavailable(`The Python interpreter '${interpreter}' ${reason}. ${HOW_TO_CONFIGURE}`));
        return;
      }
      let report: Record<string, string | null>;
      try {
        report = JSON.parse(lastLine(stdout) ?? '') as Record<string, string | null>;
      } catch {
        reject(unavailable(`The Python interpreter '${interpreter}' did not run Slipway's worker check (${lastLine(stderr) ?? 'no output'}). ${HOW_TO_CONFIGURE}`));
        return;
      }
      const importErrors: Record<string, string> = {};
      for (const module of ['mlflow', 'sklearn', 'skl2onnx', 'onnxruntime']) {
        const message = report[`${module}_error`];
        if (typeof message === 'string') importErrors[module] = message;
      }
      const mlflow = report['mlflow'];
      if (typeof mlflow !== 'string') {
        reject(unavailable(`The Python interpreter '${interpreter}' (Python ${report['python'] ?? '?'}) cannot import mlflow (${importErrors['mlflow'] ?? 'unknown error'}). ${HOW_TO_CONFIGURE}`));
        return;
      }
      resolve({
        interpreter,
        python: report['python'] ?? '?',
        mlflow,
        sklearn: report['sklearn'] ?? undefined,
        skl2onnx: report['skl2onnx'] ?? undefined,
        onnxruntime: report['onnxruntime'] ?? undefined,
        importErrors,
      });
    });
  });
}

function unavailable(message: string): SlipwayError {
  return new SlipwayError(ErrorCode.INVALID_STATE, message);
}

function lastLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .at(-1);
}

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A Python interpreter that can import the modules asked for. */
export interface FoundPython {
  readonly executable: string;
  /** Its `bin` directory, to put first on the PATH the pipeline's `python` steps see. */
  readonly binDir: string;
}

/**
 * The first of `<root>/.venv/bin/python`, `python3` and `python` (from PATH) that imports
 * every module in `modules`; undefined when none does. Each candidate gets 60 s (importing
 * mlflow the first time compiles a lot).
 */
export async function findPython(root: string, modules: readonly string[], candidates?: readonly string[]): Promise<FoundPython | undefined> {
  const list = candidates ?? [path.join(root, '.venv', 'bin', 'python'), 'python3', 'python'];
  for (const candidate of list) {
    if (path.isAbsolute(candidate) && !existsSync(candidate)) continue;
    try {
      const { stdout } = await run(candidate, ['-c', `import sys, ${modules.join(', ')}; print(sys.executable)`], { timeout: 60_000 });
      const executable = stdout.trim().split('\n').at(-1) ?? candidate;
      // The candidate's own directory, not the resolved interpreter's: a venv's bin holds its `python`.
      const binDir = path.isAbsolute(candidate) ? path.dirname(candidate) : path.dirname(executable);
      return { executable, binDir };
    } catch {
      // Not there, or without the modules: try the next one.
    }
  }
  return undefined;
}

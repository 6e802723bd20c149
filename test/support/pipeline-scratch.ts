import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Execution, SlipwayClient } from '../../src/sdk/index.js';
import { eventually } from './eventually.js';

/**
 * What tests of real pipeline executions share: code directories with a few files, steps
 * held in `running` until the test releases them, and waiting for an execution to reach a
 * state (polled, never slept for).
 * @module
 */

/** Writes `files` (relative path → text) under `dir`; returns `dir`. */
export function writeFiles(dir: string, files: Readonly<Record<string, string>>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/**
 * The shell line of a step that waits until the file `${{ params.<param> }}` exists. A
 * pipeline declares the param with `default: /` (which exists: no wait); a test passes
 * {@link Hold.path} to keep the step running and {@link Hold.release} to let it go on.
 */
export function holdLine(param = 'hold'): string {
  return `while [ ! -e "\${{ params.${param} }}" ]; do sleep 0.05; done`;
}

/** A file that does not exist yet: a step given its path waits until `release` creates it. */
export interface Hold {
  readonly path: string;
  release(): void;
}

/** A temporary directory for one test file; `remove` deletes everything in it. */
export interface ScratchDir {
  readonly root: string;
  /** A fresh directory (a pipeline's code directory) with these files. */
  dir(files?: Readonly<Record<string, string>>): string;
  hold(): Hold;
  remove(): void;
}

export function scratchDir(prefix: string): ScratchDir {
  const root = mkdtempSync(join(tmpdir(), prefix));
  let count = 0;
  return {
    root,
    dir: (files = {}) => writeFiles(join(root, `d${++count}`), files),
    hold() {
      const path = join(root, `hold-${++count}`);
      return { path, release: () => writeFileSync(path, '') };
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Polls the execution (through the SDK) until `until` holds; returns it. */
export function executionWhen(client: SlipwayClient, executionId: string, until: (e: Execution) => boolean, what = 'the execution to change'): Promise<Execution> {
  return eventually(
    async () => {
      const e = await client.pipelines.getExecution(executionId);
      return until(e) ? e : undefined;
    },
    30_000,
    `${what} (${executionId})`,
    25,
  );
}

/** The status of step `stepId` in `e` (undefined when it has none). */
export const stepStatus = (e: Pick<Execution, 'steps'>, stepId: string): string | undefined => e.steps.find((s) => s.step_id === stepId)?.status;

/**
 * The two-step pipeline the API and CLI tests run: prepare (held while `hold` names a file
 * that does not exist yet) writes the value output rows=42; train runs `sh train.sh <n>`
 * from the code directory (cached) and reports rmse. Tests point at its lines (`needs:
 * prepare` is line 15, train's `run` line 17): keep its layout.
 */
export function trainingPipeline(name: string): string {
  return `name: ${name}
description: Trains a forest.
params:
  n: { type: int, default: 3 }
  mode: { type: choice, options: [fast, slow], default: fast }
  hold: { type: string, default: / }
steps:
  - id: prepare
    run: |
      ${holdLine()}
      echo "rows=42" >> "$SLIPWAY_OUTPUT"
    outputs:
      rows: { type: value }
  - id: train
    needs: prepare
    cache: true
    run: sh train.sh \${{ params.n }}
    metrics:
      - name: rmse
        regex: 'rmse: ([0-9.]+)'
`;
}

/** train.sh for {@link trainingPipeline}: one that works, one that fails with exit 3. */
export const TRAIN_SH = { good: 'echo "training $1"\necho "rmse: 0.5"\n', broken: 'echo "training $1"\nexit 3\n' } as const;

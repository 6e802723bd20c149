/** Digests of the code steps declare (`code:`), by snapshot and patterns (snapshots never change). */

import { join } from 'node:path';
import type { ExecutionRecord } from '../../core/ports/pipeline-store.js';
import { declaredCode } from './declared-code.js';

export class DeclaredCodeDigests {
  readonly #dataDir: string;
  readonly #digests = new Map<string, Promise<string>>();

  constructor(dataDir: string) {
    this.#dataDir = dataDir;
  }

  /**
   * The digest of the code a step declares, from the execution's snapshot; rejects with a
   * {@link DeclaredCodeError} when a pattern matches nothing.
   */
  digest(record: ExecutionRecord, patterns: readonly string[]): Promise<string> {
    const snapshot = record.codeDigest ?? 'none';
    const key = `${snapshot}\u0000${JSON.stringify(patterns)}`;
    let digest = this.#digests.get(key);
    if (digest === undefined) {
      if (this.#digests.size >= 1024) this.#digests.clear();
      digest = declaredCode(join(this.#dataDir, 'pipelines', 'code', snapshot), patterns).then((code) => code.digest);
      // Only successes are kept: a failure is reported each time (and an I/O error may pass).
      digest.catch(() => this.#digests.delete(key));
      this.#digests.set(key, digest);
    }
    return digest;
  }
}

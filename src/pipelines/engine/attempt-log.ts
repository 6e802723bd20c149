/**
 * Attempt logs: one file per attempt, appended line by line as output arrives (each line
 * written straight to the file, so a reader following it sees it at once and a crash loses
 * at most the line being written). Secret values are replaced by `***` before writing.
 * @module
 */

import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** `<dataDir>/executions/<id>/logs/<step>[.<instance>].<attempt>.log` */
export function attemptLogPath(dataDir: string, executionId: string, stepId: string, instanceDir: string | undefined, attempt: number): string {
  const name = instanceDir === undefined ? `${stepId}.${attempt}.log` : `${stepId}.${instanceDir}.${attempt}.log`;
  return join(dataDir, 'executions', executionId, 'logs', name);
}

/** Replaces each secret value by `***` (longest first, so one secret inside another is masked whole). */
export function secretMasker(values: readonly string[]): (text: string) => string {
  const secrets = [...new Set(values.filter((v) => v.length >= 3))].sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join('***');
    return out;
  };
}

export class AttemptLog {
  #fd: number | undefined;
  readonly #mask: (text: string) => string;

  constructor(
    readonly path: string,
    mask: (text: string) => string,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.#fd = openSync(path, 'a');
    this.#mask = mask;
  }

  line(text: string): void {
    if (this.#fd === undefined) return;
    writeSync(this.#fd, `${this.#mask(text)}\n`);
  }

  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/** Reads up to `maxBytes` from `offset`, ending at a line boundary when it can. */
export async function readLogFile(path: string, offset: number, maxBytes: number): Promise<{ text: string; nextOffset: number; size: number }> {
  const st = await stat(path).catch(() => undefined);
  if (st === undefined) return { text: '', nextOffset: offset, size: 0 };
  if (offset >= st.size) return { text: '', nextOffset: offset, size: st.size };
  const length = Math.min(maxBytes, st.size - offset);
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    let end = bytesRead;
    if (offset + bytesRead < st.size) {
      // Do not cut a line (or a UTF-8 sequence) in two when more follows.
      const lastNewline = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (lastNewline >= 0) end = lastNewline + 1;
    }
    return { text: buffer.subarray(0, end).toString('utf8'), nextOffset: offset + end, size: st.size };
  } finally {
    await handle.close();
  }
}

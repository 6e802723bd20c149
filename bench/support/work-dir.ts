import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { onCleanup } from './cleanup-stack.js';
import { log } from './log.js';

/** A fresh temporary directory, removed at cleanup unless `keep` (`--keep`). */
export async function makeWorkDir(prefix: string, keep: boolean): Promise<string> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), prefix));
  if (keep) log(`keeping ${workDir} (--keep)`);
  else onCleanup(`remove ${workDir}`, () => rm(workDir, { recursive: true, force: true }));
  return workDir;
}

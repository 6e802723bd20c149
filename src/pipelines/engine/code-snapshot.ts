/**
 * Code snapshots: the pipeline's code directory copied, content-addressed, into
 * `<dataDir>/pipelines/code/<digest>/` when an execution starts, so an edit made while it
 * runs changes nothing and a retry picks up the fixed code. Each attempt gets a fresh copy
 * as its working directory.
 * @module
 */

import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { cp, lstat, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { SlipwayError } from '../../core/errors/slipway-error.js';

/** Directories never copied: version control, dependencies, virtualenvs, caches. */
export const SKIPPED_DIRECTORIES = new Set(['.git', '.hg', '.svn', 'node_modules', '.venv', 'venv', '__pycache__', '.mypy_cache', '.pytest_cache', '.slipway']);

/** @default 256 MiB */
export const DEFAULT_SNAPSHOT_LIMIT = 256 * 1024 * 1024;

export interface CodeSnapshot {
  /** SHA-256 of the sorted file list with each file's size and content digest. */
  readonly digest: string;
  readonly dir: string;
}

interface CodeFile {
  readonly rel: string;
  readonly abs: string;
  readonly size: number;
}

/** Snapshots `codeDir` (undefined: an empty snapshot). Reuses an identical snapshot. */
export async function snapshotCode(codeDir: string | undefined, dataDir: string, maxBytes = DEFAULT_SNAPSHOT_LIMIT): Promise<CodeSnapshot> {
  const files = codeDir === undefined ? [] : await listCodeFiles(codeDir, maxBytes);
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file.rel}\u0000${file.size}\u0000${await fileDigest(file.abs)}\n`);
  const digest = hash.digest('hex');
  const root = join(dataDir, 'pipelines', 'code');
  const dir = join(root, digest);
  if (await exists(dir)) return { digest, dir };
  const tmp = join(root, `.tmp-${randomUUID()}`);
  await mkdir(tmp, { recursive: true });
  try {
    for (const file of files) {
      const target = join(tmp, file.rel);
      await mkdir(join(target, '..'), { recursive: true });
      await cp(file.abs, target, { preserveTimestamps: true });
    }
    await rename(tmp, dir).catch(async (e: unknown) => {
      // Another execution made the same snapshot meanwhile.
      if (!(await exists(dir))) throw e;
      await rm(tmp, { recursive: true, force: true });
    });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return { digest, dir };
}

/** Copies a snapshot into a fresh directory (an attempt's workspace). */
export async function copySnapshot(snapshotDir: string, target: string): Promise<void> {
  await mkdir(target, { recursive: true });
  if (await exists(snapshotDir)) await cp(snapshotDir, target, { recursive: true, preserveTimestamps: true });
}

async function listCodeFiles(codeDir: string, maxBytes: number): Promise<CodeFile[]> {
  const st = await stat(codeDir).catch(() => undefined);
  if (st === undefined || !st.isDirectory()) {
    throw SlipwayError.invalidParameter(`The code directory '${codeDir}' does not exist or is not a directory.`);
  }
  const files: CodeFile[] = [];
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const abs = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) await walk(abs);
      } else if (entry.isFile()) {
        const size = (await lstat(abs)).size;
        total += size;
        if (total > maxBytes) {
          throw SlipwayError.invalidParameter(
            `The code directory '${codeDir}' holds more than ${maxBytes} bytes (skipping .git, node_modules, .venv, __pycache__); ` +
              'keep data out of it and let a step download it.',
          );
        }
        files.push({ rel: relative(codeDir, abs).split(sep).join('/'), abs, size });
      }
      // Symlinks and special files are not copied.
    }
  };
  await walk(codeDir);
  return files;
}

export function fileDigest(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

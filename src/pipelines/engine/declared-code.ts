/**
 * The code a `run:` step declares (`code: [train.py, 'lib/**\/*.py']`): the files of the
 * execution's code snapshot that its paths and globs match, and their digest, which the
 * step's cache key then uses instead of the whole snapshot's.
 *
 * Patterns are matched with `picomatch` against paths relative to the code directory
 * (`/`-separated); `*` and `**` match dot files too, and a pattern that matches a directory
 * covers every file below it (`lib`, `lib/`, `src/*`). Every pattern must match at least
 * one file.
 * @module
 */

import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { fileDigest } from './code-snapshot.js';

/** A declared pattern that cannot be used: no file matches it (or it is not a valid glob). */
export class DeclaredCodeError extends Error {}

export interface DeclaredCode {
  /** SHA-256 of the matched files' sorted paths, sizes and content digests. */
  readonly digest: string;
  /** The matched files, sorted. */
  readonly files: readonly string[];
}

/**
 * The files of `snapshotDir` that `patterns` match, and their digest. Throws a
 * {@link DeclaredCodeError} naming each pattern that matches nothing.
 */
export async function declaredCode(snapshotDir: string, patterns: readonly string[]): Promise<DeclaredCode> {
  const all = await listFiles(snapshotDir);
  const matched = new Set<string>();
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    let isMatch: (path: string) => boolean;
    try {
      isMatch = picomatch(pattern.replace(/^(?:\.\/)+/, '').replace(/\/+$/, ''), { dot: true });
    } catch (e) {
      throw new DeclaredCodeError(`declared code '${pattern}' is not a valid glob: ${e instanceof Error ? e.message : String(e)}`);
    }
    let found = false;
    for (const file of all) {
      // (A picomatch matcher takes a second argument: never pass it as a callback directly.)
      if (isMatch(file) || ancestors(file).some((dir) => isMatch(dir))) {
        matched.add(file);
        found = true;
      }
    }
    if (!found) unmatched.push(pattern);
  }
  if (unmatched.length > 0) {
    const names = unmatched.map((p) => `'${p}'`).join(', ');
    throw new DeclaredCodeError(
      `declared code ${names} ${unmatched.length === 1 ? 'matches' : 'match'} no file in the code directory's snapshot`,
    );
  }
  const files = [...matched].sort(byCodePoint);
  const hash = createHash('sha256');
  for (const file of files) {
    const abs = join(snapshotDir, file);
    hash.update(`${file}\u0000${(await stat(abs)).size}\u0000${await fileDigest(abs)}\n`);
  }
  return { digest: hash.digest('hex'), files };
}

/** `a/b/c.py` → `['a', 'a/b']`. */
function ancestors(file: string): string[] {
  const parts = file.split('/');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}

/** Every regular file below `dir`, as `/`-separated relative paths (none when it does not exist). */
async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (e) {
      if (rel === '' && (e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const entry of entries) {
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) await walk(join(abs, entry.name), childRel);
      else if (entry.isFile()) files.push(childRel);
    }
  };
  await walk(dir, '');
  return files;
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

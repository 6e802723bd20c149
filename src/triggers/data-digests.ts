import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { artifactStorePath } from '../core/artifact-paths/artifact-uri.js';
import type { ArtifactStore } from '../core/ports/artifact-store.js';

/** At most this many files are digested per watched path (a guard against watching `/`). */
export const MAX_WATCHED_FILES = 10_000;

/**
 * The SHA-256 of every file a data trigger watches, by path: a file, every file under a
 * directory, or every file a glob matches. Local paths are resolved against `cwd`;
 * `mlflow-artifacts:/…` paths are read through the artifact store. Keys are the paths as
 * the pipeline would name them (absolute local paths; `mlflow-artifacts:/…` URIs). A path
 * that does not exist yet gives no entries.
 */
export async function dataDigests(watched: string, deps: { readonly artifacts: ArtifactStore; readonly cwd: string }): Promise<Record<string, string>> {
  const scan = picomatch.scan(watched);
  const glob = scan.isGlob ? picomatch(scan.glob, { dot: true }) : undefined;
  const entries = watched.startsWith('mlflow-artifacts:')
    ? await artifactFiles(deps.artifacts, artifactStorePath(scan.isGlob ? scan.base : watched), glob)
    : await localFiles(resolve(deps.cwd, scan.isGlob ? scan.base : watched), glob);
  const digests: Record<string, string> = {};
  for (const entry of entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    digests[entry.key] = await entry.digest();
  }
  return digests;
}

interface WatchedFile {
  readonly key: string;
  digest(): Promise<string>;
}

async function localFiles(base: string, glob: ((path: string) => boolean) | undefined): Promise<WatchedFile[]> {
  const info = await stat(base).catch(() => undefined);
  if (info === undefined) return [];
  const file = (path: string): WatchedFile => ({ key: path, digest: () => sha256Stream(createReadStream(path)) });
  if (info.isFile()) return glob === undefined ? [file(base)] : [];
  const out: WatchedFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (out.length >= MAX_WATCHED_FILES) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && (glob === undefined || glob(relative(base, path).split(sep).join('/')))) out.push(file(path));
    }
  };
  await walk(base);
  return out;
}

async function artifactFiles(store: ArtifactStore, base: string, glob: ((path: string) => boolean) | undefined): Promise<WatchedFile[]> {
  const info = await store.stat(base);
  if (info === undefined) return [];
  const file = (path: string): WatchedFile => ({
    key: `mlflow-artifacts:/${path}`,
    digest: async () => sha256Stream((await store.get(path)).stream),
  });
  if (!info.isDir) return glob === undefined ? [file(base)] : [];
  const out: WatchedFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await store.list(dir)) {
      if (out.length >= MAX_WATCHED_FILES) return;
      if (entry.isDir) await walk(entry.path);
      else if (glob === undefined || glob(base === '' ? entry.path : entry.path.slice(base.length + 1))) out.push(file(entry.path));
    }
  };
  await walk(base);
  return out;
}

async function sha256Stream(stream: AsyncIterable<Buffer | string>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}

/** Paths added, changed or removed between two digest maps, sorted. */
export function changedPaths(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): string[] {
  const paths = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...paths].filter((p) => before[p] !== after[p]).sort();
}

/** One digest for a whole digest map (to tell sets apart). */
export function digestSetHash(digests: Readonly<Record<string, string>>): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(digests).sort()) hash.update(`${key}\0${digests[key]}\n`);
  return hash.digest('hex');
}

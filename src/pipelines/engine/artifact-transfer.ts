/**
 * Declared file and directory outputs to and from the artifact store: uploaded under the
 * step run's artifact root when the step ends, downloaded into a downstream attempt's
 * workspace as local paths.
 * @module
 */

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { artifactStorePath, joinArtifactPath } from '../../core/artifact-paths/artifact-uri.js';
import type { ArtifactStore } from '../../core/ports/artifact-store.js';
import { fileDigest } from './code-snapshot.js';

export interface UploadedArtifact {
  /** `mlflow-artifacts:/<path>` of the file, or of the directory. */
  readonly uri: string;
  readonly digest: string;
}

/**
 * Uploads a file to `<root>/<name>/<file name>` or a directory's files below `<root>/<name>/`.
 * The digest covers relative paths and contents (a directory's files in sorted order).
 */
export async function uploadOutput(
  artifacts: ArtifactStore,
  localPath: string,
  kind: 'file' | 'dir',
  rootUri: string,
  name: string,
): Promise<UploadedArtifact> {
  const base = joinArtifactPath(artifactStorePath(rootUri), name);
  if (kind === 'file') {
    const target = joinArtifactPath(base, basename(localPath));
    await artifacts.put(target, createReadStream(localPath));
    return { uri: `mlflow-artifacts:/${target}`, digest: await fileDigest(localPath) };
  }
  const files = await listFiles(localPath);
  const hash = createHash('sha256');
  for (const rel of files) {
    const abs = join(localPath, ...rel.split('/'));
    await artifacts.put(joinArtifactPath(base, rel), createReadStream(abs));
    hash.update(`${rel}\u0000${await fileDigest(abs)}\n`);
  }
  return { uri: `mlflow-artifacts:/${base}`, digest: hash.digest('hex') };
}

/** Downloads an uploaded output to `target` (a file path, or a directory for `dir`). */
export async function downloadArtifact(artifacts: ArtifactStore, uri: string, kind: 'file' | 'dir', target: string): Promise<void> {
  const path = artifactStorePath(uri);
  if (kind === 'file') {
    await mkdir(join(target, '..'), { recursive: true });
    const { stream } = await artifacts.get(path);
    await pipeline(stream, createWriteStream(target));
    return;
  }
  await mkdir(target, { recursive: true });
  for (const info of await artifacts.list(path)) {
    const name = info.path.split('/').pop() ?? '';
    if (info.isDir) await downloadArtifact(artifacts, `mlflow-artifacts:/${info.path}`, 'dir', join(target, name));
    else await downloadArtifact(artifacts, `mlflow-artifacts:/${info.path}`, 'file', join(target, name));
  }
}

/** The local name a downloaded file output gets: the uploaded file's name. */
export function artifactFileName(uri: string): string {
  return uri.split('/').pop() ?? 'artifact';
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const abs = join(d, entry.name);
      if (entry.isDirectory()) await walk(abs);
      else if (entry.isFile()) out.push(relative(dir, abs).split(sep).join('/'));
    }
  };
  await walk(dir);
  return out.sort();
}

/** What a declared output path holds: 'file', 'dir' or nothing. */
export async function pathKind(path: string): Promise<'file' | 'dir' | undefined> {
  const st = await stat(path).catch(() => undefined);
  if (st === undefined) return undefined;
  return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
}

import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import type { Dirent, Stats } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join, resolve as resolvePath, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { normalizeArtifactPath } from '../core/artifact-paths/normalize-artifact-path.js';
import type { FileInfo } from '../core/entities/file-info.js';
import { isSlipwayError, SlipwayError } from '../core/errors/slipway-error.js';
import type { ArtifactStore } from '../core/ports/artifact-store.js';

/** Hidden directory inside the root that holds uploads in flight (same filesystem as the targets). */
const TMP_DIR = '.slipway-tmp';

/** `O_NOFOLLOW` where the platform has it (not on Windows). */
const O_NOFOLLOW: number = (fsConstants as Partial<typeof fsConstants>).O_NOFOLLOW ?? 0;

/** Where a normalised artifact path lands on disk. */
interface ResolvedPath {
  /** The normalised artifact path (`""` = root). */
  readonly rel: string;
  /**
   * The directory entry the path names: its parent's canonical path joined with the last
   * segment (so a symlink at the last segment is the link itself). The root for `""`.
   */
  readonly entry: string;
  /** The entry's realpath, when it exists; always inside the root. */
  readonly real: string | undefined;
  /** The parent directory; undefined for the root. */
  readonly parent: ParentDir | undefined;
}

/** A parent directory as found at resolution time. */
interface ParentDir {
  /** Realpath of the deepest existing ancestor (inside the root). */
  readonly anchor: string;
  /** Segments below `anchor` that did not exist yet. */
  readonly missing: readonly string[];
}

/**
 * An {@link ArtifactStore} on the local filesystem, rooted at one directory.
 *
 * Every path goes through {@link normalizeArtifactPath}, then through symlink confinement:
 * the realpath of the deepest existing ancestor of the target (and of the target itself,
 * when it exists) must lie inside the root's realpath, or the call fails with
 * INVALID_PARAMETER_VALUE before anything is opened, created or deleted.
 *
 * Uploads stream into a temp file under the hidden `.slipway-tmp` directory of the root,
 * are fsynced and then renamed over the target, so readers see the old or the whole new
 * content; parent directories are only created once the body has been fully received.
 * `.slipway-tmp` never appears in listings and cannot be addressed.
 */
export class LocalArtifactStore implements ArtifactStore {
  /** The root directory, as given (made absolute). */
  readonly root: string;
  private rootRealpath: Promise<string> | undefined;

  /**
   * @param root An existing directory. Prefer {@link LocalArtifactStore.open}, which creates
   *   it if missing.
   */
  constructor(root: string) {
    this.root = resolvePath(root);
  }

  /** Creates `root` (with parents) if missing and opens a store on its realpath. */
  static async open(root: string): Promise<LocalArtifactStore> {
    await mkdir(root, { recursive: true });
    return new LocalArtifactStore(await realpath(root));
  }

  async put(path: string, body: Readable | Uint8Array): Promise<number> {
    // Fail fast, before consuming the body, on targets that can never be written.
    await this.resolveWritable(path);

    const tmpDir = await this.ensureTmpDir();
    const tmp = join(tmpDir, `${randomUUID()}.part`);
    try {
      const size = await writeDurably(tmp, body);
      // The tree may have changed while the body streamed in: resolve again.
      const target = await this.resolveWritable(path);
      await this.ensureParentDir(target.parent, path);
      try {
        await rename(tmp, target.entry);
      } catch (e) {
        throw mapWriteError(e, path);
      }
      return size;
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
  }

  async get(path: string): Promise<{ stream: Readable; size: number }> {
    const target = await this.resolve(path);
    const notFound = (): SlipwayError => SlipwayError.notFound(`Artifact ${JSON.stringify(target.rel)} does not exist`);
    if (target.real === undefined) throw notFound();
    const st = await statIfExists(target.real);
    if (st === undefined) throw notFound();
    assertRegularFile(st, target.rel);

    let fh: FileHandle;
    try {
      // The realpath has no symlinks; O_NOFOLLOW refuses one swapped in since.
      fh = await open(target.real, fsConstants.O_RDONLY | O_NOFOLLOW);
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'ENOENT' || code === 'ENOTDIR') throw notFound();
      if (code === 'ELOOP') throw invalidPath(path, 'it resolves through a symlink');
      throw e;
    }
    try {
      const opened = await fh.stat();
      assertRegularFile(opened, target.rel);
      return { stream: fh.createReadStream(), size: opened.size };
    } catch (e) {
      await fh.close().catch(() => undefined);
      throw e;
    }
  }

  async list(path: string): Promise<FileInfo[]> {
    const target = await this.resolve(path);
    if (target.real === undefined) return [];
    let dirents: Dirent[];
    try {
      dirents = await readdir(target.real, { withFileTypes: true });
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'ENOTDIR' || code === 'ENOENT') return [];
      throw e;
    }
    const root = await this.realRoot();
    const dir = target.real;
    const infos = await Promise.all(dirents.map((d) => this.describeChild(root, dir, target.rel, d)));
    return infos.filter((i): i is FileInfo => i !== undefined).sort(byPath);
  }

  async stat(path: string): Promise<FileInfo | undefined> {
    const target = await this.resolve(path);
    if (target.real === undefined) return undefined;
    const st = await statIfExists(target.real);
    return st === undefined ? undefined : toFileInfo(target.rel, st);
  }

  async delete(path: string): Promise<void> {
    const target = await this.resolve(path);
    if (target.parent === undefined) throw invalidPath(path, 'the artifact root cannot be deleted');
    const notFound = SlipwayError.notFound(`Artifact ${JSON.stringify(target.rel)} does not exist`);
    if (target.real === undefined) throw notFound;
    try {
      // `entry`, not `real`: a symlink (pointing inside the root) is unlinked, not followed.
      await rm(target.entry, { recursive: true });
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') throw notFound;
      throw e;
    }
  }

  /** The root's realpath, computed once. */
  private realRoot(): Promise<string> {
    this.rootRealpath ??= realpath(this.root).catch((e: unknown) => {
      this.rootRealpath = undefined;
      throw e;
    });
    return this.rootRealpath;
  }

  /** Normalises `path` and maps it onto the disk, enforcing confinement. */
  private async resolve(path: string): Promise<ResolvedPath> {
    const rel = normalizeArtifactPath(path);
    const segments = rel === '' ? [] : rel.split('/');
    if (segments[0] === TMP_DIR) throw invalidPath(path, `"${TMP_DIR}" is reserved`);
    const root = await this.realRoot();
    const name = segments.at(-1);
    if (name === undefined) return { rel, entry: root, real: root, parent: undefined };

    const parentSegments = segments.slice(0, -1);
    let parent: ParentDir | undefined;
    for (let i = parentSegments.length; i >= 0 && parent === undefined; i--) {
      const anchor = await realpathIfExists(join(root, ...parentSegments.slice(0, i)), path);
      if (anchor === undefined) continue;
      assertConfined(root, anchor, path);
      parent = { anchor, missing: parentSegments.slice(i) };
    }
    if (parent === undefined) throw new Error(`Artifact root ${root} no longer exists`);

    const entry = join(parent.anchor, ...parent.missing, name);
    const real = await realpathIfExists(entry, path);
    if (real !== undefined) assertConfined(root, real, path);
    if (isInTmp(root, entry) || (real !== undefined && isInTmp(root, real))) {
      throw invalidPath(path, `"${TMP_DIR}" is reserved`);
    }
    return { rel, entry, real, parent };
  }

  /** Resolves a `put` target: not the root, not a directory, under no file. */
  private async resolveWritable(path: string): Promise<ResolvedPath & { parent: ParentDir }> {
    const target = await this.resolve(path);
    const { parent } = target;
    if (parent === undefined) throw invalidPath(path, 'the artifact root is a directory');
    if (target.real !== undefined && (await statIfExists(target.real))?.isDirectory() === true) {
      throw invalidPath(path, 'it is an existing directory');
    }
    const anchor = await statIfExists(parent.anchor);
    if (anchor !== undefined && !anchor.isDirectory()) throw invalidPath(path, 'a parent is a file');
    return { ...target, parent };
  }

  /** Creates the missing parent directories one by one, never through a symlink. */
  private async ensureParentDir(parent: ParentDir, path: string): Promise<void> {
    let dir = parent.anchor;
    for (const segment of parent.missing) {
      dir = join(dir, segment);
      try {
        await mkdir(dir);
      } catch (e) {
        const code = errnoCode(e);
        if (code === 'EEXIST') {
          // lstat: a symlink that appeared here is not a directory to write through.
          if ((await lstat(dir)).isDirectory()) continue;
          throw invalidPath(path, 'a parent is not a directory');
        }
        throw mapWriteError(e, path);
      }
    }
  }

  /** Creates `<root>/.slipway-tmp` if needed and returns it. */
  private async ensureTmpDir(): Promise<string> {
    const dir = join(await this.realRoot(), TMP_DIR);
    try {
      await mkdir(dir);
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST') throw e;
      if (!(await lstat(dir)).isDirectory()) throw new Error(`${dir} exists and is not a directory`);
    }
    return dir;
  }

  /** Describes one directory entry for `list`; undefined to leave it out. */
  private async describeChild(root: string, dir: string, rel: string, d: Dirent): Promise<FileInfo | undefined> {
    if (dir === root && d.name === TMP_DIR) return undefined;
    const childRel = rel === '' ? d.name : `${rel}/${d.name}`;
    if (!isAddressable(childRel)) return undefined;
    const full = join(dir, d.name);
    try {
      if (d.isSymbolicLink()) {
        const real = await realpathIfExists(full, childRel);
        if (real === undefined || !isConfined(root, real) || isInTmp(root, real)) return undefined;
        const st = await statIfExists(real);
        return st === undefined ? undefined : toFileInfo(childRel, st);
      }
      if (d.isDirectory()) return { path: childRel, isDir: true };
      if (!d.isFile()) return undefined;
      const st = await statIfExists(full);
      return st === undefined ? undefined : toFileInfo(childRel, st);
    } catch (e) {
      if (isSlipwayError(e)) return undefined;
      throw e;
    }
  }
}

/** Streams `body` into a new file at `tmp` and fsyncs it. Returns the bytes written. */
async function writeDurably(tmp: string, body: Readable | Uint8Array): Promise<number> {
  const fh = await open(tmp, 'wx', 0o644);
  try {
    let size = 0;
    if (body instanceof Uint8Array) {
      await writeAll(fh, body);
      size = body.byteLength;
    } else {
      // Async iteration applies backpressure, and rejects if the source errors or is
      // destroyed before its end (ERR_STREAM_PREMATURE_CLOSE).
      for await (const chunk of body as AsyncIterable<unknown>) {
        const bytes = toBytes(chunk);
        await writeAll(fh, bytes);
        size += bytes.byteLength;
      }
    }
    await fh.sync();
    return size;
  } finally {
    await fh.close();
  }
}

async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await fh.write(bytes, offset, bytes.byteLength - offset);
    if (bytesWritten <= 0) throw new Error('Short write to artifact temp file');
    offset += bytesWritten;
  }
}

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new TypeError('Artifact body streams must yield bytes or strings');
}

function byPath(a: FileInfo, b: FileInfo): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function toFileInfo(path: string, st: Stats): FileInfo | undefined {
  if (st.isDirectory()) return { path, isDir: true };
  if (st.isFile()) return { path, isDir: false, fileSize: st.size };
  return undefined;
}

function assertRegularFile(st: Stats, rel: string): void {
  if (st.isDirectory()) throw SlipwayError.invalidParameter(`Artifact ${JSON.stringify(rel)} is a directory`);
  if (!st.isFile()) throw SlipwayError.invalidParameter(`Artifact ${JSON.stringify(rel)} is not a regular file`);
}

/** True when `childRel` survives normalisation unchanged (list only what can be addressed). */
function isAddressable(childRel: string): boolean {
  try {
    return normalizeArtifactPath(childRel) === childRel;
  } catch {
    return false;
  }
}

function isConfined(root: string, real: string): boolean {
  const prefix = root.endsWith(sep) ? root : root + sep;
  return real === root || real.startsWith(prefix);
}

function assertConfined(root: string, real: string, path: string): void {
  if (!isConfined(root, real)) throw invalidPath(path, 'it resolves outside the artifact root');
}

function isInTmp(root: string, p: string): boolean {
  const tmp = join(root, TMP_DIR);
  return p === tmp || p.startsWith(tmp + sep);
}

function invalidPath(path: string, why: string): SlipwayError {
  return SlipwayError.invalidParameter(`Invalid artifact path ${JSON.stringify(path)}: ${why}`);
}

/** Realpath of `p`, or undefined when nothing is there. */
async function realpathIfExists(p: string, path: string): Promise<string | undefined> {
  try {
    return await realpath(p);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ELOOP') throw invalidPath(path, 'too many levels of symbolic links');
    if (code === 'ENAMETOOLONG') throw invalidPath(path, 'it is too long');
    throw e;
  }
}

async function statIfExists(p: string): Promise<Stats | undefined> {
  try {
    return await stat(p);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** Maps the errors a rename or mkdir can meet when the tree changed under it. */
function mapWriteError(e: unknown, path: string): unknown {
  switch (errnoCode(e)) {
    case 'EISDIR':
    case 'ENOTEMPTY':
    case 'EEXIST':
      return invalidPath(path, 'it is an existing directory');
    case 'ENOTDIR':
      return invalidPath(path, 'a parent is not a directory');
    case 'ENAMETOOLONG':
      return invalidPath(path, 'it is too long');
    default:
      return e;
  }
}

function errnoCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

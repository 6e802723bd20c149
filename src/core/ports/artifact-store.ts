import type { Readable } from 'node:stream';
import type { FileInfo } from '../entities/file-info.js';

/**
 * The artifact store port: a tree of files addressed by relative POSIX paths
 * (`"1/abc/artifacts/model/MLmodel"`).
 *
 * Implementer's notes — every adapter must keep these invariants (checked by
 * `test/contract/artifact-store.contract.ts`):
 * - Every path is normalised and confined to the store's root. `..` segments, absolute
 *   paths, NUL bytes, backslashes and (for disk stores) symlinks leading out of the root
 *   are refused with INVALID_PARAMETER_VALUE before anything is touched.
 * - `put` is atomic: readers see the old content or the whole new content, never a part;
 *   a failed or aborted upload leaves nothing behind.
 * - `get` streams; it never buffers a whole file in memory.
 * - A missing file → RESOURCE_DOES_NOT_EXIST.
 */
export interface ArtifactStore {
  /** Writes `body` to `path`, replacing any file there. Returns the bytes written. */
  put(path: string, body: Readable | Uint8Array): Promise<number>;
  /** Opens `path` for reading. */
  get(path: string): Promise<{ stream: Readable; size: number }>;
  /**
   * Lists the direct children of directory `path` ("" = root), sorted by path. Entry
   * paths are relative to the store's root (`"<path>/<name>"`). A missing directory or
   * a file → an empty list.
   */
  list(path: string): Promise<FileInfo[]>;
  /** Stats one path; undefined when nothing is there. */
  stat(path: string): Promise<FileInfo | undefined>;
  /** Deletes a file or a whole directory. A missing path → RESOURCE_DOES_NOT_EXIST. */
  delete(path: string): Promise<void>;
}

/** One entry of an artifact listing. `path` is relative to the artifact root. */
export interface FileInfo {
  readonly path: string;
  readonly isDir: boolean;
  /** Size in bytes; absent for directories. */
  readonly fileSize?: number | undefined;
}

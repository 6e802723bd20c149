import { SlipwayError } from '../errors/slipway-error.js';

/**
 * Percent-encoded sequences that must not survive the single URL decode callers apply:
 * an encoded dot pair, slash, backslash or NUL would turn into a traversal (or a
 * truncation) if anything downstream decoded the path once more.
 */
const ENCODED_TRAVERSAL = /%2e%2e|%2f|%5c|%00/i;

/** A Windows drive prefix (`C:`, `c:foo`), which is absolute or drive-relative. */
const DRIVE_PREFIX = /^[A-Za-z]:/;

/** An encoded dot (`%2e`) anywhere in a segment. */
const ENCODED_DOT = /%2e/gi;

/**
 * Normalises an artifact path into the canonical form every artifact adapter works with:
 * a relative POSIX path without `.` segments, duplicate slashes or a trailing slash
 * (`"a//./b/"` → `"a/b"`); `""` (or `"."`) is the root.
 *
 * Callers pass paths that have already been URL-decoded once. Anything that could name
 * a location outside the store's root is refused with INVALID_PARAMETER_VALUE before
 * any adapter touches storage: `..` segments, absolute paths (`/x`, `C:\x`, `C:x`,
 * `\\server`), backslashes, NUL and other control characters, and percent-encoded
 * traversal that survived the first decode (`%2e%2e`, `%2f`, `%5c`, `%00`, and a
 * segment such as `.%2e` that would decode to `..`).
 *
 * Pure: no filesystem access. Symlink confinement is each disk adapter's own job.
 *
 * @throws SlipwayError INVALID_PARAMETER_VALUE naming the offending path.
 */
export function normalizeArtifactPath(path: string): string {
  const reject = (why: string): never => {
    throw SlipwayError.invalidParameter(`Invalid artifact path ${JSON.stringify(path)}: ${why}`);
  };

  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 0) reject('it contains a NUL byte');
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) reject('it contains a control character');
  }
  if (path.includes('\\')) reject('backslashes are not allowed');
  if (path.startsWith('/')) reject('absolute paths are not allowed');
  if (DRIVE_PREFIX.test(path)) reject('absolute paths are not allowed');
  if (ENCODED_TRAVERSAL.test(path)) reject('it contains percent-encoded traversal');

  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') reject('".." segments are not allowed');
    if (segment.replace(ENCODED_DOT, '.') === '..') reject('it contains percent-encoded traversal');
    segments.push(segment);
  }
  return segments.join('/');
}

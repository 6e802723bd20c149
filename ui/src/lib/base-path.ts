/**
 * The path the app is served under, from the `<base href>` the server writes into
 * `index.html` (`/slipway/` → `/slipway`; `/` → `''`). Routes, links and API calls are
 * relative to it, so the UI works behind a path prefix.
 * @module
 */

export function basePathOf(baseUri: string): string {
  return new URL(baseUri).pathname.replace(/\/+$/, '');
}

/** The base of this page ('' when served at the root, or outside a browser). */
export function basePath(): string {
  return typeof document === 'undefined' ? '' : basePathOf(document.baseURI);
}

/** An app path (`/runs/1`) as a URL path under the base (`/slipway/runs/1`). */
export function withBase(path: string, base: string = basePath()): string {
  return `${base}${path}`;
}

/** A location's path without the base (`/slipway/runs/1` → `/runs/1`); as it is when outside the base. */
export function withoutBase(pathname: string, base: string = basePath()): string {
  if (base === '' || !pathname.startsWith(base)) return pathname;
  const rest = pathname.slice(base.length);
  return rest === '' ? '/' : rest.startsWith('/') ? rest : pathname;
}

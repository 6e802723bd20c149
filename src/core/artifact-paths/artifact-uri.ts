import { SlipwayError } from '../errors/slipway-error.js';

/**
 * The artifact-store path behind an artifact URI the server handed out, for URIs the
 * server proxies: `mlflow-artifacts:/<path>`, `mlflow-artifacts://<host>/<path>` and
 * `http(s)://<host>/api/2.0/mlflow-artifacts/artifacts/<path>`. Other URIs (a client-side
 * `file:` or `s3:` location chosen at experiment creation) are not served through this
 * server → INVALID_PARAMETER_VALUE.
 */
export function artifactStorePath(uri: string): string {
  let rest: string | undefined;
  if (uri.startsWith('mlflow-artifacts://')) {
    const afterHost = uri.slice('mlflow-artifacts://'.length);
    rest = afterHost.slice(afterHost.indexOf('/') === -1 ? afterHost.length : afterHost.indexOf('/'));
  } else if (uri.startsWith('mlflow-artifacts:')) {
    rest = uri.slice('mlflow-artifacts:'.length);
  } else if (/^https?:\/\//.test(uri)) {
    const marker = '/api/2.0/mlflow-artifacts/artifacts';
    const at = new URL(uri).pathname.indexOf(marker);
    if (at !== -1) rest = decodeURIComponent(new URL(uri).pathname.slice(at + marker.length));
  }
  if (rest === undefined) {
    throw SlipwayError.invalidParameter(
      `Artifacts at '${uri}' are not stored through this server; read them from that location directly.`,
    );
  }
  return rest.replace(/^\/+/, '').replace(/\/+$/, '');
}

/** Joins artifact path segments, skipping empty ones. */
export function joinArtifactPath(...parts: readonly (string | undefined)[]): string {
  return parts
    .filter((p): p is string => p !== undefined && p !== '')
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p !== '')
    .join('/');
}

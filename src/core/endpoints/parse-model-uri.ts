import { SlipwayError } from '../errors/slipway-error.js';
import { parseVersion, validateAlias, validateModelName } from '../registry/registry-validation.js';

/** A registry model URI an endpoint variant may serve. */
export type ModelUriRef =
  | { readonly kind: 'version'; readonly name: string; readonly version: string }
  | { readonly kind: 'alias'; readonly name: string; readonly alias: string };

const VERSION_URI = /^models:\/(.+)\/([^/]+)$/;
const ALIAS_URI = /^models:\/([^/]+)@([^/@]+)$/;

/**
 * `models:/<name>/<version>` or `models:/<name>@<alias>`; anything else (a run URI, a
 * logged model id, a local path) → INVALID_PARAMETER_VALUE naming `field`. A registered
 * model name has no `/`, so the last `/` or `@` separates it from the version or alias.
 */
export function parseModelUri(uri: string, field: string): ModelUriRef {
  const text = uri.trim();
  const invalid = (why: string) =>
    SlipwayError.invalidParameter(`Invalid value '${uri}' for parameter '${field}': ${why}`);
  if (text === '') throw SlipwayError.invalidParameter(`Missing value for required parameter '${field}'.`);
  let m = ALIAS_URI.exec(text);
  if (m !== null) {
    const [, name, alias] = m as unknown as [string, string, string];
    restate(field, uri, () => validateModelName(name));
    restate(field, uri, () => validateAlias(alias));
    return { kind: 'alias', name, alias };
  }
  m = VERSION_URI.exec(text);
  if (m !== null) {
    const [, name, version] = m as unknown as [string, string, string];
    if (name.includes('/')) throw invalid('a registered model name cannot contain \'/\'.');
    restate(field, uri, () => validateModelName(name));
    return { kind: 'version', name, version: String(restate(field, uri, () => parseVersion(version))) };
  }
  throw invalid('an endpoint serves a registered model version: use models:/<name>/<version> or models:/<name>@<alias>.');
}

/** Runs a registry check, restating its error as one about the URI field. */
function restate<T>(field: string, uri: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw SlipwayError.invalidParameter(`Invalid value '${uri}' for parameter '${field}': ${why}`);
  }
}

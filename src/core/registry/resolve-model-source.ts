import { artifactStorePath } from '../artifact-paths/artifact-uri.js';
import { normalizeArtifactPath } from '../artifact-paths/normalize-artifact-path.js';
import { isSlipwayError, SlipwayError } from '../errors/slipway-error.js';
import type { RegistryStore } from '../ports/registry-store.js';
import type { TrackingStore } from '../ports/tracking-store.js';
import { parseVersion } from './registry-validation.js';

/** Where a version's files are, and what it came from. */
export interface ResolvedSource {
  /** A `mlflow-artifacts:/<path>` URI inside the artifact store. */
  readonly storageLocation: string;
  readonly runId?: string | undefined;
  readonly modelId?: string | undefined;
}

const LOGGED_MODEL = /^models:\/(m-[0-9a-f]{32})\/?$/;
const REGISTRY_VERSION = /^models:\/([^/@]+)\/([0-9]+)\/?$/;
const REGISTRY_ALIAS = /^models:\/([^/@]+)@([\w-]+)\/?$/;
const RUN_ARTIFACT = /^runs:\/([A-Za-z0-9][\w-]{0,255})(?:\/(.*))?$/;

/**
 * Resolves a model version's `source` to a location inside the artifact store, the only
 * place the registry serves files from:
 * - `models:/m-…` (what the 3.x client sends): the logged model's artifacts;
 * - `models:/<name>/<version>`, `models:/<name>@<alias>`: that version's files;
 * - `runs:/<run id>/<path>`: below the run's artifact root;
 * - `mlflow-artifacts:/<path>`: as is, once normalised.
 * Anything else — a local path, a `file:` URI, another host — is refused and never read.
 */
export async function resolveModelSource(
  source: string,
  stores: { readonly tracking: TrackingStore; readonly registry: RegistryStore },
): Promise<ResolvedSource> {
  const trimmed = source.trim();
  let m: RegExpExecArray | null;
  if ((m = LOGGED_MODEL.exec(trimmed)) !== null) {
    const model = await stores.tracking.getLoggedModel(m[1]!).catch(notFoundAsInvalid(source));
    return { storageLocation: proxied(model.artifactLocation, source), runId: model.sourceRunId, modelId: model.modelId };
  }
  if ((m = REGISTRY_VERSION.exec(trimmed)) !== null) {
    const mv = await stores.registry.getModelVersion(m[1]!, parseVersion(m[2]!)).catch(notFoundAsInvalid(source));
    return { storageLocation: mv.storageLocation, runId: mv.runId, modelId: mv.modelId };
  }
  if ((m = REGISTRY_ALIAS.exec(trimmed)) !== null) {
    const mv = await stores.registry.getVersionByAlias(m[1]!, m[2]!);
    return { storageLocation: mv.storageLocation, runId: mv.runId, modelId: mv.modelId };
  }
  if ((m = RUN_ARTIFACT.exec(trimmed)) !== null) {
    const run = await stores.tracking.getRun(m[1]!).catch(notFoundAsInvalid(source));
    const root = proxied(run.info.artifactUri, source);
    const sub = asSourceError(source, () => normalizeArtifactPath(m![2] ?? ''));
    return { storageLocation: sub === '' ? root : `${root}/${sub}`, runId: run.info.runId };
  }
  if (trimmed.startsWith('mlflow-artifacts:')) {
    return { storageLocation: proxied(trimmed, source) };
  }
  throw SlipwayError.invalidParameter(
    `Invalid value '${source}' for parameter 'source': register a runs:/, models:/ or mlflow-artifacts:/ URI. ` +
      'A local path, a file: URI or another host is outside the artifact store and is never read.',
  );
}

/** `mlflow-artifacts:/<normalised path>` for a URI the server proxies, else INVALID_PARAMETER_VALUE. */
function proxied(uri: string, source: string): string {
  return `mlflow-artifacts:/${asSourceError(source, () => normalizeArtifactPath(artifactStorePath(uri)))}`;
}

/** Runs `f`, restating a validation error as one about the `source` parameter. */
function asSourceError<T>(source: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isSlipwayError(e)) throw SlipwayError.invalidParameter(`Invalid value '${source}' for parameter 'source': ${e.message}`);
    throw e;
  }
}

function notFoundAsInvalid(source: string): (e: unknown) => never {
  return (e: unknown) => {
    if (isSlipwayError(e) && e.code === 'RESOURCE_DOES_NOT_EXIST') {
      throw SlipwayError.invalidParameter(`Invalid value '${source}' for parameter 'source': ${e.message}`);
    }
    throw e;
  };
}

import { stat } from 'node:fs/promises';
import path from 'node:path';
import { artifactStorePath } from '../../core/artifact-paths/artifact-uri.js';
import { normalizeArtifactPath } from '../../core/artifact-paths/normalize-artifact-path.js';
import { SlipwayError } from '../../core/errors/slipway-error.js';

/** What the resolver needs from the registry (RegistryService has it). */
export interface ModelVersionLookup {
  getModelVersion(name: string, version: string): Promise<{ readonly storageLocation: string }>;
}

/** Turns a pinned registry model version into the local directory holding its `MLmodel`. */
export type RegistryModelResolver = (name: string, version: string) => Promise<string>;

/**
 * On the main server a variant's model is already on this machine: its version's storage
 * location (`mlflow-artifacts:/…`) is a path in the local artifact store, so it is read in
 * place (no HTTP to the server itself, no copy). The path is confined to the store's root
 * by the same rules as every artifact path.
 */
export function registryModelResolver(registry: ModelVersionLookup, artifactsRoot: string): RegistryModelResolver {
  const root = path.resolve(artifactsRoot);
  return async (name, version) => {
    const modelVersion = await registry.getModelVersion(name, version);
    const relative = normalizeArtifactPath(artifactStorePath(modelVersion.storageLocation));
    const dir = path.resolve(root, ...relative.split('/'));
    if (dir !== root && !dir.startsWith(root + path.sep)) throw SlipwayError.invalidParameter(`Model '${name}' version ${version} is stored outside the artifact store.`);
    const found = await stat(path.join(dir, 'MLmodel')).then(
      (info) => info.isFile(),
      () => false,
    );
    if (!found) throw SlipwayError.notFound(`Model '${name}' version ${version} has no MLmodel file at ${modelVersion.storageLocation}.`);
    return dir;
  };
}

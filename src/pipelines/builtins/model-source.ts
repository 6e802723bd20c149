/**
 * The model a built-in step names (`model-uri`, or `model` with `version`), resolved through
 * this server's registry and tracking services — no HTTP round trip to itself.
 * @module
 */

import { artifactStorePath } from '../../core/artifact-paths/artifact-uri.js';
import { isSlipwayError } from '../../core/errors/slipway-error.js';
import { downloadArtifact } from '../engine/artifact-transfer.js';
import { BuiltinStepError, text, type BuiltinContext } from './builtin-context.js';

const REGISTRY_VERSION = /^models:\/([^/@]+)\/([1-9][0-9]*)\/?$/;
const REGISTRY_ALIAS = /^models:\/([^/@]+)@([\w-]+)\/?$/;
const RUN_ARTIFACT = /^runs:\/([A-Za-z0-9][\w-]*)\/(.+?)\/?$/;

/** `model-uri` as given, else `models:/<model>/<version>`. */
export function modelUriOf(context: BuiltinContext): string {
  const uri = text(context.inputs['model-uri']);
  if (uri !== undefined) return uri;
  const model = text(context.inputs.model);
  const version = text(context.inputs.version);
  if (model === undefined || version === undefined) throw new BuiltinStepError("name the model with 'model-uri', or 'model' and 'version'");
  return `models:/${model}/${version}`;
}

export interface ResolvedSource {
  /** The registered model and version, for registry URIs. */
  readonly name?: string | undefined;
  readonly version?: string | undefined;
  /** Where the model's files are (mlflow-artifacts:/…). */
  readonly storageLocation: string;
}

/** Finds where the model's files are; a model the registry does not know fails the step (class user). */
export async function resolveModelSource(context: BuiltinContext, uri: string): Promise<ResolvedSource> {
  try {
    let m = REGISTRY_VERSION.exec(uri);
    if (m !== null) {
      const version = await context.registry.getModelVersion(m[1]!, m[2]!);
      return { name: version.name, version: String(version.version), storageLocation: version.storageLocation };
    }
    m = REGISTRY_ALIAS.exec(uri);
    if (m !== null) {
      const version = await context.registry.getVersionByAlias(m[1]!, m[2]!);
      return { name: version.name, version: String(version.version), storageLocation: version.storageLocation };
    }
    m = RUN_ARTIFACT.exec(uri);
    if (m !== null) {
      const run = await context.tracking.getRun(m[1]!);
      return { storageLocation: `${run.info.artifactUri.replace(/\/+$/, '')}/${m[2]!}` };
    }
  } catch (e) {
    if (isSlipwayError(e)) throw new BuiltinStepError(`cannot find the model '${uri}': ${e.message}`);
    throw e;
  }
  throw new BuiltinStepError(`invalid model URI '${uri}' (expected models:/<name>/<version>, models:/<name>@<alias> or runs:/<run id>/<path>)`);
}

/** Downloads the model's files into `dir` from the artifact store. */
export async function downloadModel(context: BuiltinContext, source: ResolvedSource, dir: string): Promise<void> {
  let path: string;
  try {
    path = artifactStorePath(source.storageLocation);
  } catch (e) {
    if (isSlipwayError(e)) throw new BuiltinStepError(`the model's files are at '${source.storageLocation}', which this server does not store`);
    throw e;
  }
  await downloadArtifact(context.artifacts, `mlflow-artifacts:/${path}`, 'dir', dir);
}

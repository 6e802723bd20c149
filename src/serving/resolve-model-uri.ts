import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { SlipwayError } from '../core/errors/slipway-error.js';
import { HttpTransport, resolveClientConfig, type SlipwayClientOptions } from '../sdk/index.js';

/** A model located on the local disk, with the name and version OIP reports. */
export interface ResolvedModel {
  readonly dir: string;
  readonly name: string;
  readonly version: string | undefined;
  /** True when `dir` is a download of ours, to delete once the model is no longer served. */
  readonly downloaded: boolean;
}

const REGISTRY_VERSION = /^models:\/([^/@]+)\/([0-9]+)\/?$/;
const REGISTRY_ALIAS = /^models:\/([^/@]+)@([\w-]+)\/?$/;
const RUN_ARTIFACT = /^runs:\/([A-Za-z0-9][\w-]{0,255})(?:\/(.*))?$/;
const ARTIFACT_API = '/api/2.0/mlflow-artifacts/artifacts';

/**
 * Turns a model URI into a local directory holding an `MLmodel` file, as
 * `mlflow models serve -m` accepts them: a local path or `file:` URI is used in place;
 * `models:/<name>/<version>`, `models:/<name>@<alias>` and `runs:/<run>/<path>` are looked
 * up on the tracking server over MLflow's REST API and their files downloaded through the
 * artifact proxy (`/api/2.0/mlflow-artifacts/artifacts`) into `downloadDir`.
 */
export async function resolveModelUri(
  uri: string,
  options: { readonly client?: SlipwayClientOptions; readonly downloadDir?: string } = {},
): Promise<ResolvedModel> {
  if (!/^[a-z][\w+.-]*:/i.test(uri) || uri.startsWith('file:')) {
    const dir = path.resolve(uri.startsWith('file:') ? fileURLToPath(uri) : uri);
    await requireMlModel(dir, uri);
    return { dir, name: path.basename(dir), version: undefined, downloaded: false };
  }
  const config = resolveClientConfig({ userAgent: 'slipway-serve', ...options.client });
  const transport = new HttpTransport(config);
  let artifactUri: string;
  let name: string;
  let version: string | undefined;
  let m: RegExpExecArray | null;
  if ((m = REGISTRY_ALIAS.exec(uri)) !== null || (m = REGISTRY_VERSION.exec(uri)) !== null) {
    name = m[1]!;
    if (uri.includes('@')) {
      const found = await transport.request<{ model_version: { version: string } }>({
        method: 'GET',
        path: '/api/2.0/mlflow/registered-models/alias',
        query: { name, alias: m[2]! },
      });
      version = String(found.model_version.version);
    } else {
      version = m[2]!;
    }
    const download = await transport.request<{ artifact_uri: string }>({
      method: 'GET',
      path: '/api/2.0/mlflow/model-versions/get-download-uri',
      query: { name, version },
    });
    artifactUri = download.artifact_uri;
  } else if ((m = RUN_ARTIFACT.exec(uri)) !== null) {
    const run = await transport.request<{ run: { info: { artifact_uri: string } } }>({ method: 'GET', path: '/api/2.0/mlflow/runs/get', query: { run_id: m[1]! } });
    const sub = m[2] ?? '';
    artifactUri = sub === '' ? run.run.info.artifact_uri : `${run.run.info.artifact_uri.replace(/\/$/, '')}/${sub}`;
    name = path.posix.basename(sub) || m[1]!;
  } else {
    throw SlipwayError.invalidParameter(`Unsupported model URI '${uri}': use a local directory, models:/<name>/<version>, models:/<name>@<alias> or runs:/<run id>/<path>.`);
  }
  const remote = artifactPathOf(artifactUri);
  const dir = await mkdtemp(path.join(options.downloadDir ?? tmpdir(), 'slipway-model-'));
  try {
    await downloadTree(transport, config, remote, dir);
    await requireMlModel(dir, uri);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, name, version, downloaded: true };
}

/** The artifact-store path of a `mlflow-artifacts:/…` URI (with or without an authority). */
function artifactPathOf(artifactUri: string): string {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(artifactUri);
  if (m === null) {
    throw SlipwayError.invalidParameter(`The model's files are at '${artifactUri}', which is not served through the tracking server's artifact proxy (mlflow-artifacts:/).`);
  }
  return m[1]!.replace(/\/$/, '');
}

async function downloadTree(transport: HttpTransport, config: ReturnType<typeof resolveClientConfig>, remote: string, local: string): Promise<void> {
  const listing = await transport.request<{ files?: Array<{ path: string; is_dir?: boolean }> }>({ method: 'GET', path: ARTIFACT_API, query: { path: remote } });
  await mkdir(local, { recursive: true });
  for (const entry of listing.files ?? []) {
    const base = path.posix.basename(entry.path);
    if (base === '' || base === '.' || base === '..') continue;
    const child = `${remote}/${base}`;
    if (entry.is_dir === true) {
      await downloadTree(transport, config, child, path.join(local, base));
      continue;
    }
    const headers: Record<string, string> = { 'user-agent': config.userAgent };
    if (config.authorization !== undefined) headers.authorization = config.authorization;
    const url = `${config.baseUrl}${ARTIFACT_API}/${child.split('/').map(encodeURIComponent).join('/')}`;
    const response = await config.fetch(url, { headers, signal: AbortSignal.timeout(config.timeoutMs) });
    if (!response.ok || response.body === null) {
      throw SlipwayError.invalidParameter(`Downloading the model file '${child}' from ${config.baseUrl} failed with HTTP ${response.status}.`);
    }
    await pipeline(Readable.fromWeb(response.body), createWriteStream(path.join(local, base)));
  }
}

async function requireMlModel(dir: string, uri: string): Promise<void> {
  const found = await stat(path.join(dir, 'MLmodel')).then(
    (info) => info.isFile(),
    () => false,
  );
  if (!found) throw SlipwayError.notFound(`No MLmodel file found for '${uri}' (looked in ${dir}).`);
}

import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import mime from 'mime-types';
import type { FileInfo } from '../../core/entities/file-info.js';
import { ErrorCode } from '../../core/errors/error-code.js';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { ArtifactStore } from '../../core/ports/artifact-store.js';
import type { TrackingService } from '../../core/tracking/tracking-service.js';
import { artifactStorePath, joinArtifactPath } from '../../core/artifact-paths/artifact-uri.js';
import { MLFLOW_PREFIXES } from './mlflow-route.js';
import { wireFileInfo } from './wire-format.js';

const ARTIFACTS_PREFIX = '/api/2.0/mlflow-artifacts';

/**
 * The proxied artifact API (`/api/2.0/mlflow-artifacts/…`) that `mlflow-artifacts:` URIs
 * resolve to, plus the run and logged-model artifact views of the tracking API. Bodies of
 * uploads are streamed to the store, never buffered.
 */
export function registerArtifactRoutes(app: FastifyInstance, artifacts: ArtifactStore, tracking: TrackingService): void {
  void app.register((scope, _opts, done) => {
    // Artifact requests carry any content type (or none); uploads get the raw stream unread.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, next) => next(null, payload));

    scope.put(`${ARTIFACTS_PREFIX}/artifacts/*`, { schema: { hide: true } }, async (request: FastifyRequest) => {
      const path = wildcard(request);
      if (path === '') throw SlipwayError.invalidParameter('An upload needs a file path after /artifacts/.');
      await artifacts.put(path, request.raw);
      return {};
    });
    scope.get(`${ARTIFACTS_PREFIX}/artifacts`, { schema: { hide: true } }, async (request) => {
      const path = (request.query as { path?: string }).path ?? '';
      return listing(await artifacts.list(path));
    });
    scope.get(`${ARTIFACTS_PREFIX}/artifacts/*`, { schema: { hide: true } }, async (request, reply) => {
      const path = wildcard(request);
      if (path === '') return listing(await artifacts.list((request.query as { path?: string }).path ?? ''));
      return sendFile(reply, artifacts, path);
    });
    scope.delete(`${ARTIFACTS_PREFIX}/artifacts/*`, { schema: { hide: true } }, async (request) => {
      await artifacts.delete(wildcard(request));
      return {};
    });
    for (const op of ['create', 'complete', 'abort']) {
      scope.post(`${ARTIFACTS_PREFIX}/mpu/${op}/*`, { schema: { hide: true } }, () => {
        // The client matches this message and falls back to a single streamed PUT.
        throw new SlipwayError(ErrorCode.NOT_IMPLEMENTED, 'Multipart upload is not supported for the current artifact repository');
      });
    }
    done();
  });

  for (const prefix of MLFLOW_PREFIXES) {
    app.get(`${prefix}/artifacts/list`, { schema: { hide: true } }, async (request) => {
      const q = request.query as { run_id?: string; run_uuid?: string; path?: string };
      const runId = q.run_id || q.run_uuid;
      if (!runId) throw SlipwayError.invalidParameter("Missing value for required parameter 'run_id'.");
      const run = await tracking.getRun(runId);
      const root = artifactStorePath(run.info.artifactUri);
      const files = await artifacts.list(joinArtifactPath(root, q.path));
      return {
        root_uri: run.info.artifactUri,
        files: files.map((f) => wireFileInfo(f, posix.relative(root, f.path))),
      };
    });
    app.get(`${prefix}/logged-models/:model_id/artifacts/directories`, { schema: { hide: true } }, async (request) => {
      const { model_id } = request.params as { model_id: string };
      const model = await tracking.getLoggedModel(model_id);
      const root = artifactStorePath(model.artifactLocation);
      const sub = (request.query as { artifact_directory_path?: string }).artifact_directory_path;
      const files = await artifacts.list(joinArtifactPath(root, sub));
      return { root_uri: model.artifactLocation, files: files.map((f) => wireFileInfo(f, posix.relative(root, f.path))) };
    });
    app.get(`${prefix}/logged-models/:model_id/artifacts/files`, { schema: { hide: true } }, async (request, reply) => {
      const { model_id } = request.params as { model_id: string };
      const model = await tracking.getLoggedModel(model_id);
      const file = (request.query as { artifact_file_path?: string }).artifact_file_path;
      if (!file) throw SlipwayError.invalidParameter("Missing value for required parameter 'artifact_file_path'.");
      return sendFile(reply, artifacts, joinArtifactPath(artifactStorePath(model.artifactLocation), file));
    });
  }
  for (const url of ['/get-artifact', '/ajax-api/2.0/mlflow/get-artifact']) {
    app.get(url, { schema: { hide: true } }, async (request, reply) => {
      const q = request.query as { run_id?: string; run_uuid?: string; path?: string };
      const runId = q.run_id || q.run_uuid;
      if (!runId) throw SlipwayError.invalidParameter("Missing value for required parameter 'run_uuid'.");
      if (!q.path) throw SlipwayError.invalidParameter("Missing value for required parameter 'path'.");
      const run = await tracking.getRun(runId);
      return sendFile(reply, artifacts, joinArtifactPath(artifactStorePath(run.info.artifactUri), q.path));
    });
  }
}

/** The `*` of a wildcard route (already URL-decoded by the router). */
function wildcard(request: FastifyRequest): string {
  return (request.params as { '*': string })['*'];
}

/** MLflow's listing shape: entries named by basename, `is_dir` always present. */
function listing(files: readonly FileInfo[]): { files?: object[] } {
  if (files.length === 0) return {};
  return { files: files.map((f) => wireFileInfo(f, posix.basename(f.path))) };
}

async function sendFile(reply: FastifyReply, artifacts: ArtifactStore, path: string): Promise<FastifyReply> {
  const { stream, size }: { stream: Readable; size: number } = await artifacts.get(path);
  const name = posix.basename(path);
  return reply
    .header('Content-Type', mime.lookup(name) || 'application/octet-stream')
    .header('Content-Length', size)
    .header('Content-Disposition', `attachment; filename="${name.replace(/["\\\r\n]/g, '_')}"`)
    .header('X-Content-Type-Options', 'nosniff')
    .send(stream);
}

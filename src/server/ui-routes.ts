import { createReadStream, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import mime from 'mime-types';

/**
 * Where `npm run build` puts the web UI: `<package>/dist/ui`. The same relative path works
 * from the compiled server (`dist/server/`) and from its sources (`src/server/`).
 */
export function defaultUiRoot(): string {
  return fileURLToPath(new URL('../../dist/ui', import.meta.url));
}

/**
 * Paths that belong to APIs, never to the UI: an unknown one keeps answering the API's 404
 * envelope instead of the UI's `index.html`.
 */
const API_PATH = /^\/(api|ajax-api|v2|hooks|invocations|ping|health|version|metrics|get-artifact|model-versions\/get-artifact)(\/|$)/;

/** Content-hashed build output: the name changes with the content, so it may be cached forever. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the web UI built into `root`: `/assets/*` with a year of immutable caching,
 * other files of the build as they are, and `index.html` (never cached, so a new release
 * is picked up at once) for any other GET that is not an API path, so client routes like
 * `/runs/<id>` survive a reload. Register it after the API routes.
 *
 * `index.html` gets `<base href="<basePath>/">`: the build refers to its assets and the
 * app to the API relative to it, so the UI works under a path prefix (`--static-prefix`).
 *
 * Without a build (`root/index.html` missing), `/` says how to make one.
 */
export function registerUiRoutes(app: FastifyInstance, root: string = defaultUiRoot(), options: { basePath?: string } = {}): void {
  const uiRoot = resolve(root);
  const baseHref = `${options.basePath ?? ''}/`;
  const index = join(uiRoot, 'index.html');
  if (!existsSync(index)) {
    app.get('/', { schema: { hide: true } }, (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send('Slipway is running. The web UI is not built: run `npm run build` in the Slipway checkout, then restart the server.\n'),
    );
    return;
  }

  const serve = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const path = decodePath(request.url);
    if (path === undefined || API_PATH.test(path)) return notFound(reply);
    const file = path === '/' ? undefined : await fileUnder(uiRoot, path);
    if (file !== undefined) {
      reply.header('cache-control', path.startsWith('/assets/') ? IMMUTABLE : 'no-cache');
      return sendFile(reply, file.path, file.size);
    }
    // A missing asset or file-like path is a real 404; anything else is a client route.
    if (path.startsWith('/assets/') || extname(path) !== '') return notFound(reply);
    reply.header('cache-control', 'no-cache');
    return sendIndex(reply, index, baseHref);
  };
  app.get('/', { schema: { hide: true } }, serve);
  app.get('/*', { schema: { hide: true } }, serve);
}

/**
 * `url` without `prefix` (`/slipway/api/x` → `/api/x`, `/slipway` → `/`); other URLs as
 * they are, so the server answers both with and without the prefix.
 */
export function stripStaticPrefix(url: string, prefix: string): string {
  if (prefix === '' || !url.startsWith(prefix)) return url;
  const rest = url.slice(prefix.length);
  if (rest === '') return '/';
  if (rest.startsWith('/')) return rest;
  if (rest.startsWith('?')) return `/${rest}`;
  return url;
}

/** `index.html` with the base the app resolves its assets and API paths against. */
async function sendIndex(reply: FastifyReply, index: string, baseHref: string): Promise<FastifyReply> {
  const html = (await readFile(index, 'utf8')).replace(/<head>/i, `<head><base href="${baseHref.replace(/[<>"&]/g, '')}">`);
  return reply.type('text/html; charset=utf-8').header('x-content-type-options', 'nosniff').send(html);
}

/** The app's own 404 (the API's error envelope). */
function notFound(reply: FastifyReply): FastifyReply {
  reply.callNotFound();
  return reply;
}

/** The request's path, percent-decoded; undefined when it cannot be decoded or holds a NUL. */
function decodePath(url: string): string | undefined {
  try {
    const path = decodeURIComponent(url.split('?')[0] ?? '/');
    return path.includes('\0') ? undefined : path;
  } catch {
    return undefined;
  }
}

/** The regular file `path` names inside `root`; undefined for anything outside it or missing. */
async function fileUnder(root: string, path: string): Promise<{ path: string; size: number } | undefined> {
  const file = resolve(root, `.${path}`);
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) return undefined;
  try {
    const s = await stat(file);
    return s.isFile() ? { path: file, size: s.size } : undefined;
  } catch {
    return undefined;
  }
}

function sendFile(reply: FastifyReply, path: string, size: number): FastifyReply {
  const type = mime.contentType(extname(path)) || 'application/octet-stream';
  return reply.type(type).header('content-length', size).header('x-content-type-options', 'nosniff').send(createReadStream(path));
}

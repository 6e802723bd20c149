import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerUiRoutes, stripStaticPrefix } from '../../src/server/ui-routes.js';

/** The UI's file serving over real HTTP, on a throwaway build directory. */
describe('registerUiRoutes', () => {
  let app: FastifyInstance | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    await app?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  async function serve(withBuild: boolean, options: { basePath?: string; head?: boolean } = {}): Promise<string> {
    dir = mkdtempSync(join(tmpdir(), 'slipway-ui-'));
    if (withBuild) {
      mkdirSync(join(dir, 'ui', 'assets'), { recursive: true });
      writeFileSync(join(dir, 'ui', 'index.html'), options.head === true ? '<!doctype html><html><head><title>ui</title></head></html>' : '<!doctype html><title>ui</title>');
      writeFileSync(join(dir, 'ui', 'assets', 'app-abc123.css'), 'body{}');
      writeFileSync(join(dir, 'ui', 'favicon.svg'), '<svg/>');
    }
    writeFileSync(join(dir, 'secret.txt'), 'outside the ui root');
    const prefix = options.basePath ?? '';
    app = Fastify({ forceCloseConnections: true, rewriteUrl: (r) => stripStaticPrefix(r.url ?? '/', prefix) });
    app.setNotFoundHandler((_request, reply) => reply.status(404).send({ error_code: 'ENDPOINT_NOT_FOUND', message: 'none' }));
    app.get('/api/2.0/mlflow/experiments/search', () => ({ experiments: [] }));
    registerUiRoutes(app, join(dir, 'ui'), { basePath: prefix });
    return app.listen({ port: 0, host: '127.0.0.1' });
  }

  it('serves index.html for / and client routes, uncached', async () => {
    const base = await serve(true);
    for (const path of ['/', '/experiments/3', '/runs/abc?x=1']) {
      const res = await fetch(base + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toBe('<!doctype html><title>ui</title>');
    }
  });

  it('serves hashed assets with a year of immutable caching and their content type', async () => {
    const base = await serve(true);
    const css = await fetch(`${base}/assets/app-abc123.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await css.text()).toBe('body{}');
    const icon = await fetch(`${base}/favicon.svg`);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers 404 (not index.html) for missing assets, file-like paths and unknown API paths', async () => {
    const base = await serve(true);
    for (const path of ['/assets/gone-1.js', '/robots.txt', '/api/2.0/mlflow/nope', '/ajax-api/2.0/mlflow/x', '/v2/models/m', '/invocations']) {
      const res = await fetch(base + path);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error_code: string }).error_code).toBe('ENDPOINT_NOT_FOUND');
    }
    // API routes registered earlier still answer.
    expect(await (await fetch(`${base}/api/2.0/mlflow/experiments/search`)).json()).toEqual({ experiments: [] });
  });

  it('never serves a file outside the ui root', async () => {
    const base = await serve(true);
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/%00']) {
      const res = await fetch(base + path);
      expect(await res.text(), path).not.toContain('outside the ui root');
      expect(res.status, path).toBe(404);
    }
  });

  it('says how to build the UI when there is no build', async () => {
    const base = await serve(false);
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('npm run build');
    expect((await fetch(`${base}/experiments/1`)).status).toBe(404);
  });

  it('writes the base path into index.html and answers under the prefix and without it', async () => {
    const base = await serve(true, { basePath: '/slipway', head: true });
    for (const path of ['/slipway', '/slipway/', '/slipway/runs/abc?x=1', '/runs/abc']) {
      const res = await fetch(base + path);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toBe('<!doctype html><html><head><base href="/slipway/"><title>ui</title></head></html>');
    }
    expect(await (await fetch(`${base}/slipway/assets/app-abc123.css`)).text()).toBe('body{}');
    expect(await (await fetch(`${base}/slipway/api/2.0/mlflow/experiments/search`)).json()).toEqual({ experiments: [] });
    expect((await fetch(`${base}/slipway/api/2.0/mlflow/nope`)).status).toBe(404);
  });

  it('strips only a whole prefix segment', () => {
    expect(stripStaticPrefix('/slipway/api/x?y=1', '/slipway')).toBe('/api/x?y=1');
    expect(stripStaticPrefix('/slipway', '/slipway')).toBe('/');
    expect(stripStaticPrefix('/slipway?x=1', '/slipway')).toBe('/?x=1');
    expect(stripStaticPrefix('/slipwayx/api', '/slipway')).toBe('/slipwayx/api');
    expect(stripStaticPrefix('/api/x', '/slipway')).toBe('/api/x');
    expect(stripStaticPrefix('/api/x', '')).toBe('/api/x');
  });
});

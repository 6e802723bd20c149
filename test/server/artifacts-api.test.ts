import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { BACKENDS } from '../support/test-databases.js';

const sqlite = BACKENDS.find((b) => b.name === 'sqlite')!;
const BASE = '/api/2.0/mlflow-artifacts/artifacts';

/** The proxied artifact API over HTTP: uploads, downloads, listings, deletes and path confinement. */
describe('proxied artifacts API', () => {
  let t: TestApp;
  let runId: string;
  let experimentId: string;

  beforeAll(async () => {
    t = await createTestApp(sqlite);
    experimentId = (await t.call('POST', '/experiments/create', { name: 'artifacts' })).json<{ experiment_id: string }>().experiment_id;
    runId = (await t.call('POST', '/runs/create', { experiment_id: experimentId })).json<{ run: { info: { run_id: string } } }>().run.info
      .run_id;
  });
  afterAll(async () => {
    await t.close();
  });

  const put = (path: string, body: string | Buffer, contentType = 'application/octet-stream') =>
    t.app.inject({ method: 'PUT', url: `${BASE}/${path}`, payload: body, headers: { 'content-type': contentType } });

  it('uploads any content type and downloads it back with attachment headers', async () => {
    const path = `${experimentId}/${runId}/artifacts/model/MLmodel`;
    expect((await put(path, 'flavors: {}\n', 'text/plain')).statusCode).toBe(200);
    expect(readFileSync(join(t.artifactsDir, path), 'utf8')).toBe('flavors: {}\n');
    const res = await t.app.inject({ method: 'GET', url: `${BASE}/${path}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('flavors: {}\n');
    expect(res.headers['content-disposition']).toBe('attachment; filename="MLmodel"');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const json = `${experimentId}/${runId}/artifacts/d/data.json`;
    await put(json, '{"a":1}', 'application/json');
    const got = await t.app.inject({ method: 'GET', url: `${BASE}/${json}` });
    expect(got.headers['content-type']).toMatch(/^application\/json/);
    expect(got.body).toBe('{"a":1}');
  });

  it('lists a directory with is_dir on every entry, and nothing for a file or a missing path', async () => {
    await put(`${experimentId}/${runId}/artifacts/model/model.pkl`, Buffer.from([1, 2, 3]));
    const res = await t.app.inject({ method: 'GET', url: `${BASE}?path=${experimentId}/${runId}/artifacts/model` });
    expect(res.json()).toEqual({
      files: [
        { path: 'MLmodel', is_dir: false, file_size: 12 },
        { path: 'model.pkl', is_dir: false, file_size: 3 },
      ],
    });
    const root = await t.app.inject({ method: 'GET', url: `${BASE}?path=${experimentId}/${runId}/artifacts` });
    expect(root.json<{ files: unknown[] }>().files).toContainEqual({ path: 'model', is_dir: true });
    expect((await t.app.inject({ method: 'GET', url: `${BASE}?path=${experimentId}/${runId}/artifacts/model/MLmodel` })).json()).toEqual({});
    expect((await t.app.inject({ method: 'GET', url: `${BASE}?path=nope/nothing` })).json()).toEqual({});
  });

  it('lists run artifacts relative to the run root through artifacts/list', async () => {
    const res = await t.call('GET', '/artifacts/list', { run_id: runId, path: 'model' });
    expect(res.json()).toEqual({
      root_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
      files: [
        { path: 'model/MLmodel', is_dir: false, file_size: 12 },
        { path: 'model/model.pkl', is_dir: false, file_size: 3 },
      ],
    });
    const bad = await t.call('GET', '/artifacts/list', { run_id: runId, path: '../../..' });
    expect(bad.statusCode).toBe(400);
  });

  it('answers a missing file with 404 JSON (never a retried 5xx)', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${BASE}/${experimentId}/${runId}/artifacts/missing.txt` });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('deletes files and directories', async () => {
    await put(`${experimentId}/${runId}/artifacts/tmp/a.txt`, 'a');
    expect((await t.app.inject({ method: 'DELETE', url: `${BASE}/${experimentId}/${runId}/artifacts/tmp` })).statusCode).toBe(200);
    expect(existsSync(join(t.artifactsDir, `${experimentId}/${runId}/artifacts/tmp`))).toBe(false);
    expect((await t.app.inject({ method: 'DELETE', url: `${BASE}/${experimentId}/${runId}/artifacts/tmp` })).statusCode).toBe(404);
  });

  it('refuses traversal in every spelling with a 400 and touches nothing outside the root', async () => {
    const outside = join(tmpdir(), `slipway-outside-${Date.now()}`);
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    symlinkSync(outside, join(t.artifactsDir, 'escape'));
    const attempts = [
      `${BASE}/../../../etc/passwd`,
      `${BASE}/a/%2e%2e/%2e%2e/%2e%2e/etc/passwd`,
      `${BASE}/%2e%2e%2f%2e%2e%2fetc%2fpasswd`,
      `${BASE}/a%252f..%252f..%252fetc`,
      `${BASE}/%2fetc%2fpasswd`,
      `${BASE}/a%5c..%5c..%5cetc`,
      `${BASE}/a%00b`,
      `${BASE}/escape/secret.txt`,
    ];
    for (const url of attempts) {
      for (const method of ['GET', 'PUT', 'DELETE'] as const) {
        const res = await t.app.inject({ method, url, payload: method === 'PUT' ? 'x' : undefined, headers: { 'content-type': 'text/plain' } });
        expect([400, 404], `${method} ${url} → ${res.statusCode} ${res.body}`).toContain(res.statusCode);
        expect(res.statusCode, `${method} ${url}`).not.toBe(200);
        expect(res.json()).toHaveProperty('error_code');
      }
    }
    const listing = await t.app.inject({ method: 'GET', url: `${BASE}?path=../..` });
    expect(listing.statusCode).toBe(400);
    const viaLink = await t.app.inject({ method: 'GET', url: `${BASE}?path=escape` });
    expect(viaLink.statusCode).toBe(400);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('refuses multipart uploads with the message the client falls back on', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow-artifacts/mpu/create/x/model.pkl',
      payload: { path: 'model.pkl', num_parts: 3 },
    });
    expect(res.statusCode).toBe(501);
    expect(res.json()).toMatchObject({
      error_code: 'NOT_IMPLEMENTED',
      message: expect.stringMatching(/^Multipart upload is not supported for the current artifact repository/) as string,
    });
  });
});

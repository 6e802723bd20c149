import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collect,
  iterate,
  SlipwayApiError,
  SlipwayClient,
  SlipwayConnectionError,
  SlipwayProtocolError,
  type Page,
} from '../../src/sdk/index.js';
import { closedPort } from '../support/live-server.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A stub HTTP server: each test sets how it answers and reads what it was sent. */
describe('SDK HTTP transport', () => {
  let server: Server;
  let base: string;
  let seen: Seen[] = [];
  let answer: (res: ServerResponse, req: Seen) => void = (res) => res.end('{}');

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
        seen.push(s);
        answer(res, s);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const client = (options: { actor?: string; timeoutMs?: number; env?: Record<string, string> } = {}): SlipwayClient =>
    new SlipwayClient({ trackingUri: base, env: options.env ?? {}, actor: options.actor, timeoutMs: options.timeoutMs });
  const reset = (handler: (res: ServerResponse, req: Seen) => void): void => {
    seen = [];
    answer = handler;
  };

  it('sends the actor, auth and user agent; JSON bodies (DELETE too); repeated query keys', async () => {
    reset((res) => res.end('{"registered_models": []}'));
    const c = new SlipwayClient({ trackingUri: base, actor: 'alice', env: { MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' } });
    await c.registry.searchRegisteredModels({ filter: "name = 'a b'", orderBy: ['name ASC', 'last_updated_timestamp DESC'], maxResults: 5 });
    await c.registry.deleteAlias('m', 'champion');
    const [search, del] = seen;
    expect(search?.method).toBe('GET');
    const url = new URL(search?.url ?? '', base);
    expect(url.pathname).toBe('/api/2.0/mlflow/registered-models/search');
    expect(url.searchParams.getAll('order_by')).toEqual(['name ASC', 'last_updated_timestamp DESC']);
    expect(url.searchParams.get('filter')).toBe("name = 'a b'");
    expect(url.searchParams.get('max_results')).toBe('5');
    expect(url.searchParams.has('page_token')).toBe(false);
    expect(search?.headers['x-slipway-actor']).toBe('alice');
    expect(search?.headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(search?.headers['user-agent']).toBe('slipway-sdk');
    expect(del).toMatchObject({ method: 'DELETE', url: '/api/2.0/mlflow/registered-models/alias' });
    expect(del?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(del?.body ?? '')).toEqual({ name: 'm', alias: 'champion' });
  });

  it("encodes names into Slipway's path routes", async () => {
    reset((res) => res.end('{"model_version": {}}'));
    await client().registry.getModelVersion('fraud model #2 ?x=%', 3);
    expect(seen[0]?.url).toBe('/api/slipway/v1/registered-models/fraud%20model%20%232%20%3Fx%3D%25/versions/3');
  });

  it("turns MLflow's error envelope into SlipwayApiError with code, status and message", async () => {
    reset((res) => {
      res.statusCode = 404;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered Model with name=x not found' }));
    });
    const error = await client().registry.getRegisteredModel('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlipwayApiError);
    expect(error).toMatchObject({
      errorCode: 'RESOURCE_DOES_NOT_EXIST',
      status: 404,
      message: 'Registered Model with name=x not found',
      method: 'GET',
      path: '/api/slipway/v1/registered-models/x',
      isNotFound: true,
    });
  });

  it('describes error responses without the envelope by their status', async () => {
    reset((res) => {
      res.statusCode = 502;
      res.end('<html>Bad Gateway</html>');
    });
    await expect(client().registry.getRegisteredModel('x')).rejects.toMatchObject({ errorCode: 'INTERNAL_ERROR', status: 502 });
    reset((res) => {
      res.statusCode = 404;
      res.end('Not Found');
    });
    const notFound = await client().registry.getLineage('m', 1).catch((e: unknown) => e);
    expect(notFound).toMatchObject({ errorCode: 'ENDPOINT_NOT_FOUND', status: 404 });
    expect((notFound as Error).message).toContain('is this a Slipway server?');
  });

  it('refuses a 200 that is not JSON with a SlipwayProtocolError', async () => {
    reset((res) => res.end('<!doctype html><title>Some other app</title>'));
    await expect(client().registry.getRegisteredModel('x')).rejects.toBeInstanceOf(SlipwayProtocolError);
  });

  it('times out with a SlipwayConnectionError naming the server', async () => {
    reset(() => {
      // never answers
    });
    const error = await client({ timeoutMs: 200 }).registry.getRegisteredModel('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlipwayConnectionError);
    expect(error).toMatchObject({ reason: 'timeout', uri: base });
    expect((error as Error).message).toContain(base);
  });

  it('reports a refused connection with the URI and without credentials', async () => {
    const port = await closedPort();
    const c = new SlipwayClient({ trackingUri: `http://alice:hunter2@127.0.0.1:${port}`, env: {} });
    const error = await c.registry.getRegisteredModel('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlipwayConnectionError);
    expect(error).toMatchObject({ reason: 'refused' });
    expect((error as Error).message).toBe(`cannot connect to the Slipway server at http://127.0.0.1:${port} (connection refused)`);
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('iterate() follows page tokens; collect() stops at a limit', async () => {
    const pages: Record<string, Page<number>> = { start: { items: [1, 2], nextPageToken: 'b' }, b: { items: [3], nextPageToken: 'c' }, c: { items: [4] } };
    const asked: (string | undefined)[] = [];
    const fetchPage = (token: string | undefined): Promise<Page<number>> => {
      asked.push(token);
      return Promise.resolve(pages[token ?? 'start']!);
    };
    expect(await collect(iterate(fetchPage))).toEqual([1, 2, 3, 4]);
    expect(asked).toEqual([undefined, 'b', 'c']);
    asked.length = 0;
    expect(await collect(iterate(fetchPage), 2)).toEqual([1, 2]);
    expect(asked).toEqual([undefined]);
  });
});

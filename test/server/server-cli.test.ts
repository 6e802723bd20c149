import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-runner.js';
import { startServerProcess } from '../support/server-process.js';

describe('slipway server', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'slipway-cli-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it.each([
    [['--port', 'abc'], '--port must be an integer'],
    [['--port', '70000'], '--port must be between 0 and 65535'],
    [['--backend-store-uri', 'mysql://u:secret@h/db'], "unsupported scheme 'mysql'"],
    [['--backend-store-uri', 'sqlite:relative.db'], 'sqlite:///'],
    [['--artifacts-destination', 's3://bucket/x'], "'s3' scheme is not supported yet"],
    [['--log-level', 'loud'], '--log-level must be one of'],
    [['--max-concurrent-steps', '0'], '--max-concurrent-steps'],
    [['--max-parallel-per-execution', 'many'], '--max-parallel-per-execution'],
  ])('refuses bad config %j with one clear line and a non-zero exit', async (args, message) => {
    const { code, stdout, stderr } = await runCli(['server', '--data-dir', tempDir(), ...args]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(message);
    expect(stderr).not.toContain('secret');
  });

  it('refuses a pipeline secret that is not an environment variable name', async () => {
    const { code, stderr } = await runCli(['server', '--data-dir', tempDir(), '--pipeline-secrets', 'TOKEN,not a name']);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe("slipway server: --pipeline-secrets: 'not a name' is not an environment variable name");
  });

  it('reads its settings from SLIPWAY_* environment variables', async () => {
    const { code, stderr } = await runCli(['server', '--data-dir', tempDir()], { SLIPWAY_PORT: 'nope' });
    expect(code).toBe(2);
    expect(stderr).toContain("--port must be an integer; got 'nope'");
  });

  it('reports an unreachable database in one line without its password', async () => {
    const { code, stderr } = await runCli([
      'server',
      '--data-dir',
      tempDir(),
      '--backend-store-uri',
      'postgresql://someone:hunter2@127.0.0.1:1/nowhere',
    ]);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^slipway server: cannot start: /);
    expect(stderr).not.toContain('hunter2');
  });

  it('binds to 127.0.0.1 by default and creates its data directory', async () => {
    const dir = join(tempDir(), 'fresh', 'data');
    const server = await startServerProcess(['--data-dir', dir]);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(`${server.url}/health`)).text()).toBe('OK');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('on SIGTERM finishes an in-flight upload, then exits 0', async () => {
    const server = await startServerProcess(['--data-dir', tempDir()]);
    const { hostname, port } = new URL(server.url);
    const chunks = 10;
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: hostname, port, method: 'PUT', path: '/api/2.0/mlflow-artifacts/artifacts/0/slow/artifacts/slow.bin' },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      let sent = 0;
      const tick = setInterval(() => {
        req.write(Buffer.alloc(64 * 1024, sent));
        if (++sent === 3) server.child.kill('SIGTERM');
        if (sent === chunks) {
          clearInterval(tick);
          req.end();
        }
      }, 100);
    });
    const res = await response;
    expect(res.status).toBe(200);
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('Received SIGTERM');
  });
});

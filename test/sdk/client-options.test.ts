import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { redactUri, resolveClientConfig, SlipwayClient, SlipwayConfigError } from '../../src/sdk/index.js';

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('SDK options', () => {
  it('takes the tracking URI from the option, then SLIPWAY_TRACKING_URI, then MLFLOW_TRACKING_URI, then 127.0.0.1:5000', () => {
    const env = { SLIPWAY_TRACKING_URI: 'http://slipway:1', MLFLOW_TRACKING_URI: 'http://mlflow:2' };
    expect(resolveClientConfig({ trackingUri: 'http://explicit:3/', env }).baseUrl).toBe('http://explicit:3');
    expect(resolveClientConfig({ env }).baseUrl).toBe('http://slipway:1');
    expect(resolveClientConfig({ env: { SLIPWAY_TRACKING_URI: ' ', MLFLOW_TRACKING_URI: 'http://mlflow:2' } }).baseUrl).toBe('http://mlflow:2');
    expect(resolveClientConfig({ env: {} }).baseUrl).toBe('http://127.0.0.1:5000');
    expect(resolveClientConfig({ trackingUri: 'https://proxy.example/mlflow/', env: {} }).baseUrl).toBe('https://proxy.example/mlflow');
  });

  it('refuses tracking URIs that are not http(s), without echoing credentials', () => {
    for (const uri of ['sqlite:///mlflow.db', 'file:///tmp/mlruns', 'databricks', 'postgresql://u:hunter2@db/x', 'not a uri']) {
      expect(() => resolveClientConfig({ trackingUri: uri, env: {} }), uri).toThrow(SlipwayConfigError);
    }
    expect(() => resolveClientConfig({ trackingUri: 'postgresql://u:hunter2@db/x', env: {} })).toThrow(/postgresql:\/\/\*\*\*@db\/x/);
    expect(redactUri('http://alice:s3cret@host:5000/x')).toBe('http://***@host:5000/x');
  });

  it('moves credentials out of the URI into Basic auth, and reads MLflow credential variables', () => {
    const fromUri = resolveClientConfig({ trackingUri: 'http://alice:s%3Acret@host:5000', env: {} });
    expect(fromUri.baseUrl).toBe('http://host:5000');
    expect(fromUri.authorization).toBe(basic('alice', 's:cret'));
    const fromEnv = resolveClientConfig({ env: { MLFLOW_TRACKING_USERNAME: 'bob', MLFLOW_TRACKING_PASSWORD: 'pw' } });
    expect(fromEnv.authorization).toBe(basic('bob', 'pw'));
    expect(resolveClientConfig({ env: { MLFLOW_TRACKING_TOKEN: 'tok' } }).authorization).toBe('Bearer tok');
    // As MLflow: Basic auth wins over a token; a user name without a password sends nothing.
    expect(resolveClientConfig({ env: { MLFLOW_TRACKING_USERNAME: 'bob', MLFLOW_TRACKING_PASSWORD: 'pw', MLFLOW_TRACKING_TOKEN: 't' } }).authorization).toMatch(/^Basic /);
    expect(resolveClientConfig({ env: { MLFLOW_TRACKING_USERNAME: 'bob' } }).authorization).toBeUndefined();
  });

  it('names the actor from the option, SLIPWAY_ACTOR, the Basic-auth user, then the OS user', () => {
    expect(resolveClientConfig({ actor: 'alice', env: { SLIPWAY_ACTOR: 'bob' } }).actor).toBe('alice');
    expect(resolveClientConfig({ env: { SLIPWAY_ACTOR: 'bob', MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' } }).actor).toBe('bob');
    expect(resolveClientConfig({ env: { MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' } }).actor).toBe('u');
    expect(resolveClientConfig({ env: {} }).actor).toBe(userInfo().username);
    expect(() => resolveClientConfig({ actor: 'bad\nactor', env: {} })).toThrow(SlipwayConfigError);
    expect(() => resolveClientConfig({ actor: 'x'.repeat(257), env: {} })).toThrow(SlipwayConfigError);
  });

  it('takes the timeout from the option or MLFLOW_HTTP_REQUEST_TIMEOUT (seconds), 120 s by default', () => {
    expect(resolveClientConfig({ env: {} }).timeoutMs).toBe(120_000);
    expect(resolveClientConfig({ env: { MLFLOW_HTTP_REQUEST_TIMEOUT: '5' } }).timeoutMs).toBe(5_000);
    expect(resolveClientConfig({ timeoutMs: 250, env: { MLFLOW_HTTP_REQUEST_TIMEOUT: '5' } }).timeoutMs).toBe(250);
    expect(() => resolveClientConfig({ env: { MLFLOW_HTTP_REQUEST_TIMEOUT: 'soon' } })).toThrow(SlipwayConfigError);
  });

  it('exposes the resolved URI and actor on the client, never the credentials', () => {
    const client = new SlipwayClient({ trackingUri: 'http://alice:hunter2@127.0.0.1:5000', env: {} });
    expect(client.trackingUri).toBe('http://127.0.0.1:5000');
    expect(client.actor).toBe('alice');
    expect(JSON.stringify(client)).not.toContain('hunter2');
  });
});

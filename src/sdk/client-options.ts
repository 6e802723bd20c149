import { userInfo } from 'node:os';
import { SlipwayConfigError } from './errors.js';

/** The URI used when neither the options nor the environment name a server. */
export const DEFAULT_TRACKING_URI = 'http://127.0.0.1:5000';
/** MLflow's default request timeout (`MLFLOW_HTTP_REQUEST_TIMEOUT`, 120 s). */
export const DEFAULT_TIMEOUT_MS = 120_000;

/** How to reach a Slipway server, and who the requests come from. Everything is optional. */
export interface SlipwayClientOptions {
  /**
   * The server: `http(s)://host:port[/prefix]`. Default: `SLIPWAY_TRACKING_URI`, then
   * `MLFLOW_TRACKING_URI`, then `http://127.0.0.1:5000`. Credentials in the URI
   * (`http://user:pass@host`) are sent as HTTP Basic auth.
   */
  readonly trackingUri?: string | undefined;
  /**
   * Who the registry's audit trail records for this client's changes (sent as the
   * `X-Slipway-Actor` header). Default: `SLIPWAY_ACTOR`, then the Basic-auth user name,
   * then the operating-system user. Printable ASCII, at most 256 characters.
   */
  readonly actor?: string | undefined;
  /** HTTP Basic auth (default: `MLFLOW_TRACKING_USERNAME` and `MLFLOW_TRACKING_PASSWORD`). */
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** Bearer token (default: `MLFLOW_TRACKING_TOKEN`); used when Basic auth is not configured, as MLflow does. */
  readonly token?: string | undefined;
  /** Per-request timeout in milliseconds (default: `MLFLOW_HTTP_REQUEST_TIMEOUT` seconds, else 120 s). */
  readonly timeoutMs?: number | undefined;
  /** The `User-Agent` header (default `slipway-sdk`). */
  readonly userAgent?: string | undefined;
  /** Where the defaults are read from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** The fetch implementation (default: Node's global `fetch`). */
  readonly fetch?: typeof globalThis.fetch | undefined;
}

/** The options with every default applied; what the transport works from. */
export interface ResolvedClientConfig {
  /** `scheme://host:port[/prefix]` without credentials or a trailing slash. */
  readonly baseUrl: string;
  readonly actor: string | undefined;
  /** The `Authorization` header value, if any. Never logged or put into messages. */
  readonly authorization: string | undefined;
  readonly timeoutMs: number;
  readonly userAgent: string;
  readonly fetch: typeof globalThis.fetch;
}

/** Applies the defaults; throws {@link SlipwayConfigError} for unusable values. */
export function resolveClientConfig(options: SlipwayClientOptions = {}): ResolvedClientConfig {
  const env = options.env ?? process.env;
  const uriText = firstSet(options.trackingUri, env.SLIPWAY_TRACKING_URI, env.MLFLOW_TRACKING_URI) ?? DEFAULT_TRACKING_URI;
  const { baseUrl, username: uriUser, password: uriPassword } = parseTrackingUri(uriText);

  const username = firstSet(options.username, uriUser, env.MLFLOW_TRACKING_USERNAME);
  const password = firstSet(options.password, uriPassword, env.MLFLOW_TRACKING_PASSWORD);
  const token = firstSet(options.token, env.MLFLOW_TRACKING_TOKEN);
  let authorization: string | undefined;
  if (username !== undefined && password !== undefined) {
    authorization = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  } else if (token !== undefined) {
    authorization = `Bearer ${token}`;
  }

  const explicitActor = firstSet(options.actor, env.SLIPWAY_ACTOR);
  if (explicitActor !== undefined && !isValidActor(explicitActor)) {
    throw new SlipwayConfigError(`The actor must be printable ASCII of at most 256 characters; got ${JSON.stringify(explicitActor)}.`);
  }
  const fallbackActor = authorization?.startsWith('Basic ') ? username : osUserName();
  const actor = explicitActor ?? (fallbackActor !== undefined && isValidActor(fallbackActor) ? fallbackActor : undefined);

  return {
    baseUrl,
    actor,
    authorization,
    timeoutMs: resolveTimeout(options.timeoutMs, env.MLFLOW_HTTP_REQUEST_TIMEOUT),
    userAgent: options.userAgent ?? 'slipway-sdk',
    fetch: options.fetch ?? globalThis.fetch,
  };
}

/** Splits a tracking URI into a base URL without credentials and the credentials it carried. */
export function parseTrackingUri(text: string): { baseUrl: string; username?: string; password?: string } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new SlipwayConfigError(`The tracking URI must be an http:// or https:// URL; got '${redactUri(text)}'.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SlipwayConfigError(
      `The tracking URI must be an http:// or https:// URL of a Slipway server; got '${redactUri(text)}' ('${url.protocol.slice(0, -1)}' is not supported).`,
    );
  }
  const username = url.username === '' ? undefined : decodeURIComponent(url.username);
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  const baseUrl = url.toString().replace(/\/+$/, '');
  return { baseUrl, ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }) };
}

/** A URI fit for messages: any `user:password@` part is replaced with `***@`. */
export function redactUri(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}

function resolveTimeout(option: number | undefined, envSeconds: string | undefined): number {
  if (option !== undefined) {
    if (!Number.isFinite(option) || option <= 0) throw new SlipwayConfigError(`timeoutMs must be a positive number; got ${option}.`);
    return option;
  }
  if (envSeconds !== undefined && envSeconds.trim() !== '') {
    const seconds = Number(envSeconds);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      throw new SlipwayConfigError(`MLFLOW_HTTP_REQUEST_TIMEOUT must be a positive number of seconds; got '${envSeconds}'.`);
    }
    return seconds * 1000;
  }
  return DEFAULT_TIMEOUT_MS;
}

/** HTTP header values must be bytes; the server reads the actor as it arrives. */
function isValidActor(actor: string): boolean {
  return actor.length <= 256 && /^[\x20-\x7e]+$/.test(actor) && actor.trim() !== '';
}

function osUserName(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    // No passwd entry for the uid (some containers).
    return undefined;
  }
}

function firstSet(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v.trim() !== '');
}

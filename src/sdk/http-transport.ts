import type { ResolvedClientConfig } from './client-options.js';
import { errorCodeForStatus, SlipwayApiError, SlipwayConnectionError, SlipwayProtocolError, type ConnectionFailure } from './errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A query-string value; arrays become repeated keys, `undefined` is left out. */
export type QueryValue = string | number | boolean | readonly (string | number)[] | undefined;

export interface HttpRequest {
  readonly method: HttpMethod;
  /** Path below the tracking URI, starting with `/` (e.g. `/api/2.0/mlflow/registered-models/get`). */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>> | undefined;
  /** Sent as JSON. MLflow reads DELETE requests' fields from the body too. */
  readonly body?: unknown;
  readonly signal?: AbortSignal | undefined;
}

/**
 * JSON over HTTP with Node's global `fetch`: adds the actor, auth and user-agent headers,
 * enforces the timeout, and turns failures into the SDK's errors. Credentials only ever
 * go into the `Authorization` header; messages name the server by its URI without them.
 */
export class HttpTransport {
  readonly #config: ResolvedClientConfig;

  constructor(config: ResolvedClientConfig) {
    this.#config = config;
  }

  /** The server's base URL, without credentials. */
  get baseUrl(): string {
    return this.#config.baseUrl;
  }

  /** Who requests are made as (`X-Slipway-Actor`), if anyone. */
  get actor(): string | undefined {
    return this.#config.actor;
  }

  /** Sends one request and returns its parsed JSON body (`{}` for an empty one). */
  async request<T>(request: HttpRequest): Promise<T> {
    const url = `${this.#config.baseUrl}${request.path}${queryString(request.query)}`;
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.#config.userAgent };
    if (this.#config.actor !== undefined) headers['x-slipway-actor'] = this.#config.actor;
    if (this.#config.authorization !== undefined) headers.authorization = this.#config.authorization;
    let body: string | undefined;
    if (request.body !== undefined && request.method !== 'GET') {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    const timeout = AbortSignal.timeout(this.#config.timeoutMs);
    const signal = request.signal === undefined ? timeout : AbortSignal.any([timeout, request.signal]);

    let response: Response;
    let text: string;
    try {
      response = await this.#config.fetch(url, { method: request.method, headers, body, signal });
      text = await response.text();
    } catch (e) {
      if (request.signal?.aborted) throw request.signal.reason;
      throw this.#connectionError(e, timeout.aborted);
    }

    if (!response.ok) throw apiError(response, text, request);
    if (text.trim() === '') return {} as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new SlipwayProtocolError(
        `${request.method} ${request.path} at ${this.#config.baseUrl} answered ${response.status} with a body that is not JSON; is that a Slipway server?`,
      );
    }
  }

  #connectionError(e: unknown, timedOut: boolean): SlipwayConnectionError {
    const uri = this.#config.baseUrl;
    if (timedOut) {
      return new SlipwayConnectionError(`the Slipway server at ${uri} did not answer within ${this.#config.timeoutMs / 1000} s`, {
        uri,
        reason: 'timeout',
        cause: e,
      });
    }
    const code = causeCode(e);
    const [reason, what]: [ConnectionFailure, string] =
      code === 'ECONNREFUSED'
        ? ['refused', 'connection refused']
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? ['host-not-found', 'host not found']
          : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
            ? ['reset', 'connection reset']
            : ['other', code ?? innermostMessage(e)];
    return new SlipwayConnectionError(`cannot connect to the Slipway server at ${uri} (${what})`, { uri, reason, cause: e });
  }
}

function queryString(query: Readonly<Record<string, QueryValue>> | undefined): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const v of value as readonly (string | number)[]) params.append(key, String(v));
    } else {
      params.append(key, String(value));
    }
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function apiError(response: Response, text: string, request: HttpRequest): SlipwayApiError {
  const details = { status: response.status, method: request.method, path: request.path };
  try {
    const parsed = JSON.parse(text) as { error_code?: unknown; message?: unknown; details?: unknown };
    if (typeof parsed.error_code === 'string') {
      const message = typeof parsed.message === 'string' ? parsed.message : `HTTP ${response.status}`;
      const extra = typeof parsed.details === 'object' && parsed.details !== null && !Array.isArray(parsed.details) ? (parsed.details as Record<string, unknown>) : undefined;
      return new SlipwayApiError({ ...details, errorCode: parsed.error_code, message, details: extra });
    }
  } catch {
    // Not MLflow's envelope: described from the status below.
  }
  const hint = response.status === 404 ? ' (is this a Slipway server?)' : '';
  const message = `${request.method} ${request.path} failed: HTTP ${response.status} ${response.statusText}${hint}`.replace(/\s+/g, ' ').trim();
  return new SlipwayApiError({ ...details, errorCode: errorCodeForStatus(response.status), message });
}

/** The system error code behind a `fetch failed` TypeError (`ECONNREFUSED`, …). */
function causeCode(e: unknown): string | undefined {
  for (let c: unknown = e, depth = 0; c !== undefined && c !== null && depth < 5; depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    // An AggregateError (one attempt per address) carries the codes of its errors.
    const errors = (c as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      c = errors[0];
      continue;
    }
    c = (c as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The message of the deepest `cause` (`fetch failed` → `bad port`). */
function innermostMessage(e: unknown): string {
  let c = e;
  for (let depth = 0; depth < 5 && c instanceof Error && c.cause !== undefined; depth++) c = c.cause;
  return c instanceof Error ? c.message : String(c);
}

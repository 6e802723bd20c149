import { ApiError } from './api-error.js';

/**
 * Slipway's endpoints API as the UI uses it (`/api/slipway/v1/endpoints…`): list, one
 * endpoint, its events, the live stats of this server, and a rollback. Shapes are the wire
 * format of `src/server/endpoints/endpoint-wire-format.ts` (snake_case, times in ms).
 * @module
 */

export type EndpointStatus = 'Creating' | 'InService' | 'Updating' | 'Failed' | 'Deleting';
export type VariantStatus = 'Pending' | 'Loading' | 'Ready' | 'Failed' | 'Draining' | 'Retired';
export type RolloutPhase = 'Warming' | 'Baking' | 'Completed' | 'RolledBack' | 'Failed';

export interface EndpointVariant {
  readonly name: string;
  readonly model_uri: string;
  readonly model_name: string;
  readonly model_version: string;
  readonly weight: number;
  readonly runtime: string;
  readonly status: VariantStatus;
  readonly shadow?: { readonly sample_percent: number };
  readonly status_reason?: string;
  readonly serving_runtime?: string;
  readonly runtime_reason?: string;
  readonly serving_since?: number;
}

export interface EndpointRollout {
  readonly rollout_id: string;
  readonly strategy: 'blue-green' | 'canary';
  readonly steps: readonly number[];
  readonly bake_seconds: number;
  readonly min_requests: number;
  readonly max_error_rate?: number;
  readonly max_p99_ms?: number;
  readonly phase: RolloutPhase;
  readonly step: number;
  readonly target_percent: number;
  readonly target: readonly EndpointVariant[];
  readonly started_time: number;
  readonly step_started_time?: number;
  readonly ended_time?: number;
  readonly reason?: string;
}

export interface Endpoint {
  readonly name: string;
  readonly endpoint_id: string;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly status: EndpointStatus;
  readonly status_reason?: string;
  readonly variants: readonly EndpointVariant[];
  readonly rollout?: EndpointRollout;
  readonly creation_time: number;
  readonly last_update_time: number;
  readonly revision: number;
}

export interface EndpointEvent {
  readonly event_id: string;
  readonly time: number;
  readonly kind: string;
  readonly message: string;
  readonly actor: string;
  readonly rollout_id?: string;
  readonly variant?: string;
}

export interface VariantStats {
  readonly variant: string;
  readonly candidate: boolean;
  readonly requests: number;
  readonly errors: number;
  readonly error_rate: number | null;
  readonly requests_per_second: number | null;
  readonly p50_ms: number | null;
  readonly p99_ms: number | null;
}

export interface EndpointStats {
  readonly endpoint: string;
  readonly status: EndpointStatus;
  readonly window_seconds: number;
  readonly traffic: readonly { readonly variant: string; readonly candidate: boolean; readonly percent: number }[];
  readonly variants: readonly VariantStats[];
  readonly shadow: readonly { readonly variant: string; readonly requests: number; readonly errors: number; readonly mismatches: number }[];
}

export interface InputColumn {
  readonly name: string;
  /** OIP v2 datatype: FP64, INT32, BOOL, BYTES… */
  readonly datatype: string;
}

/** A rollout still moving (a rollback applies). */
export function rolloutInProgress(rollout: EndpointRollout | undefined): boolean {
  return rollout !== undefined && (rollout.phase === 'Warming' || rollout.phase === 'Baking');
}

export class EndpointsClient {
  constructor(
    private readonly baseUrl: string = '',
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  /** Every endpoint by name (pages followed, at most 10,000). */
  async list(): Promise<Endpoint[]> {
    const out: Endpoint[] = [];
    let pageToken: string | undefined;
    do {
      const query = new URLSearchParams({ max_results: '1000' });
      if (pageToken !== undefined) query.set('page_token', pageToken);
      const json = await this.send<{ endpoints?: Endpoint[]; next_page_token?: string }>('GET', `/endpoints?${query.toString()}`);
      out.push(...(json.endpoints ?? []));
      pageToken = json.next_page_token;
    } while (pageToken !== undefined && out.length < 10_000);
    return out;
  }

  async get(name: string): Promise<Endpoint> {
    return (await this.send<{ endpoint: Endpoint }>('GET', `/endpoints/${encodeURIComponent(name)}`)).endpoint;
  }

  /** The endpoint's events, oldest first (the first 1,000). */
  async events(name: string): Promise<EndpointEvent[]> {
    return (await this.send<{ events?: EndpointEvent[] }>('GET', `/endpoints/${encodeURIComponent(name)}/events?max_results=1000`)).events ?? [];
  }

  async stats(name: string): Promise<EndpointStats> {
    return this.send<EndpointStats>('GET', `/endpoints/${encodeURIComponent(name)}/stats`);
  }

  async rollback(name: string, reason: string, actor: string): Promise<Endpoint> {
    const body: Record<string, unknown> = {};
    if (reason.trim() !== '') body.reason = reason.trim();
    return (await this.send<{ endpoint: Endpoint }>('POST', `/endpoints/${encodeURIComponent(name)}/rollback`, body, actor)).endpoint;
  }

  /**
   * The columns the endpoint takes, from its OIP v2 metadata (`GET /v2/models/<name>`), when
   * the model's signature is columns; undefined otherwise (a tensor model, or no variant ready).
   */
  async inputColumns(name: string): Promise<InputColumn[] | undefined> {
    const res = await this.fetchFn(`${this.baseUrl}/v2/models/${encodeURIComponent(name)}`);
    if (!res.ok) return undefined;
    const json = (await res.json()) as { inputs?: { name?: unknown; datatype?: unknown; shape?: unknown }[] };
    const inputs = json.inputs ?? [];
    const columns = inputs.every((i) => typeof i.name === 'string' && typeof i.datatype === 'string' && Array.isArray(i.shape) && i.shape.length === 1);
    return columns && inputs.length > 0 ? inputs.map((i) => ({ name: i.name as string, datatype: i.datatype as string })) : undefined;
  }

  private async send<T>(method: 'GET' | 'POST', path: string, body?: Record<string, unknown>, actor?: string): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (actor !== undefined && actor.trim() !== '') headers['x-slipway-actor'] = actor.trim();
    const res = await this.fetchFn(`${this.baseUrl}/api/slipway/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw ApiError.fromBody(res.status, res.statusText, text);
    return (text === '' ? {} : JSON.parse(text)) as T;
  }
}

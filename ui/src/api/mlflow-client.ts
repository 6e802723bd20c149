import { ApiError } from './api-error.js';
import type { Experiment, FileInfo, LoggedModel, Page, Run } from './mlflow-types.js';
import type { DownsampledHistory, DownsampleRequest } from './slipway-types.js';

/** Requests of {@link MlflowClient.searchRuns}; the fields are MLflow's. */
export interface SearchRunsRequest {
  readonly experimentIds: readonly string[];
  readonly filter?: string | undefined;
  readonly orderBy?: readonly string[] | undefined;
  readonly maxResults?: number | undefined;
  readonly pageToken?: string | undefined;
}

/**
 * A small typed client over Slipway's public MLflow REST API (`/api/2.0/mlflow/...`), the
 * only thing the UI talks to. `baseUrl` is the server's origin plus any path prefix
 * (empty: same origin). Every failure is an {@link ApiError} carrying the server's message.
 */
export class MlflowClient {
  constructor(
    private readonly baseUrl: string = '',
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  async searchExperiments(request: { filter?: string | undefined; maxResults?: number; pageToken?: string | undefined }): Promise<Page<Experiment>> {
    const json = await this.post<{ experiments?: Experiment[]; next_page_token?: string }>('/experiments/search', {
      filter: blankToUndefined(request.filter),
      max_results: request.maxResults ?? 100,
      page_token: request.pageToken,
      order_by: ['last_update_time DESC'],
    });
    return { items: json.experiments ?? [], nextPageToken: json.next_page_token };
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const json = await this.get<{ experiment: Experiment }>('/experiments/get', { experiment_id: experimentId });
    return json.experiment;
  }

  async searchRuns(request: SearchRunsRequest): Promise<Page<Run>> {
    const json = await this.post<{ runs?: Run[]; next_page_token?: string }>('/runs/search', {
      experiment_ids: request.experimentIds,
      filter: blankToUndefined(request.filter),
      order_by: request.orderBy,
      max_results: request.maxResults ?? 100,
      page_token: request.pageToken,
    });
    return { items: json.runs ?? [], nextPageToken: json.next_page_token };
  }

  async getRun(runId: string): Promise<Run> {
    const json = await this.get<{ run: Run }>('/runs/get', { run_id: runId });
    return json.run;
  }

  /** The logged models a run produced (MLflow 3: `source_run_id`). */
  async loggedModelsOfRun(experimentId: string, runId: string): Promise<LoggedModel[]> {
    const json = await this.post<{ models?: LoggedModel[] }>('/logged-models/search', {
      experiment_ids: [experimentId],
      filter: `source_run_id = '${runId.replace(/'/g, '')}'`,
      max_results: 100,
    });
    return json.models ?? [];
  }

  /** One directory of a run's artifacts (`artifacts/list`); `path` is relative to the run's root. */
  async listRunArtifacts(runId: string, path: string): Promise<{ rootUri: string; files: FileInfo[] }> {
    const query: Record<string, string> = { run_id: runId };
    if (path !== '') query.path = path;
    const json = await this.get<{ root_uri?: string; files?: FileInfo[] }>('/artifacts/list', query);
    return { rootUri: json.root_uri ?? '', files: json.files ?? [] };
  }

  /** One directory of a logged model's artifacts. */
  async listLoggedModelArtifacts(modelId: string, path: string): Promise<FileInfo[]> {
    const query: Record<string, string> = {};
    if (path !== '') query.artifact_directory_path = path;
    const json = await this.get<{ files?: FileInfo[] }>(`/logged-models/${encodeURIComponent(modelId)}/artifacts/directories`, query);
    return json.files ?? [];
  }

  /**
   * The URL of a file under an artifact root the server proxies (`mlflow-artifacts:/…`),
   * through the proxied artifact API; undefined for roots stored elsewhere (`s3:`, `file:`).
   */
  artifactFileUrl(rootUri: string, path: string): string | undefined {
    const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(rootUri);
    if (m === null) return undefined;
    const full = [m[1] ?? '', path].filter((p) => p !== '').join('/');
    return `${this.baseUrl}/api/2.0/mlflow-artifacts/artifacts/${full.split('/').map(encodeURIComponent).join('/')}`;
  }

  /**
   * At most `limit` bytes of a file, and whether it was cut there. Reads the body as a
   * stream and stops at the limit, so a huge file is never downloaded whole for a preview.
   */
  async fetchBytes(url: string, limit: number, signal?: AbortSignal): Promise<{ bytes: Uint8Array; truncated: boolean; contentType: string }> {
    const res = await this.fetchFn(url, { signal });
    if (!res.ok) throw ApiError.fromBody(res.status, res.statusText, await res.text());
    const contentType = res.headers.get('content-type') ?? '';
    const reader = res.body?.getReader();
    if (reader === undefined) return { bytes: new Uint8Array(0), truncated: false, contentType };
    const chunks: Uint8Array[] = [];
    let size = 0;
    let truncated = false;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
      if (size > limit) {
        truncated = true;
        await reader.cancel();
        break;
      }
    }
    const bytes = new Uint8Array(Math.min(size, limit));
    let at = 0;
    for (const c of chunks) {
      const part = c.subarray(0, Math.min(c.length, bytes.length - at));
      bytes.set(part, at);
      at += part.length;
      if (at >= bytes.length) break;
    }
    return { bytes, truncated, contentType };
  }

  /** A metric history reduced on the server to `maxPoints` (min and max per bucket), for a chart. */
  async downsampledHistory(request: DownsampleRequest, signal?: AbortSignal): Promise<DownsampledHistory> {
    const query: Record<string, string> = {
      run_id: request.runId,
      metric_key: request.metricKey,
      max_points: String(request.maxPoints),
      x_axis: request.xAxis,
    };
    if (request.xMin !== undefined) query.x_min = String(request.xMin);
    if (request.xMax !== undefined) query.x_max = String(request.xMax);
    return this.getSlipway<DownsampledHistory>('/metrics/history-downsampled', query, signal);
  }

  /** GET on Slipway's own API (`/api/slipway/v1`). */
  async getSlipway<T>(path: string, query: Record<string, string> = {}, signal?: AbortSignal): Promise<T> {
    const qs = new URLSearchParams(query).toString();
    return this.send<T>(`${this.baseUrl}/api/slipway/v1${path}${qs === '' ? '' : `?${qs}`}`, { signal });
  }

  /** A write on Slipway's own API. */
  async sendSlipway<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body: Record<string, unknown>): Promise<T> {
    return this.send<T>(`${this.baseUrl}/api/slipway/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  private async post<T>(path: string, body: Record<string, unknown>): Promise<T> {
    return this.send<T>(`${this.baseUrl}/api/2.0/mlflow${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  private async get<T>(path: string, query: Record<string, string>, signal?: AbortSignal): Promise<T> {
    return this.send<T>(`${this.baseUrl}/api/2.0/mlflow${path}?${new URLSearchParams(query).toString()}`, { signal });
  }

  private async send<T>(url: string, init: RequestInit): Promise<T> {
    const res = await this.fetchFn(url, init);
    const text = await res.text();
    if (!res.ok) throw ApiError.fromBody(res.status, res.statusText, text);
    return (text === '' ? {} : JSON.parse(text)) as T;
  }
}

function blankToUndefined(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === '' ? undefined : s;
}

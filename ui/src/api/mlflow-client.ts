import { ApiError } from './api-error.js';
import type { Experiment, MetricPoint, Page, Run } from './mlflow-types.js';

/** Requests of {@link MlflowClient.searchRuns}; the fields are MLflow's. */
export interface SearchRunsRequest {
  readonly experimentIds: readonly string[];
  readonly filter?: string | undefined;
  readonly orderBy?: readonly string[] | undefined;
  readonly maxResults?: number | undefined;
  readonly pageToken?: string | undefined;
}

/** Largest page of metric history asked for at once. */
const HISTORY_PAGE = 25_000;

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

  /** A metric's whole history, page after page, ordered by step. */
  async getMetricHistory(runId: string, metricKey: string, signal?: AbortSignal): Promise<MetricPoint[]> {
    const points: MetricPoint[] = [];
    let pageToken: string | undefined;
    do {
      const query: Record<string, string> = { run_id: runId, metric_key: metricKey, max_results: String(HISTORY_PAGE) };
      if (pageToken !== undefined) query.page_token = pageToken;
      const json = await this.get<{ metrics?: MetricPoint[]; next_page_token?: string }>('/metrics/get-history', query, signal);
      points.push(...(json.metrics ?? []));
      pageToken = json.next_page_token;
    } while (pageToken !== undefined);
    return points;
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

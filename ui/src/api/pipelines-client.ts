import { createContext, useContext } from 'react';
import { basePath } from '../lib/base-path.js';
import { ApiError } from './api-error.js';

/**
 * Pipelines, executions, schedules, triggers and approvals as the UI uses them: Slipway's
 * own API (`/api/slipway/v1`), the same wire format the SDK reads (snake_case, times in
 * ms). Writes carry `X-Slipway-Actor` when an actor is given.
 * @module
 */

export type ParamValue = string | number | boolean;
export type ParamType = 'string' | 'int' | 'float' | 'bool' | 'choice';

export interface ParamSpec {
  readonly type: ParamType;
  readonly default?: ParamValue;
  readonly description?: string;
  readonly options?: readonly string[];
}

/** The part of a step definition the UI reads. */
export interface StepDefinition {
  readonly id: string;
  readonly name?: string;
  readonly kind: 'run' | 'uses';
  readonly needs: readonly string[];
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly cache?: { readonly enabled: boolean };
}

export interface PipelineDefinition {
  readonly name: string;
  readonly description?: string;
  readonly params: Readonly<Record<string, ParamSpec>>;
  readonly steps: readonly StepDefinition[];
}

export interface PipelineVersion {
  readonly name: string;
  readonly version: number;
  readonly hash: string;
  readonly source_format: string;
  readonly created_time: number;
  readonly created_by: string;
  readonly definition: PipelineDefinition;
  readonly description?: string;
  readonly source_text?: string;
}

export interface PipelineSummary {
  readonly name: string;
  readonly latest_version: number;
  readonly latest_hash: string;
  readonly created_time: number;
  readonly updated_time: number;
  readonly description?: string;
  readonly last_execution?: { readonly execution_id: string; readonly status: ExecutionStatus; readonly created_time: number };
}

export const EXECUTION_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelling', 'cancelled'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export type StepStatus = 'pending' | 'waiting' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'gated' | 'cancelled';

export interface Attempt {
  readonly attempt: number;
  readonly status: 'running' | 'succeeded' | 'failed';
  readonly started_time: number;
  readonly ended_time?: number;
  readonly exit_code?: number;
  readonly failure_class?: string;
  readonly message?: string;
}

export interface StepExecution {
  readonly step_id: string;
  readonly instance?: string;
  readonly status: StepStatus;
  readonly started_time?: number;
  readonly ended_time?: number;
  readonly reason?: string;
  readonly failure_class?: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly artifacts: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number | string>>;
  readonly run_id?: string;
  readonly cached_from?: string;
  readonly reused_from?: string;
  readonly attempts: readonly Attempt[];
}

export interface Execution {
  readonly execution_id: string;
  readonly pipeline_name: string;
  readonly pipeline_version: number;
  readonly pipeline_hash: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly trigger: { readonly type: string; readonly detail?: string };
  readonly status: ExecutionStatus;
  readonly actor: string;
  readonly created_time: number;
  readonly started_time?: number;
  readonly ended_time?: number;
  readonly retry_of?: string;
  readonly experiment_id?: string;
  readonly run_id?: string;
  readonly reason?: string;
  readonly steps: readonly StepExecution[];
}

export interface LogChunk {
  readonly text: string;
  readonly next_offset: number;
  readonly complete: boolean;
}

export interface Schedule {
  readonly schedule_id: string;
  readonly pipeline: string;
  readonly source: string;
  readonly cron: string;
  readonly timezone: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly overlap: string;
  readonly catch_up_seconds: number;
  readonly paused: boolean;
  readonly next_fire_times: readonly (number | string)[];
  readonly created_time: number;
  readonly created_by: string;
}

export interface ScheduleFire {
  readonly schedule_id: string;
  readonly due_time: number;
  readonly status: string;
  readonly recorded_time: number;
  readonly reason?: string;
  readonly execution_id?: string;
}

export interface Trigger {
  readonly name: string;
  readonly pipeline: string;
  readonly type: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly enabled: boolean;
  readonly source: string;
}

export interface TriggerEvent {
  readonly event_id: string;
  readonly trigger: string;
  readonly time: number;
  readonly summary: string;
  readonly outcome: string;
  readonly reason?: string;
  readonly execution_id?: string;
}

export interface Approval {
  readonly approval_id: string;
  readonly execution_id: string;
  readonly pipeline_name: string;
  readonly step_id: string;
  readonly instance?: string;
  readonly approvers: readonly string[];
  readonly on_timeout: string;
  readonly status: string;
  readonly opened_time: number;
  readonly message?: string;
  readonly model?: string;
  readonly version?: string;
  readonly deadline_time?: number;
  readonly decided_time?: number;
  readonly actor?: string;
  readonly comment?: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextPageToken?: string;
}

export class PipelinesClient {
  constructor(
    private readonly baseUrl: string = '',
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  async listPipelines(): Promise<PipelineSummary[]> {
    return this.all<PipelineSummary>('/pipelines', {}, 'pipelines');
  }

  async getPipeline(name: string, version?: number): Promise<PipelineVersion> {
    const q = version === undefined ? '' : `?version=${version}`;
    return (await this.send<{ pipeline: PipelineVersion }>('GET', `/pipelines/${encodeURIComponent(name)}${q}`)).pipeline;
  }

  async listExecutions(query: { pipeline?: string; status?: string; pageToken?: string; maxResults?: number }): Promise<Page<Execution>> {
    const q = new URLSearchParams({ max_results: String(query.maxResults ?? 50) });
    if (query.pipeline !== undefined && query.pipeline !== '') q.set('pipeline', query.pipeline);
    if (query.status !== undefined && query.status !== '') q.set('status', query.status);
    if (query.pageToken !== undefined) q.set('page_token', query.pageToken);
    const json = await this.send<{ executions?: Execution[]; next_page_token?: string }>('GET', `/executions?${q.toString()}`);
    return { items: json.executions ?? [], nextPageToken: json.next_page_token };
  }

  async startExecution(name: string, params: Record<string, ParamValue>, version: number | undefined, actor: string): Promise<Execution> {
    const body: Record<string, unknown> = { params };
    if (version !== undefined) body.version = version;
    return (await this.send<{ execution: Execution }>('POST', `/pipelines/${encodeURIComponent(name)}/executions`, body, actor)).execution;
  }

  async getExecution(id: string): Promise<Execution> {
    return (await this.send<{ execution: Execution }>('GET', `/executions/${encodeURIComponent(id)}`)).execution;
  }

  async readLogs(id: string, q: { step: string; instance?: string; attempt?: number; offset: number }): Promise<LogChunk> {
    const query = new URLSearchParams({ step: q.step, offset: String(q.offset), max_bytes: String(256 * 1024) });
    if (q.instance !== undefined) query.set('instance', q.instance);
    if (q.attempt !== undefined) query.set('attempt', String(q.attempt));
    return this.send<LogChunk>('GET', `/executions/${encodeURIComponent(id)}/logs?${query.toString()}`);
  }

  async cancelExecution(id: string, actor: string): Promise<Execution> {
    return (await this.send<{ execution: Execution }>('POST', `/executions/${encodeURIComponent(id)}/cancel`, {}, actor)).execution;
  }

  async retryExecution(id: string, latest: boolean, actor: string): Promise<Execution> {
    return (await this.send<{ execution: Execution }>('POST', `/executions/${encodeURIComponent(id)}/retry`, { latest }, actor)).execution;
  }

  async listSchedules(): Promise<Schedule[]> {
    return this.all<Schedule>('/schedules', { next: '3' }, 'schedules');
  }

  async listFires(scheduleId: string): Promise<ScheduleFire[]> {
    const json = await this.send<{ fires?: ScheduleFire[] }>('GET', `/schedules/${encodeURIComponent(scheduleId)}/fires?max_results=20`);
    return json.fires ?? [];
  }

  async setSchedulePaused(scheduleId: string, paused: boolean, actor: string): Promise<Schedule> {
    return (await this.send<{ schedule: Schedule }>('POST', `/schedules/${encodeURIComponent(scheduleId)}/${paused ? 'pause' : 'resume'}`, {}, actor)).schedule;
  }

  async listTriggers(): Promise<Trigger[]> {
    return this.all<Trigger>('/triggers', {}, 'triggers');
  }

  async listTriggerEvents(name: string): Promise<TriggerEvent[]> {
    const json = await this.send<{ events?: TriggerEvent[] }>('GET', `/triggers/${encodeURIComponent(name)}/events?max_results=20`);
    return json.events ?? [];
  }

  async listApprovals(status: string | undefined): Promise<Approval[]> {
    return this.all<Approval>('/approvals', status === undefined ? {} : { status }, 'approvals');
  }

  async decideApproval(id: string, decision: 'approve' | 'reject', comment: string, actor: string): Promise<Approval> {
    const body: Record<string, unknown> = {};
    if (comment.trim() !== '') body.comment = comment.trim();
    return (await this.send<{ approval: Approval }>('POST', `/approvals/${encodeURIComponent(id)}/${decision}`, body, actor)).approval;
  }

  /** Every page of a list (at most 5,000 items). */
  private async all<T>(path: string, query: Record<string, string>, key: string): Promise<T[]> {
    const out: T[] = [];
    let token: string | undefined;
    do {
      const q = new URLSearchParams({ ...query, max_results: '500' });
      if (token !== undefined) q.set('page_token', token);
      const json = await this.send<Record<string, unknown>>('GET', `${path}?${q.toString()}`);
      out.push(...((json[key] as T[] | undefined) ?? []));
      token = typeof json.next_page_token === 'string' && json.next_page_token !== '' ? json.next_page_token : undefined;
    } while (token !== undefined && out.length < 5000);
    return out;
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

/** The pipelines client, given at the root (defaults to one on the document's base path). */
export const PipelinesClientContext = createContext<PipelinesClient | undefined>(undefined);

let fallback: PipelinesClient | undefined;

export function usePipelinesClient(): PipelinesClient {
  const given = useContext(PipelinesClientContext);
  if (given !== undefined) return given;
  fallback ??= new PipelinesClient(basePath());
  return fallback;
}

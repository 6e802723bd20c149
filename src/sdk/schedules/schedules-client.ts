import type { HttpTransport, QueryValue } from '../http-transport.js';
import { iterate, type Page } from '../paging.js';
import type { Schedule, ScheduleFire } from './schedule-types.js';

const SLIPWAY = '/api/slipway/v1';

export interface CreateScheduleOptions {
  readonly pipeline: string;
  /** Five fields, or six with seconds first. */
  readonly cron: string;
  /** IANA zone; default UTC. */
  readonly timezone?: string | undefined;
  readonly params?: Readonly<Record<string, string | number | boolean>> | undefined;
  /** Default `skip`. */
  readonly overlap?: 'skip' | 'queue' | 'allow' | undefined;
  /** `6h`, `P1D`, seconds, or `0`/`false` for none; default 1h. */
  readonly catchUp?: string | number | boolean | undefined;
}

export interface ListSchedulesOptions {
  readonly pipeline?: string | undefined;
  /** How many next fire times per schedule (0–20, default 3). */
  readonly next?: number | undefined;
  readonly maxResults?: number | undefined;
  readonly pageToken?: string | undefined;
}

/**
 * Pipeline schedules (`/api/slipway/v1/schedules`).
 *
 * ```ts
 * const s = await client.schedules.create({ pipeline: 'train', cron: '0 8 * * MON-FRI', timezone: 'Europe/Berlin' });
 * for await (const fire of client.schedules.iterateFires(s.schedule_id)) console.log(fire.status, fire.execution_id);
 * ```
 */
export class SchedulesClient {
  readonly #http: HttpTransport;

  constructor(transport: HttpTransport) {
    this.#http = transport;
  }

  async create(options: CreateScheduleOptions): Promise<Schedule> {
    const body: Record<string, unknown> = { pipeline: options.pipeline, cron: options.cron };
    if (options.timezone !== undefined) body.timezone = options.timezone;
    if (options.params !== undefined) body.params = options.params;
    if (options.overlap !== undefined) body.overlap = options.overlap;
    if (options.catchUp !== undefined) body.catch_up = options.catchUp;
    return (await this.#http.request<{ schedule: Schedule }>({ method: 'POST', path: `${SLIPWAY}/schedules`, body })).schedule;
  }

  async list(options: ListSchedulesOptions = {}): Promise<Page<Schedule>> {
    const res = await this.#get<{ schedules?: Schedule[]; next_page_token?: string }>(`${SLIPWAY}/schedules`, {
      pipeline: options.pipeline,
      next: options.next,
      max_results: options.maxResults,
      page_token: options.pageToken,
    });
    return { items: res.schedules ?? [], nextPageToken: res.next_page_token };
  }

  iterate(options: Omit<ListSchedulesOptions, 'pageToken' | 'maxResults'> & { pageSize?: number | undefined } = {}): AsyncGenerator<Schedule, void, undefined> {
    return iterate((pageToken) => this.list({ ...options, maxResults: options.pageSize, pageToken }));
  }

  async get(scheduleId: string, options: { next?: number | undefined } = {}): Promise<Schedule> {
    return (await this.#get<{ schedule: Schedule }>(schedulePath(scheduleId), { next: options.next })).schedule;
  }

  async pause(scheduleId: string): Promise<Schedule> {
    return (await this.#http.request<{ schedule: Schedule }>({ method: 'POST', path: `${schedulePath(scheduleId)}/pause`, body: {} })).schedule;
  }

  async resume(scheduleId: string): Promise<Schedule> {
    return (await this.#http.request<{ schedule: Schedule }>({ method: 'POST', path: `${schedulePath(scheduleId)}/resume`, body: {} })).schedule;
  }

  /** Deletes an API-created schedule and its fire history. */
  async delete(scheduleId: string): Promise<void> {
    await this.#http.request<unknown>({ method: 'DELETE', path: schedulePath(scheduleId), body: {} });
  }

  /** One page of the schedule's fire records, newest due time first. */
  async fires(scheduleId: string, options: { maxResults?: number | undefined; pageToken?: string | undefined } = {}): Promise<Page<ScheduleFire>> {
    const res = await this.#get<{ fires?: ScheduleFire[]; next_page_token?: string }>(`${schedulePath(scheduleId)}/fires`, {
      max_results: options.maxResults,
      page_token: options.pageToken,
    });
    return { items: res.fires ?? [], nextPageToken: res.next_page_token };
  }

  iterateFires(scheduleId: string, options: { pageSize?: number | undefined } = {}): AsyncGenerator<ScheduleFire, void, undefined> {
    return iterate((pageToken) => this.fires(scheduleId, { maxResults: options.pageSize, pageToken }));
  }

  #get<T>(path: string, query?: Record<string, QueryValue>): Promise<T> {
    return this.#http.request<T>({ method: 'GET', path, query });
  }
}

function schedulePath(scheduleId: string): string {
  return `${SLIPWAY}/schedules/${encodeURIComponent(scheduleId)}`;
}

/**
 * The scheduler: fires schedules at their due times, on every server, with the database
 * electing the one that fires.
 *
 * Each tick it takes (or renews) the `scheduler` lease; only the holder goes on. For each
 * schedule that is not paused it computes the due times since the schedule's cursor and
 * records each one as a fire (one row per `(schedule, due time)`, inserted before anything
 * is started: a second server that saw the same due time fails the insert and does
 * nothing). Then it applies the overlap policy and starts the execution. A fire left
 * `pending` by a crash between the insert and the start is finished by the next leader: it
 * looks for an execution with the fire's trigger detail and links it, or starts one.
 *
 * It keeps nothing in memory that matters across a restart: the cursors, the queued fires
 * and the lease are in the database, so a restart (or another server taking over) loses
 * no due time within the catch-up window.
 * @module
 */

import { isSlipwayError, SlipwayError } from '../core/errors/slipway-error.js';
import type { ExecutionStatus, PageRequest, PipelineVersion, ResultPage } from '../core/pipelines/execution-model.js';
import type { LeaseStore } from '../core/ports/lease-store.js';
import type { ScheduleStore } from '../core/ports/schedule-store.js';
import { CronSchedule } from '../core/schedules/cron-schedule.js';
import { scheduleTriggerDetail, type FireStatus, type Schedule, type ScheduleFire, type ScheduleView } from '../core/schedules/schedule.js';
import type { CreateScheduleInput, ListSchedulesQuery, ScheduleOperations } from '../core/schedules/schedule-operations.js';
import { decodePageToken, nextPageToken } from '../core/tracking/page-token.js';
import { readScheduleInput } from './read-schedule-input.js';
import { apiScheduleId, pipelineScheduleId } from './schedule-ids.js';
import type { SchedulerPipelines } from './scheduler-pipelines.js';

export type { SchedulerPipelines } from './scheduler-pipelines.js';

/** The lease whose holder fires schedules. */
export const SCHEDULER_LEASE = 'scheduler';

const ACTIVE: readonly ExecutionStatus[] = ['queued', 'running', 'cancelling'];
/** Due times handled per schedule per tick (a every-second cron after a long outage catches up over several ticks). */
const MAX_DUE_PER_TICK = 1000;

export interface SchedulerDeps {
  readonly store: ScheduleStore;
  readonly leases: LeaseStore;
  readonly pipelines: SchedulerPipelines;
}

export interface SchedulerOptions {
  /** ms since the epoch; every time the scheduler uses comes from here. */
  readonly now: () => number;
  /** This server's identity in the lease and the fire records. */
  readonly holder: string;
  /** How often it ticks on its own; 0 = only when `tick()` is called. @default 1000 */
  readonly intervalMs?: number | undefined;
  /** How long the lease lasts without a renewal: a crashed leader is replaced after at most this. @default 15000 */
  readonly leaseTtlMs?: number | undefined;
  /**
   * A due time is on time (not "missed") up to this long after it, whatever the catch-up
   * window: ticks are not instantaneous. @default 60000
   */
  readonly lateGraceMs?: number | undefined;
  /** A `pending` fire older than this is taken to be left by a crash. @default the lease TTL */
  readonly recoverAfterMs?: number | undefined;
  readonly log?: { warn(message: string): void } | undefined;
}

export class Scheduler implements ScheduleOperations {
  readonly #deps: SchedulerDeps;
  readonly #now: () => number;
  readonly #holder: string;
  readonly #intervalMs: number;
  readonly #leaseTtlMs: number;
  readonly #lateGraceMs: number;
  readonly #recoverAfterMs: number;
  readonly #warn: (message: string) => void;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #stopped = false;
  #leader = false;

  constructor(deps: SchedulerDeps, options: SchedulerOptions) {
    this.#deps = deps;
    this.#now = options.now;
    this.#holder = options.holder;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#leaseTtlMs = options.leaseTtlMs ?? 15_000;
    this.#lateGraceMs = options.lateGraceMs ?? 60_000;
    this.#recoverAfterMs = options.recoverAfterMs ?? this.#leaseTtlMs;
    this.#warn = (message) => options.log?.warn(message);
  }

  /** Whether this scheduler held the lease at its last tick. */
  get leader(): boolean {
    return this.#leader;
  }

  // --- lifecycle -----------------------------------------------------------------------

  /** Reconciles the pipelines' `on: schedule:` entries, then ticks every `intervalMs`. */
  async start(): Promise<void> {
    for (const name of await this.#deps.pipelines.listPipelineNames()) {
      try {
        await this.syncPipeline(await this.#deps.pipelines.getPipeline(name));
      } catch (e) {
        this.#warn(`scheduler: cannot read the schedules of pipeline '${name}': ${describe(e)}`);
      }
    }
    if (this.#intervalMs > 0) {
      this.#timer = setInterval(() => void this.tick(), this.#intervalMs);
      this.#timer.unref();
      void this.tick();
    }
  }

  /** Stops ticking, lets a tick in progress finish and gives up the lease (so another server takes over at once). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#ticking;
    try {
      await this.#deps.leases.release(SCHEDULER_LEASE, this.#holder);
    } catch (e) {
      this.#warn(`scheduler: cannot release the lease: ${describe(e)}`);
    }
  }

  /** One round: renew or take the lease; if held, finish crashed fires, start queued ones, fire due ones. */
  tick(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    // One tick at a time: a call during a tick waits for it (and does not start another).
    this.#ticking ??= this.#round().finally(() => (this.#ticking = undefined));
    return this.#ticking;
  }

  async #round(): Promise<void> {
    const store = this.#deps.store;
    try {
      this.#leader = await this.#deps.leases.tryAcquire(SCHEDULER_LEASE, this.#holder, this.#leaseTtlMs, this.#now());
      if (!this.#leader) return;
      await this.#recoverPending();
      await this.#startQueued();
      for (const schedule of await store.listActiveSchedules()) {
        if (this.#stopped) return;
        try {
          await this.#fireDue(schedule);
        } catch (e) {
          this.#warn(`scheduler: schedule ${schedule.scheduleId}: ${describe(e)}`);
        }
      }
    } catch (e) {
      this.#warn(`scheduler: ${describe(e)}`);
    }
  }

  // --- pipelines' `on: schedule:` ------------------------------------------------------

  /**
   * Makes the pipeline's `pipeline` schedules match its latest version's `on: schedule:`
   * (`version` is the one just stored; an upsert of older content does not make it the latest).
   */
  async syncPipeline(version: PipelineVersion): Promise<void> {
    const latest = await this.#deps.pipelines.getPipeline(version.name).catch(() => version);
    const current = latest.version >= version.version ? latest : version;
    const now = this.#now();
    const schedules: Schedule[] = (current.definition.on?.schedule ?? []).map((spec) => ({
      scheduleId: pipelineScheduleId(current.name, spec),
      pipelineName: current.name,
      source: 'pipeline',
      cron: spec.cron,
      timezone: spec.timezone,
      params: spec.params,
      overlap: spec.overlap,
      catchUpSeconds: spec.catchUpSeconds,
      paused: false,
      cursorTime: now,
      createdTime: now,
      updatedTime: now,
      createdBy: current.createdBy,
    }));
    try {
      await this.#deps.store.syncPipelineSchedules(current.name, schedules);
    } catch {
      // Another server synced the same version at the same moment (a unique key clashed): once more sees its rows.
      await this.#deps.store.syncPipelineSchedules(current.name, schedules);
    }
  }

  // --- firing --------------------------------------------------------------------------

  async #fireDue(schedule: Schedule): Promise<void> {
    const now = this.#now();
    const due = new CronSchedule(schedule.cron, schedule.timezone).dueTimes(schedule.cursorTime, now, MAX_DUE_PER_TICK);
    const window = Math.max(schedule.catchUpSeconds * 1000, this.#lateGraceMs);
    for (const dueTime of due) {
      if (now - dueTime > window) {
        await this.#claim(schedule, dueTime, 'missed', `no server fired it by ${iso(dueTime + window)}: it is older than the catch-up window (${schedule.catchUpSeconds}s)`);
        continue;
      }
      const overlap = await this.#overlap(schedule);
      if (overlap !== undefined && schedule.overlap === 'skip') {
        await this.#claim(schedule, dueTime, 'skipped', `execution ${overlap} was still active (overlap: skip)`);
      } else if (overlap !== undefined && schedule.overlap === 'queue') {
        await this.#claim(schedule, dueTime, 'queued', `waiting for execution ${overlap} to end (overlap: queue)`);
      } else if (await this.#claim(schedule, dueTime, 'pending')) {
        await this.#start(schedule, dueTime);
      }
    }
  }

  /**
   * The previous execution of the schedule that is still active (or, under `queue`, an
   * earlier fire still waiting its turn), or undefined.
   */
  async #overlap(schedule: Schedule): Promise<string | undefined> {
    if (schedule.overlap === 'allow') return undefined;
    if (schedule.overlap === 'queue') {
      const waiting = (await this.#deps.store.listFiresByStatus('queued')).find((f) => f.scheduleId === schedule.scheduleId);
      if (waiting !== undefined) return `queued at ${iso(waiting.dueTime)}`;
    }
    const previous = await this.#deps.store.lastStartedFire(schedule.scheduleId);
    if (previous?.executionId === undefined) return undefined;
    const status = await this.#deps.pipelines.executionStatus(previous.executionId);
    return status !== undefined && ACTIVE.includes(status) ? previous.executionId : undefined;
  }

  async #claim(schedule: Schedule, dueTime: number, status: FireStatus, reason?: string): Promise<boolean> {
    const now = this.#now();
    return this.#deps.store.claimFire({
      scheduleId: schedule.scheduleId,
      dueTime,
      status,
      ...(reason === undefined ? {} : { reason }),
      holder: this.#holder,
      recordedTime: now,
      updatedTime: now,
    });
  }

  /** Starts the execution of a `pending` fire and records it (or why it could not start). */
  async #start(schedule: Schedule, dueTime: number): Promise<void> {
    const store = this.#deps.store;
    try {
      const { executionId } = await this.#deps.pipelines.startExecution(schedule.pipelineName, schedule.params, {
        type: 'schedule',
        detail: scheduleTriggerDetail(schedule, dueTime),
      });
      await store.updateFire(schedule.scheduleId, dueTime, { status: 'fired', executionId, updatedTime: this.#now() }, 'pending');
    } catch (e) {
      // A refusal (the pipeline is gone, a param no longer fits) is final; anything else
      // (the database went away) leaves the fire pending for recovery to try again.
      if (isSlipwayError(e)) {
        await store.updateFire(schedule.scheduleId, dueTime, { status: 'failed', reason: describe(e), updatedTime: this.#now() }, 'pending');
      } else {
        this.#warn(`scheduler: cannot start ${schedule.pipelineName} for ${schedule.scheduleId} @ ${iso(dueTime)}: ${describe(e)}`);
      }
    }
  }

  /** Queued fires whose previous execution has ended start, oldest first, one per schedule per tick. */
  async #startQueued(): Promise<void> {
    const store = this.#deps.store;
    const seen = new Set<string>();
    for (const fire of await store.listFiresByStatus('queued')) {
      if (seen.has(fire.scheduleId)) continue;
      seen.add(fire.scheduleId);
      const schedule = await store.getSchedule(fire.scheduleId).catch(() => undefined);
      if (schedule === undefined || schedule.paused) continue;
      const previous = await store.lastStartedFire(schedule.scheduleId);
      if (previous?.executionId !== undefined) {
        const status = await this.#deps.pipelines.executionStatus(previous.executionId);
        if (status !== undefined && ACTIVE.includes(status)) continue;
      }
      if (await store.updateFire(fire.scheduleId, fire.dueTime, { status: 'pending', updatedTime: this.#now() }, 'queued')) {
        await this.#start(schedule, fire.dueTime);
      }
    }
  }

  /**
   * Pending fires older than `recoverAfterMs` were left by a crash (or a failed start):
   * link the execution if it was started, else start it now.
   */
  async #recoverPending(): Promise<void> {
    const store = this.#deps.store;
    const now = this.#now();
    for (const fire of await store.listFiresByStatus('pending')) {
      if (now - fire.updatedTime < this.#recoverAfterMs) continue;
      const schedule = await store.getSchedule(fire.scheduleId).catch(() => undefined);
      if (schedule === undefined) continue;
      const executionId = await this.#deps.pipelines.findExecution(schedule.pipelineName, scheduleTriggerDetail(schedule, fire.dueTime));
      if (executionId !== undefined) {
        await store.updateFire(fire.scheduleId, fire.dueTime, { status: 'fired', executionId, updatedTime: now }, 'pending');
      } else {
        await this.#start(schedule, fire.dueTime);
      }
    }
  }

  // --- operations ----------------------------------------------------------------------

  async createSchedule(input: CreateScheduleInput, actor: string): Promise<ScheduleView> {
    if (input.pipelineName.trim() === '') throw SlipwayError.invalidParameter("Missing value for required parameter 'pipeline'.");
    const version = await this.#deps.pipelines.getPipeline(input.pipelineName);
    const checked = readScheduleInput(input, version.definition);
    const now = this.#now();
    const schedule = await this.#deps.store.createSchedule({
      scheduleId: apiScheduleId(),
      pipelineName: version.name,
      source: 'api',
      ...checked,
      paused: false,
      cursorTime: now,
      createdTime: now,
      updatedTime: now,
      createdBy: actor,
    });
    return this.#view(schedule);
  }

  async listSchedules(query: ListSchedulesQuery): Promise<ResultPage<ScheduleView>> {
    const limit = pageSize(query.maxResults);
    const offset = decodePageToken(query.pageToken);
    const page = await this.#deps.store.listSchedules({ limit, offset, pipelineName: query.pipelineName });
    return { items: page.items.map((s) => this.#view(s, query.nextCount)), nextPageToken: nextPageToken(offset, page.items.length, page.hasMore) };
  }

  async getSchedule(scheduleId: string, nextCount?: number): Promise<ScheduleView> {
    return this.#view(await this.#deps.store.getSchedule(scheduleId), nextCount);
  }

  async pauseSchedule(scheduleId: string): Promise<ScheduleView> {
    return this.#view(await this.#deps.store.setPaused(scheduleId, true, this.#now()));
  }

  async resumeSchedule(scheduleId: string): Promise<ScheduleView> {
    const schedule = await this.#deps.store.getSchedule(scheduleId);
    if (!schedule.paused) return this.#view(schedule);
    const now = this.#now();
    // Due times while paused are not fired: the cursor moves to now.
    return this.#view(await this.#deps.store.setPaused(scheduleId, false, now, Math.max(now, schedule.cursorTime)));
  }

  async deleteSchedule(scheduleId: string): Promise<void> {
    const schedule = await this.#deps.store.getSchedule(scheduleId);
    if (schedule.source === 'pipeline') {
      throw new SlipwayError(
        'RESOURCE_CONFLICT',
        `Schedule '${scheduleId}' comes from pipeline '${schedule.pipelineName}' (on.schedule): remove it from the pipeline and upsert it again, or pause it.`,
      );
    }
    await this.#deps.store.deleteSchedule(scheduleId);
  }

  async listFires(scheduleId: string, query: PageRequest): Promise<ResultPage<ScheduleFire>> {
    const limit = pageSize(query.maxResults);
    const offset = decodePageToken(query.pageToken);
    const page = await this.#deps.store.listFires(scheduleId, { limit, offset });
    return { items: page.items, nextPageToken: nextPageToken(offset, page.items.length, page.hasMore) };
  }

  /** The schedule with its next fire times (from now, or from its cursor when that is later). */
  #view(schedule: Schedule, nextCount = 3): ScheduleView {
    if (!Number.isInteger(nextCount) || nextCount < 0 || nextCount > 20) {
      throw SlipwayError.invalidParameter(`Invalid value ${nextCount} for parameter 'next' supplied: it must be between 0 and 20.`);
    }
    const from = Math.max(this.#now(), schedule.cursorTime);
    const nextFireTimes = schedule.paused || nextCount === 0 ? [] : new CronSchedule(schedule.cron, schedule.timezone).nextTimes(from, nextCount);
    return { ...schedule, nextFireTimes };
  }
}

function pageSize(maxResults: number | undefined): number {
  if (maxResults === undefined) return 100;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
    throw SlipwayError.invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied: it must be between 1 and 1000.`);
  }
  return maxResults;
}

function iso(time: number): string {
  return new Date(time).toISOString();
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

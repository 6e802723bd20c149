import { isSlipwayError, SlipwayError } from '../core/errors/slipway-error.js';
import type { PipelineVersion } from '../core/pipelines/execution-model.js';
import type { JsonValue } from '../core/pipelines/pipeline-model.js';
import type { Page } from '../core/ports/tracking-store.js';
import type { ListTriggersQuery, NewTrigger } from '../core/ports/trigger-store.js';
import { configText, type Trigger, type TriggerEvent } from '../core/triggers/trigger.js';
import { DataWatcher } from './data-watcher.js';
import { fireTrigger } from './fire-trigger.js';
import { handleHook, type HookRequest, type HookResult } from './hook-handler.js';
import { PipelineFinishedWatcher } from './pipeline-finished-watcher.js';
import { RegistryWatcher } from './registry-watcher.js';
import { apiTriggerDefinition, pipelineTriggerDefinitions, type CreateTriggerRequest, type TriggerDefinition } from './trigger-definitions.js';
import type { MatchedEvent, TriggerServiceDeps, TriggerServiceOptions } from './trigger-context.js';

/** The lease the watchers poll under when the service has a lease store. */
const LEASE_NAME = 'triggers';

export type { StartExecution, TriggerServiceDeps, TriggerServiceOptions } from './trigger-context.js';

/**
 * Event triggers: keeps the triggers a pipeline's `on:` block declares in step with its
 * latest version ({@link syncPipeline}), offers the API's create/list/get/delete/enable/
 * disable, answers webhook deliveries ({@link handleHook}), and runs the watchers that
 * poll for data changes, registry events and finished executions. Everything it needs to
 * survive a restart (data digests, cursors, the events it handled) is in the store;
 * claims unique per (trigger, event) make two servers on one database start one
 * execution per event.
 */
export class TriggerService {
  readonly #deps: TriggerServiceDeps;
  readonly #secrets: Readonly<Record<string, string>>;
  readonly #pollIntervalMs: number;
  readonly #now: () => number;
  readonly #log: { warn(message: string): void };
  readonly #data: DataWatcher;
  readonly #registry: RegistryWatcher;
  readonly #finished: PipelineFinishedWatcher;
  readonly #holder = crypto.randomUUID();
  #timer: NodeJS.Timeout | undefined;
  #cycle: Promise<void> | undefined;
  #started = false;
  #stopped = false;

  constructor(deps: TriggerServiceDeps, options: TriggerServiceOptions = {}) {
    this.#deps = deps;
    this.#secrets = options.secrets ?? {};
    this.#pollIntervalMs = options.pollIntervalMs ?? 2_000;
    this.#now = options.clock ?? Date.now;
    this.#log = options.log ?? { warn: () => undefined };
    const fire = (trigger: Trigger, event: MatchedEvent): Promise<TriggerEvent | undefined> => this.#fire(trigger, event);
    this.#data = new DataWatcher(deps, { cwd: options.cwd ?? process.cwd(), now: this.#now }, fire);
    this.#registry = new RegistryWatcher(deps, fire);
    this.#finished = new PipelineFinishedWatcher(deps, this.#now, fire);
  }

  // --- lifecycle -------------------------------------------------------------------------

  /**
   * Syncs every stored pipeline's triggers (pipelines stored before this server knew of
   * triggers, or by another server), takes the registry cursor, and starts polling.
   */
  async start(): Promise<void> {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    let pageToken: string | undefined;
    do {
      const page = await this.#deps.pipelines.listPipelines({ maxResults: 1000, pageToken });
      for (const summary of page.items) {
        try {
          await this.syncPipeline(await this.#deps.pipelines.getPipeline(summary.name));
        } catch (e) {
          this.#log.warn(`triggers: could not sync pipeline '${summary.name}': ${message(e)}`);
        }
      }
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined && pageToken !== '');
    await this.#deps.store.readChangeCursor('triggers');
    this.#schedule(this.#pollIntervalMs);
  }

  /** Stops polling and waits for the cycle in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    while (this.#cycle !== undefined) await this.#cycle;
    await this.#deps.leases?.release(LEASE_NAME, this.#holder).catch(() => undefined);
  }

  /** One poll of every watcher now, serialised with the loop (tests, and after a write that matters). */
  async poll(): Promise<void> {
    while (this.#cycle !== undefined) await this.#cycle;
    await this.#runCycle();
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#runCycle(), delayMs);
    this.#timer.unref();
  }

  #runCycle(): Promise<void> {
    if (this.#cycle !== undefined) return this.#cycle;
    this.#cycle = (async () => {
      if (!(await this.#holdsLease())) return;
      for (const [kind, watcher] of [
        ['data', this.#data],
        ['registry', this.#registry],
        ['pipeline', this.#finished],
      ] as const) {
        try {
          await watcher.poll();
        } catch (e) {
          this.#log.warn(`triggers: ${kind} watcher: ${message(e)}; retrying at the next poll`);
        }
      }
    })().finally(() => {
      this.#cycle = undefined;
      if (this.#started && !this.#stopped) this.#schedule(this.#pollIntervalMs);
    });
    return this.#cycle;
  }

  /** Whether this process may poll now (always, without a lease store). */
  async #holdsLease(): Promise<boolean> {
    const leases = this.#deps.leases;
    if (leases === undefined) return true;
    try {
      return await leases.tryAcquire(LEASE_NAME, this.#holder, Math.max(30_000, 5 * this.#pollIntervalMs), this.#now());
    } catch (e) {
      this.#log.warn(`triggers: could not take the '${LEASE_NAME}' lease: ${message(e)}`);
      return false;
    }
  }

  // --- pipelines ---------------------------------------------------------------------------

  /**
   * Makes the triggers of `version`'s `on:` block the pipeline's `pipeline`-source triggers:
   * new entries are created, changed ones replaced (a changed watch restarts from a new
   * baseline; enabled/disabled is kept), dropped ones deleted. A name already used by
   * another pipeline's or an API trigger is skipped with a warning.
   */
  async syncPipeline(version: PipelineVersion): Promise<void> {
    const wanted = pipelineTriggerDefinitions(version);
    const existing = await this.#all({ pipelineName: version.name, source: 'pipeline' });
    const byName = new Map(existing.map((t) => [t.name, t]));
    for (const old of existing) {
      if (!wanted.some((w) => w.name === old.name)) await this.#deps.store.deleteTrigger(old.name).catch(ignoreNotFound);
    }
    for (const definition of wanted) {
      const old = byName.get(definition.name);
      if (old === undefined) {
        try {
          await this.#create(definition, version.name, 'pipeline', undefined);
        } catch (e) {
          if (isSlipwayError(e) && e.code === 'RESOURCE_ALREADY_EXISTS') {
            const other = await this.#deps.store.getTrigger(definition.name).catch(() => undefined);
            if (other !== undefined && (other.pipelineName !== version.name || other.source !== 'pipeline')) {
              this.#log.warn(`triggers: pipeline '${version.name}' declares trigger '${definition.name}', but that name is taken by ${other.source === 'api' ? 'an API trigger' : `pipeline '${other.pipelineName}'`}; skipped`);
            }
            continue;
          }
          throw e;
        }
        continue;
      }
      const sameWatch = old.type === definition.type && sameJson(old.config, definition.config);
      if (sameWatch && sameJson(old.params, definition.params)) continue;
      await this.#deps.store.replaceTrigger(
        { ...(await this.#newTrigger(definition, version.name, 'pipeline', undefined)), enabled: old.enabled },
        { resetState: !sameWatch },
      );
    }
  }

  // --- API -------------------------------------------------------------------------------------

  /** Creates an API trigger; its pipeline (and a `pipeline` trigger's upstream) must exist. */
  async createTrigger(request: CreateTriggerRequest & { readonly enabled?: boolean | undefined }): Promise<Trigger> {
    const pipeline = await this.#existingPipeline(request.pipeline, 'pipeline');
    const definition = apiTriggerDefinition(request, pipeline.definition.params);
    if (definition.type === 'pipeline') await this.#existingPipeline(configText(definition.config, 'pipeline'), 'config.pipeline');
    if ((definition.type === 'push' || definition.type === 'webhook') && request.secret === undefined && typeof definition.config.secret === 'string') {
      if (this.#secrets[definition.config.secret] === undefined) {
        throw SlipwayError.invalidParameter(`config.secret: the server has no secret '${definition.config.secret}' (start it with --pipeline-secrets ${definition.config.secret}), or pass the value as 'secret'`);
      }
    }
    const created = await this.#create(definition, request.pipeline, 'api', request.secret === '' ? undefined : request.secret);
    return request.enabled === false ? this.#deps.store.setEnabled(created.name, false) : created;
  }

  getTrigger(name: string): Promise<Trigger> {
    return this.#deps.store.getTrigger(name);
  }
  listTriggers(query: ListTriggersQuery): Promise<Page<Trigger>> {
    return this.#deps.store.listTriggers(query);
  }
  deleteTrigger(name: string): Promise<void> {
    return this.#deps.store.deleteTrigger(name);
  }
  setEnabled(name: string, enabled: boolean): Promise<Trigger> {
    return this.#deps.store.setEnabled(name, enabled);
  }
  async listEvents(name: string, paging: { readonly limit: number; readonly offset: number }): Promise<Page<TriggerEvent>> {
    await this.#deps.store.getTrigger(name);
    return this.#deps.store.listEvents(name, paging);
  }

  /** A delivery to `/hooks/<name>`; see `hook-handler.ts`. */
  handleHook(name: string, request: HookRequest): Promise<HookResult> {
    return handleHook({ store: this.#deps.store, secrets: this.#secrets, now: this.#now, fire: (t, e) => this.#fire(t, e) }, name, request);
  }

  // --- internals -------------------------------------------------------------------------------

  #fire(trigger: Trigger, event: MatchedEvent): Promise<TriggerEvent | undefined> {
    return fireTrigger({ store: this.#deps.store, startExecution: this.#deps.startExecution, now: this.#now }, trigger, event);
  }

  async #create(definition: TriggerDefinition, pipelineName: string, source: 'pipeline' | 'api', secret: string | undefined): Promise<Trigger> {
    return this.#deps.store.createTrigger(await this.#newTrigger(definition, pipelineName, source, secret));
  }

  async #newTrigger(definition: TriggerDefinition, pipelineName: string, source: 'pipeline' | 'api', secret: string | undefined): Promise<NewTrigger> {
    const now = this.#now();
    // A new data watch starts from what its path holds now; a pipeline watch from now.
    const state: JsonValue | undefined =
      definition.type === 'data'
        ? ((await this.#data.baseline(definition.config, pipelineName)) as unknown as JsonValue)
        : definition.type === 'pipeline'
          ? { since: now }
          : undefined;
    return {
      name: definition.name,
      pipelineName,
      type: definition.type,
      config: definition.config,
      params: definition.params,
      enabled: true,
      source,
      ...(secret === undefined ? {} : { secret }),
      ...(state === undefined ? {} : { state }),
      createdTime: now,
    };
  }

  async #existingPipeline(name: string, field: string): Promise<PipelineVersion> {
    try {
      return await this.#deps.pipelines.getPipeline(name);
    } catch (e) {
      if (isSlipwayError(e) && e.code === 'RESOURCE_DOES_NOT_EXIST') throw SlipwayError.invalidParameter(`${field}: pipeline '${name}' does not exist`);
      throw e;
    }
  }

  async #all(query: Omit<ListTriggersQuery, 'limit' | 'offset'>): Promise<Trigger[]> {
    const out: Trigger[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await this.#deps.store.listTriggers({ ...query, limit: 1000, offset });
      out.push(...page.items);
      if (!page.hasMore) return out;
    }
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function ignoreNotFound(e: unknown): void {
  if (!(isSlipwayError(e) && e.code === 'RESOURCE_DOES_NOT_EXIST')) throw e;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

import { LINEAGE_NODE_KINDS, lineageNodeId } from '../core/entities/lineage.js';
import type { JsonValue } from '../core/pipelines/pipeline-model.js';
import { configText, type Trigger } from '../core/triggers/trigger.js';
import { changedPaths, dataDigests, digestSetHash } from './data-digests.js';
import type { MatchedEvent, TriggerServiceDeps } from './trigger-context.js';

/** Lineage links recorded per firing, at most (a directory of thousands of files gets the first ones). */
const MAX_LINEAGE_LINKS = 100;

/** The persisted state of a data trigger: the digests it last fired for (or took as its baseline). */
interface DataState {
  readonly digests: Record<string, string>;
}

/**
 * Watches the paths of `data` triggers by polling: each poll digests the watched files;
 * when the digest set differs from the one last fired for and has stayed the same for the
 * trigger's debounce, the trigger fires once. Firing is decided by a compare-and-set of
 * the persisted digests, so after a restart an unchanged path does not fire again, and of
 * two servers only one fires. The first scan of a new trigger is its baseline.
 */
export class DataWatcher {
  /** Digest sets seen changing, by trigger: when the current one was first seen. */
  readonly #pending = new Map<string, { readonly hash: string; readonly since: number }>();

  constructor(
    private readonly deps: TriggerServiceDeps,
    private readonly options: { readonly cwd: string; readonly now: () => number },
    private readonly fire: (trigger: Trigger, event: MatchedEvent) => Promise<unknown>,
  ) {}

  /** The state a new data trigger starts with: what its path holds now. */
  async baseline(config: Readonly<Record<string, JsonValue>>, pipelineName: string): Promise<DataState> {
    return { digests: await dataDigests(configText(config, 'path'), { artifacts: this.deps.artifacts, cwd: await this.#cwdOf(pipelineName) }) };
  }

  /** What a relative path of the pipeline's triggers is relative to. */
  async #cwdOf(pipelineName: string): Promise<string> {
    const codeDir = await this.deps.codeDirOf?.(pipelineName).catch(() => undefined);
    return codeDir ?? this.options.cwd;
  }

  async poll(): Promise<void> {
    const triggers = await this.deps.store.triggersOfType('data');
    const live = new Set(triggers.map((t) => t.name));
    for (const name of this.#pending.keys()) if (!live.has(name)) this.#pending.delete(name);
    for (const trigger of triggers) await this.#check(trigger);
  }

  async #check(trigger: Trigger): Promise<void> {
    const current = await dataDigests(configText(trigger.config, 'path'), { artifacts: this.deps.artifacts, cwd: await this.#cwdOf(trigger.pipelineName) });
    const { state, revision } = await this.deps.store.readState(trigger.name);
    if (state === undefined) {
      await this.deps.store.compareAndSetState(trigger.name, revision, { digests: current });
      return;
    }
    const before = (state as unknown as DataState).digests;
    const hash = digestSetHash(current);
    if (hash === digestSetHash(before)) {
      this.#pending.delete(trigger.name);
      return;
    }
    const now = this.options.now();
    const pending = this.#pending.get(trigger.name);
    if (pending?.hash !== hash) {
      this.#pending.set(trigger.name, { hash, since: now });
      if (Number(trigger.config.debounceSeconds) > 0) return;
    } else if (now - pending.since < Number(trigger.config.debounceSeconds) * 1000) {
      return;
    }
    // Stable for the debounce: whoever moves the state fires.
    if (!(await this.deps.store.compareAndSetState(trigger.name, revision, { digests: current }))) return;
    this.#pending.delete(trigger.name);
    const changed = changedPaths(before, current);
    const changedDigests = Object.fromEntries(changed.filter((p) => current[p] !== undefined).map((p) => [p, current[p]!]));
    const pipeline = await this.deps.pipelines.getPipeline(trigger.pipelineName).catch(() => undefined);
    const declared = pipeline?.definition.params ?? {};
    const extraParams: Record<string, string> = {};
    if (Object.hasOwn(declared, 'changed_paths')) extraParams.changed_paths = JSON.stringify(changed);
    if (Object.hasOwn(declared, 'digests')) extraParams.digests = JSON.stringify(changedDigests);
    await this.fire(trigger, {
      summary: { path: configText(trigger.config, 'path'), changed_paths: changed.slice(0, 100), digests: limitEntries(changedDigests, 100), files: Object.keys(current).length },
      description: `data changed at ${configText(trigger.config, 'path')} (${changed.length} path${changed.length === 1 ? '' : 's'})`,
      context: { path: trigger.config.path, changed_paths: changed, digests: changedDigests },
      dedupKey: `data:${revision + 1}:${hash}`,
      extraParams,
      afterStart: async (executionId) => {
        for (const [path, digest] of Object.entries(changedDigests).slice(0, MAX_LINEAGE_LINKS)) {
          await this.deps.registry.addLineageLink({
            from: lineageNodeId(LINEAGE_NODE_KINDS.DATASET, `${path}@${digest}`),
            to: lineageNodeId(LINEAGE_NODE_KINDS.PIPELINE_EXECUTION, executionId),
            relation: 'input_to',
          });
        }
      },
    });
  }
}

function limitEntries(map: Record<string, string>, n: number): Record<string, string> {
  return Object.fromEntries(Object.entries(map).slice(0, n));
}

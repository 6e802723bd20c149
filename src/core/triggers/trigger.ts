import type { JsonValue } from '../pipelines/pipeline-model.js';

/**
 * An event trigger: what starts executions of a pipeline when something happens outside
 * it. Triggers come from a pipeline's `on:` block (source `pipeline`, replaced when a new
 * version of the pipeline is stored) or from the API (source `api`). Every event a
 * trigger hears is recorded as a {@link TriggerEvent} with what became of it.
 * @module
 */

export const TRIGGER_TYPES = ['webhook', 'push', 'data', 'registry', 'pipeline'] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

export const TRIGGER_SOURCES = ['pipeline', 'api'] as const;
export type TriggerSource = (typeof TRIGGER_SOURCES)[number];

export interface Trigger {
  /** Unique on the server: `<pipeline>.push`, `<pipeline>.data-0`, or a given name. */
  readonly name: string;
  /** The pipeline it starts (its latest version). */
  readonly pipelineName: string;
  readonly type: TriggerType;
  /**
   * The type's settings, as in the YAML with camelCase keys and without `params`:
   * `{branches, paths, secret}` (the secret's *name*), `{path, debounceSeconds}`,
   * `{model, event, alias}`, `{pipeline, status}`.
   */
  readonly config: Readonly<Record<string, JsonValue>>;
  /** Param values for the executions it starts; may hold `${{ event.… }}` placeholders. */
  readonly params: Readonly<Record<string, string>>;
  readonly enabled: boolean;
  readonly source: TriggerSource;
  /** Whether an API-created webhook trigger carries its own secret (never returned). */
  readonly hasSecret: boolean;
  readonly createdTime: number;
  readonly updatedTime: number;
}

/**
 * What became of an event:
 * - `started`: an execution was started (its id is recorded);
 * - `ignored`: the event did not match (another branch, no watched path changed, a GitHub
 *   event other than `push`, the trigger is disabled);
 * - `rejected`: the request was refused (bad or missing signature);
 * - `failed`: the event matched but the execution could not be started (the reason says why).
 */
export const TRIGGER_OUTCOMES = ['started', 'ignored', 'rejected', 'failed'] as const;
export type TriggerOutcome = (typeof TRIGGER_OUTCOMES)[number];

export interface TriggerEvent {
  readonly eventId: string;
  readonly triggerName: string;
  readonly time: number;
  /**
   * What happened, briefly: GitHub's delivery id, ref, head commit and changed paths; the
   * data paths and digests; the registry change; the finished execution.
   */
  readonly summary: Readonly<Record<string, JsonValue>>;
  readonly outcome: TriggerOutcome;
  readonly reason?: string | undefined;
  readonly executionId?: string | undefined;
}

/** A text setting of a trigger's config (`path`, `model`, `pipeline`, `secret`); '' when absent. */
export function configText(config: Readonly<Record<string, JsonValue>>, key: string): string {
  const value = config[key];
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
}

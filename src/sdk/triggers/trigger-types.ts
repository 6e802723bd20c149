/**
 * Event triggers as the API returns them (snake_case, as on the wire). See docs/triggers.md.
 * @module
 */

export const TRIGGER_TYPES = ['webhook', 'push', 'data', 'registry', 'pipeline'] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

export interface Trigger {
  readonly name: string;
  readonly pipeline: string;
  readonly type: TriggerType;
  /** The type's settings: `{branches, paths, secret}`, `{path, debounce_seconds}`, `{model, event, alias}`, `{pipeline, status}`. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly params: Readonly<Record<string, string>>;
  readonly enabled: boolean;
  /** `pipeline`: declared in a pipeline's `on:` block; `api`: created through the API. */
  readonly source: 'pipeline' | 'api';
  /** Whether the trigger stores its own HMAC secret (never returned). */
  readonly has_secret: boolean;
  readonly created_time: number;
  readonly updated_time: number;
}

export type TriggerOutcome = 'started' | 'ignored' | 'rejected' | 'failed';

/** One event a trigger heard and what became of it. */
export interface TriggerEvent {
  readonly event_id: string;
  readonly trigger: string;
  readonly time: number;
  readonly summary: Readonly<Record<string, unknown>>;
  readonly outcome: TriggerOutcome;
  readonly reason?: string;
  readonly execution_id?: string;
}

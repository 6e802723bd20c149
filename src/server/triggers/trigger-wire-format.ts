import type { Trigger, TriggerEvent } from '../../core/triggers/trigger.js';
import type { Wire } from '../mlflow/wire-format.js';

/** The config keys as the YAML writes them (the model keeps camelCase). */
const WIRE_CONFIG_KEYS: Readonly<Record<string, string>> = { debounceSeconds: 'debounce_seconds' };

/** A trigger as the API shows it: never a secret value (`has_secret` says whether one is stored). */
export function wireTrigger(t: Trigger): Wire {
  return {
    name: t.name,
    pipeline: t.pipelineName,
    type: t.type,
    config: Object.fromEntries(Object.entries(t.config).map(([k, v]) => [WIRE_CONFIG_KEYS[k] ?? k, v])),
    params: t.params,
    enabled: t.enabled,
    source: t.source,
    has_secret: t.hasSecret,
    created_time: t.createdTime,
    updated_time: t.updatedTime,
  };
}

export function wireTriggerEvent(e: TriggerEvent): Wire {
  const out: Wire = { event_id: e.eventId, trigger: e.triggerName, time: e.time, summary: e.summary, outcome: e.outcome };
  if (e.reason !== undefined) out.reason = e.reason;
  if (e.executionId !== undefined) out.execution_id = e.executionId;
  return out;
}

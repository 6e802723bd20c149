import type { IssueList } from './pipeline-issues.js';
import type { EventTriggerSpecs } from './pipeline-model.js';

/** Reads the event triggers of an `on:` map (`push`, `webhook`, `data`, `registry`, `pipeline`; other keys are ignored here). */
export function readEventTriggerSpecs(on: Readonly<Record<string, unknown>>, issues: IssueList): EventTriggerSpecs {
  for (const key of ['push', 'webhook', 'data', 'registry', 'pipeline']) {
    if (on[key] !== undefined) issues.add(['on', key], `'on.${key}' is not supported yet`);
  }
  return { data: [], registry: [], pipeline: [] };
}

/**
 * Reads a pipeline's `on:` block: `schedule` (read by `read-schedule-specs.ts`) and the
 * event triggers `push`, `webhook`, `data`, `registry`, `pipeline` (read by
 * `read-event-trigger-specs.ts`). Problems go to `issues` with their document paths.
 * @module
 */

import { didYouMean, quoteList, type IssueList } from './pipeline-issues.js';
import type { ParamSpec, PipelineTriggers } from './pipeline-model.js';
import { readEventTriggerSpecs } from './read-event-trigger-specs.js';
import { readScheduleSpecs } from './read-schedule-specs.js';

export const TRIGGER_KEYS = ['schedule', 'push', 'webhook', 'data', 'registry', 'pipeline'] as const;

/** Keys people bring from GitHub Actions and other tools, and what Slipway calls them. */
const TRIGGER_KEY_HINTS: Readonly<Record<string, string>> = {
  workflow_dispatch: "every pipeline can be started by hand ('slipway run'); nothing to declare",
  pull_request: "only 'push' events are understood",
  workflow_run: "use 'pipeline' (run when another pipeline finishes)",
  cron: "put cron entries under 'schedule' (a list of {cron, timezone})",
  schedules: "use 'schedule'",
  files: "use 'data' (watch a file, directory or glob)",
  model: "use 'registry' (a model's registry events)",
};

/**
 * The `on:` block, or undefined when it is absent. `params` are the pipeline's declared
 * params, read before: the triggers' `params` must name them.
 */
export function readPipelineTriggers(value: unknown, issues: IssueList, params: Readonly<Record<string, ParamSpec>>): PipelineTriggers | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    issues.add(['on'], `'on' must be a map of triggers (${quoteList(TRIGGER_KEYS, 'and')}), not ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}`);
    return undefined;
  }
  const map = value as Record<string, unknown>;
  for (const key of Object.keys(map)) {
    if ((TRIGGER_KEYS as readonly string[]).includes(key)) continue;
    const hint = Object.hasOwn(TRIGGER_KEY_HINTS, key) ? ` (${TRIGGER_KEY_HINTS[key]})` : didYouMean(key, TRIGGER_KEYS);
    issues.add(['on', key], `unknown trigger '${key}' in 'on'${hint || ` (expected ${quoteList(TRIGGER_KEYS, 'or')})`}`, { target: 'key' });
  }
  const schedule = map.schedule === undefined || map.schedule === null ? [] : readScheduleSpecs(map.schedule, ['on', 'schedule'], issues);
  const events = readEventTriggerSpecs(map, issues, params);
  return { schedule, events };
}

import type { Trigger, TriggerEvent } from '../sdk/index.js';
import { formatTime, keyValueBlock } from './models-view.js';
import { formatTable, singleLine, truncate } from './text-table.js';

/**
 * What `slipway triggers …` prints for people (scripts use `--json`): pure functions from
 * the SDK's wire objects to text. No secret ever reaches them (the server returns none).
 * @module
 */

/** What a trigger watches, in one line: `main, release/* · src/**`, `housing approval_granted`. */
export function describeWatch(t: Trigger): string {
  const c = t.config;
  const list = (v: unknown): string => (Array.isArray(v) && v.length > 0 ? v.join(', ') : '*');
  switch (t.type) {
    case 'push':
      return `branches ${list(c.branches)}; paths ${list(c.paths)}`;
    case 'webhook':
      return 'any signed JSON';
    case 'data':
      return `${String(c.path)} (debounce ${String(c.debounce_seconds)}s)`;
    case 'registry':
      return `${String(c.model)} ${String(c.event)}${typeof c.alias === 'string' ? ` @${c.alias}` : ''}`;
    case 'pipeline':
      return `${String(c.pipeline)} ${Array.isArray(c.status) ? c.status.join('|') : 'succeeded'}`;
  }
}

export function renderTriggerList(triggers: readonly Trigger[]): string {
  if (triggers.length === 0) return 'No triggers.\n';
  return formatTable(
    [{ header: 'NAME', maxWidth: 40 }, { header: 'PIPELINE', maxWidth: 30 }, { header: 'TYPE' }, { header: 'SOURCE' }, { header: 'ENABLED' }, { header: 'WATCHES', maxWidth: 60 }],
    triggers.map((t) => [t.name, t.pipeline, t.type, t.source, t.enabled ? 'yes' : 'no', describeWatch(t)]),
  );
}

export function renderTriggerDetail(t: Trigger, hookUrl?: string): string {
  const secret =
    t.type === 'push' || t.type === 'webhook'
      ? [t.has_secret ? 'stored with the trigger' : typeof t.config.secret === 'string' ? `server secret ${t.config.secret}` : '-']
      : undefined;
  return keyValueBlock([
    ['Name', [t.name]],
    ['Pipeline', [t.pipeline]],
    ['Type', [t.type]],
    ['Source', [t.source === 'pipeline' ? "the pipeline's on: block" : 'API']],
    ['Enabled', [t.enabled ? 'yes' : 'no']],
    ['Watches', [describeWatch(t)]],
    ...(secret === undefined ? [] : ([['Secret', secret]] as [string, string[]][])),
    ...(hookUrl === undefined ? [] : ([['Hook URL', [hookUrl]]] as [string, string[]][])),
    ['Params', Object.keys(t.params).length === 0 ? ['-'] : Object.entries(t.params).map(([k, v]) => `${k}=${v}`)],
    ['Created', [formatTime(t.created_time)]],
    ['Updated', [formatTime(t.updated_time)]],
  ]);
}

/** The event itself in one line: `push refs/heads/main c0ffee12 (2 paths)`, `housing v3`, … */
export function describeEvent(e: TriggerEvent): string {
  const s = e.summary;
  const parts: string[] = [];
  if (typeof s.github_event === 'string') parts.push(s.github_event);
  if (typeof s.ref === 'string') parts.push(s.ref);
  if (typeof s.head_commit === 'string') parts.push(s.head_commit.slice(0, 12));
  if (Array.isArray(s.changed_paths)) parts.push(`${s.changed_paths.length} changed`);
  if (typeof s.event === 'string') parts.push(s.event);
  if (typeof s.model === 'string') parts.push(`${s.model}${typeof s.version === 'number' ? ` v${s.version}` : ''}`);
  if (typeof s.alias === 'string') parts.push(`@${s.alias}`);
  if (typeof s.execution_id === 'string') parts.push(`${String(s.pipeline)} ${String(s.status)} ${s.execution_id}`);
  if (typeof s.delivery_id === 'string') parts.push(`delivery ${s.delivery_id}`);
  return parts.length === 0 ? JSON.stringify(s) : parts.join(' ');
}

export function renderTriggerEvents(events: readonly TriggerEvent[]): string {
  if (events.length === 0) return 'No events.\n';
  return formatTable(
    [{ header: 'TIME' }, { header: 'OUTCOME' }, { header: 'EXECUTION' }, { header: 'EVENT', maxWidth: 60 }, { header: 'REASON', maxWidth: 60 }],
    events.map((e) => [formatTime(e.time), e.outcome, e.execution_id ?? '', describeEvent(e), e.reason === undefined ? '' : truncate(singleLine(e.reason), 200)]),
  );
}

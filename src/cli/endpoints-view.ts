import type { Endpoint, EndpointEvent, EndpointRollout, EndpointVariant } from '../sdk/index.js';
import { formatTime, keyValueBlock } from './models-view.js';
import { formatTable, singleLine } from './text-table.js';

/**
 * What `slipway endpoints …` prints for people (scripts use `--json`): pure functions from
 * the SDK's wire objects to text.
 * @module
 */

/** `housing/3`, with the URI when it named an alias: `housing/3 (models:/housing@champion)`. */
function modelOf(v: EndpointVariant): string {
  const pinned = `${v.model_name}/${v.model_version}`;
  return v.model_uri.includes('@') ? `${pinned} (${v.model_uri})` : pinned;
}

/** `70 %`, or `shadow 10 %`. */
function shareOf(v: EndpointVariant): string {
  return v.shadow === undefined ? `${v.weight} %` : `shadow ${v.shadow.sample_percent} %`;
}

/** `onnx (compiled to ONNX; …)`, `auto` while not loaded. */
function runtimeOf(v: EndpointVariant): string {
  if (v.serving_runtime === undefined) return v.runtime === 'auto' ? 'auto' : `${v.runtime} (asked)`;
  return v.runtime_reason === undefined ? v.serving_runtime : `${v.serving_runtime}: ${v.runtime_reason}`;
}

/** `Baking, step 2/3 (50 %)`, `Warming`, `Completed`, `RolledBack`. */
export function describeRollout(r: EndpointRollout): string {
  if (r.phase === 'Baking' && r.step >= 0) return `Baking, step ${r.step + 1}/${r.steps.length} (${r.target_percent} %)`;
  return r.phase;
}

/** One line for `--wait` progress: `Updating — rollout Baking, step 1/3 (10 %)`. */
export function describeProgress(e: Endpoint): string {
  const rollout = e.rollout !== undefined && (e.rollout.phase === 'Warming' || e.rollout.phase === 'Baking') ? ` — rollout ${describeRollout(e.rollout)}` : '';
  const variants = [...e.variants, ...(rollout === '' ? [] : (e.rollout?.target ?? []))].map((v) => `${v.name} ${v.status}`).join(', ');
  return `${e.status}${rollout} [${variants}]${e.status_reason === undefined ? '' : `: ${singleLine(e.status_reason)}`}`;
}

export function renderEndpointList(endpoints: readonly Endpoint[]): string {
  if (endpoints.length === 0) return 'No endpoints.\n';
  return formatTable(
    [{ header: 'NAME' }, { header: 'STATUS' }, { header: 'VARIANTS', maxWidth: 100 }, { header: 'ROLLOUT', maxWidth: 40 }, { header: 'UPDATED' }],
    endpoints.map((e) => [
      e.name,
      e.status,
      e.variants.map((v) => `${v.name}=${v.model_name}/${v.model_version} ${shareOf(v)}`).join(', '),
      e.rollout === undefined ? '-' : `${e.rollout.strategy} ${describeRollout(e.rollout)}`,
      formatTime(e.last_update_time),
    ]),
  );
}

function variantTable(variants: readonly EndpointVariant[]): string {
  return formatTable(
    [{ header: 'VARIANT' }, { header: 'MODEL', maxWidth: 50 }, { header: 'TRAFFIC' }, { header: 'STATUS' }, { header: 'RUNTIME', maxWidth: 60 }, { header: 'SERVING SINCE' }, { header: 'REASON', maxWidth: 60 }],
    variants.map((v) => [v.name, modelOf(v), shareOf(v), v.status, runtimeOf(v), formatTime(v.serving_since) || '-', v.status_reason ?? '']),
  );
}

function rolloutBlock(r: EndpointRollout): string {
  const thresholds = [
    r.max_error_rate === undefined ? undefined : `error rate > ${r.max_error_rate}`,
    r.max_p99_ms === undefined ? undefined : `p99 > ${r.max_p99_ms} ms`,
  ].filter((t): t is string => t !== undefined);
  const head = keyValueBlock([
    ['Rollout', [`${r.rollout_id} (${r.strategy})`]],
    ['Phase', [describeRollout(r)]],
    ['Steps', [`${r.steps.join(' → ')} %, ${r.bake_seconds} s each`]],
    ['Roll back on', [thresholds.length === 0 ? 'no thresholds set' : `${thresholds.join(' or ')} (after ${r.min_requests} requests in a step)`]],
    ['Started', [formatTime(r.started_time)]],
    ...(r.ended_time === undefined ? [] : ([['Ended', [formatTime(r.ended_time)]]] as [string, string[]][])),
    ...(r.reason === undefined ? [] : ([['Reason', [singleLine(r.reason)]]] as [string, string[]][])),
  ]);
  return `${head}\nTarget variants:\n${variantTable(r.target)}`;
}

export function renderEndpointDetail(e: Endpoint): string {
  const head = keyValueBlock([
    ['Endpoint', [e.name]],
    ['Status', [e.status]],
    ...(e.status_reason === undefined ? [] : ([['Reason', [singleLine(e.status_reason)]]] as [string, string[]][])),
    ...(e.description === undefined ? [] : ([['Description', [singleLine(e.description)]]] as [string, string[]][])),
    ...(Object.keys(e.tags).length === 0 ? [] : ([['Tags', Object.entries(e.tags).map(([k, v]) => `${k}=${v}`)]] as [string, string[]][])),
    ['Created', [formatTime(e.creation_time)]],
    ['Updated', [`${formatTime(e.last_update_time)} (revision ${e.revision})`]],
  ]);
  return `${head}\nVariants:\n${variantTable(e.variants)}${e.rollout === undefined ? '' : `\n${rolloutBlock(e.rollout)}`}`;
}

export function renderEndpointEvents(events: readonly EndpointEvent[]): string {
  if (events.length === 0) return 'No events.\n';
  return formatTable(
    [{ header: 'TIME' }, { header: 'EVENT' }, { header: 'VARIANT' }, { header: 'ACTOR', maxWidth: 20 }, { header: 'MESSAGE', maxWidth: 100 }],
    events.map((ev) => [formatTime(ev.time), ev.kind, ev.variant ?? '', ev.actor, ev.message]),
  );
}

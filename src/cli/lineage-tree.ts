import type { Lineage, LineageEdge, LineageNode } from '../sdk/index.js';
import { singleLine, truncate } from './text-table.js';

/**
 * A lineage graph as a tree rooted at the model version: first what it was built from
 * (following edges backwards: logged model ← run ← datasets, pipeline executions), then
 * what uses it (following edges forwards: deployments, …). A node reached twice is printed
 * once and then referred to as "(see above)"; nodes linked only in other ways are listed
 * at the end, so nothing in the graph is left out.
 *
 * ```
 * model version housing v3  stage Production · Approved · aliases champion
 * │ source: runs:/8d2e…/model
 * ├── registered from: logged model model (m-7f3…)  READY
 * │   └── produced by: run clever-owl-12 (8d2e…)  FINISHED · experiment 1
 * │       │ params:  max_depth=6, n_estimators=100
 * │       │ metrics: rmse=0.42
 * │       └── input: dataset housing  digest abc123 · context training
 * └── deployed as: deployment prod-endpoint
 * ```
 * @module
 */

const KIND_NAMES: Record<string, string> = {
  dataset: 'dataset',
  run: 'run',
  logged_model: 'logged model',
  model_version: 'model version',
  pipeline_execution: 'pipeline execution',
  deployment: 'deployment',
};

/** How an edge reads from its target back to its source, and from its source on to its target. */
const RELATIONS: Record<string, { readonly backward: string; readonly forward: string }> = {
  registered_as: { backward: 'registered from', forward: 'registered as' },
  produced: { backward: 'produced by', forward: 'produced' },
  input_to: { backward: 'input', forward: 'input to' },
  deployed_as: { backward: 'deployment of', forward: 'deployed as' },
};

/** At most this many params or metrics are listed for a run. */
const MAX_ENTRIES = 8;

export function renderLineage(lineage: Lineage): string {
  const byId = new Map(lineage.nodes.map((n) => [n.id, n]));
  const nodeFor = (id: string): LineageNode => byId.get(id) ?? { id, kind: id.split(':', 1)[0] ?? 'unknown', label: id.slice(id.indexOf(':') + 1), attributes: {} };
  const incoming = (id: string): LineageEdge[] => lineage.edges.filter((e) => e.to === id && e.from !== id);
  const outgoing = (id: string): LineageEdge[] => lineage.edges.filter((e) => e.from === id && e.to !== id);
  const shown = new Set<string>();
  const lines: string[] = [];

  type Child = { readonly node: LineageNode; readonly relation: string; readonly direction: 'backward' | 'forward' };
  const childrenOf = (id: string, direction: 'backward' | 'forward' | 'both'): Child[] => [
    ...(direction === 'forward' ? [] : incoming(id).map((e) => ({ node: nodeFor(e.from), relation: relationText(e.relation, 'backward'), direction: 'backward' as const }))),
    ...(direction === 'backward' ? [] : outgoing(id).map((e) => ({ node: nodeFor(e.to), relation: relationText(e.relation, 'forward'), direction: 'forward' as const }))),
  ];

  const walk = (child: Child, prefix: string, last: boolean): void => {
    const seen = shown.has(child.node.id);
    lines.push(`${prefix}${last ? '└── ' : '├── '}${child.relation}: ${headline(child.node)}${seen ? '  (see above)' : ''}`);
    if (seen) return;
    shown.add(child.node.id);
    const below = prefix + (last ? '    ' : '│   ');
    const children = childrenOf(child.node.id, child.direction);
    for (const d of details(child.node)) lines.push(`${below}${children.length > 0 ? '│ ' : '  '}${d}`);
    children.forEach((c, i) => walk(c, below, i === children.length - 1));
  };

  const root = nodeFor(lineage.root);
  shown.add(root.id);
  const top = childrenOf(root.id, 'both');
  lines.push(headline(root));
  for (const d of details(root)) lines.push(`${top.length > 0 ? '│ ' : '  '}${d}`);
  top.forEach((c, i) => walk(c, '', i === top.length - 1));

  const rest = lineage.nodes.filter((n) => !shown.has(n.id));
  if (rest.length > 0) {
    lines.push('', 'Also linked:');
    for (const n of rest) {
      lines.push(`  ${headline(n)}`);
      for (const e of lineage.edges.filter((x) => x.from === n.id || x.to === n.id)) {
        lines.push(`    ${e.from === n.id ? `${relationText(e.relation, 'forward')} → ${e.to}` : `${relationText(e.relation, 'backward')} ← ${e.from}`}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

function relationText(relation: string, direction: 'backward' | 'forward'): string {
  const known = RELATIONS[relation];
  if (known !== undefined) return known[direction];
  const words = relation.replace(/_/g, ' ');
  return direction === 'forward' ? words : `${words} (from)`;
}

/** `run clever-owl-12 (8d2e…)  FINISHED · experiment 1` */
function headline(node: LineageNode): string {
  const a = node.attributes;
  const kind = KIND_NAMES[node.kind] ?? node.kind.replace(/_/g, ' ');
  const facts: string[] = [];
  let name = node.label;
  switch (node.kind) {
    case 'model_version':
      facts.push(`stage ${text(a.stage)}`, text(a.approval_status));
      if (Array.isArray(a.aliases) && a.aliases.length > 0) facts.push(`aliases ${a.aliases.map(text).join(', ')}`);
      break;
    case 'logged_model':
      name = `${node.label} (${text(a.model_id) || node.id})`;
      facts.push(text(a.status), text(a.model_type));
      break;
    case 'run':
      name = `${node.label} (${text(a.run_id)})`;
      facts.push(text(a.status), a.experiment_id === undefined ? '' : `experiment ${text(a.experiment_id)}`);
      break;
    case 'dataset':
      facts.push(a.digest === undefined ? '' : `digest ${text(a.digest)}`, a.context === undefined ? '' : `context ${text(a.context)}`, text(a.source_type));
      break;
    default:
      for (const [k, v] of Object.entries(a)) if (isScalar(v)) facts.push(`${k}=${text(v)}`);
  }
  const summary = facts.filter((f) => f !== '').join(' · ');
  return `${kind} ${singleLine(name)}${summary === '' ? '' : `  ${summary}`}`;
}

/** Lines shown under a node: a version's source, a run's params and metrics, a dataset's source. */
function details(node: LineageNode): string[] {
  const a = node.attributes;
  switch (node.kind) {
    case 'model_version':
      return [`source: ${text(a.source)}`, ...(a.storage_location !== undefined && a.storage_location !== a.source ? [`stored at: ${text(a.storage_location)}`] : [])];
    case 'run': {
      const out: string[] = [];
      const params = entries(a.params);
      const metrics = entries(a.metrics);
      if (params !== '') out.push(`params:  ${params}`);
      if (metrics !== '') out.push(`metrics: ${metrics}`);
      return out;
    }
    case 'dataset':
      return a.source === undefined ? [] : [`source: ${truncate(text(a.source), 100)}`];
    default:
      return [];
  }
}

/** `k=v, …` sorted by key, the first few, with a count of the rest. */
function entries(value: unknown): string {
  if (value === null || typeof value !== 'object') return '';
  const all = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const shown = all.slice(0, MAX_ENTRIES).map(([k, v]) => `${k}=${typeof v === 'number' ? formatNumber(v) : truncate(text(v), 40)}`);
  if (all.length > MAX_ENTRIES) shown.push(`… (+${all.length - MAX_ENTRIES} more)`);
  return shown.join(', ');
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6)));
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  return singleLine(typeof v === 'string' ? v : isScalar(v) ? String(v) : JSON.stringify(v));
}

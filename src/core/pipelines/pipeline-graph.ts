/**
 * The step graph: `needs` edges, checked for duplicate ids, unknown or repeated needs,
 * self-dependencies and cycles (named step by step), and the orders the executor and the
 * validator use.
 * @module
 */

import { didYouMean, formatDocumentPath, type DocumentPath, type IssueList } from './pipeline-issues.js';
import type { PipelineDefinition } from './pipeline-model.js';

export interface GraphCheck {
  /** Steps in an order where each comes after everything it needs (declaration order breaks ties). */
  readonly order: readonly string[];
  /** For each step, every step that runs before it (its needs, their needs, …). */
  readonly upstream: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * Checks the graph, reporting problems at `needsPaths[i][j]` (the path of step i's j-th
 * need) or the step's `id` (`stepPaths[i]` is where step i is in the document).
 */
export function checkStepGraph(
  definition: PipelineDefinition,
  issues: IssueList,
  stepPaths: readonly DocumentPath[] = definition.steps.map((_, i) => ['steps', i]),
  needsPaths: readonly (readonly DocumentPath[])[] = definition.steps.map((s, i) =>
    s.needs.map((_, j) => [...(stepPaths[i] ?? ['steps', i]), 'needs', j]),
  ),
): GraphCheck {
  const firstIndex = new Map<string, number>();
  definition.steps.forEach((step, i) => {
    const first = firstIndex.get(step.id);
    const path = stepPaths[i] ?? ['steps', i];
    if (first === undefined) firstIndex.set(step.id, i);
    else issues.add([...path, 'id'], `duplicate step id '${step.id}' (also ${formatDocumentPath(stepPaths[first] ?? ['steps', first])})`);
  });
  const ids = [...firstIndex.keys()];

  // Edges: step → the steps it needs (valid, distinct ones only).
  const edges = new Map<string, { need: string; path: DocumentPath }[]>();
  definition.steps.forEach((step, i) => {
    if (firstIndex.get(step.id) !== i) return;
    const list: { need: string; path: DocumentPath }[] = [];
    step.needs.forEach((need, j) => {
      const path = needsPaths[i]?.[j] ?? ['steps', i, 'needs', j];
      if (need === step.id) issues.add(path, `step '${step.id}' needs itself`);
      else if (!firstIndex.has(need)) issues.add(path, `step '${step.id}' needs unknown step '${need}'${didYouMean(need, ids)}`);
      else if (list.some((e) => e.need === need)) issues.add(path, `step '${step.id}' lists '${need}' in needs twice`);
      else list.push({ need, path });
    });
    edges.set(step.id, list);
  });

  reportCycles(ids, edges, issues);
  return { order: topologicalOrder(ids, edges), upstream: upstreamSets(ids, edges) };
}

function reportCycles(
  ids: readonly string[],
  edges: ReadonlyMap<string, readonly { need: string; path: DocumentPath }[]>,
  issues: IssueList,
): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const { need, path } of edges.get(id) ?? []) {
      const s = state.get(need);
      if (s === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(need)), need];
        const key = canonicalCycle(cycle.slice(0, -1));
        if (!seen.has(key)) {
          seen.add(key);
          issues.add(path, `cycle in needs: ${cycle.join(' → ')}`);
        }
      } else if (s === undefined) {
        visit(need);
      }
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of ids) if (!state.has(id)) visit(id);
}

/** The same cycle found from another start is reported once. */
function canonicalCycle(nodes: readonly string[]): string {
  const sorted = [...nodes].sort();
  const start = nodes.indexOf(sorted[0] ?? '');
  return [...nodes.slice(start), ...nodes.slice(0, start)].join('\u0000');
}

/** Kahn's algorithm, ready steps taken in declaration order; steps on a cycle are left out. */
function topologicalOrder(
  ids: readonly string[],
  edges: ReadonlyMap<string, readonly { need: string }[]>,
): string[] {
  const remaining = new Map(ids.map((id) => [id, new Set((edges.get(id) ?? []).map((e) => e.need))]));
  const order: string[] = [];
  for (;;) {
    const ready = ids.find((id) => remaining.get(id)?.size === 0);
    if (ready === undefined) break;
    remaining.delete(ready);
    order.push(ready);
    for (const needs of remaining.values()) needs.delete(ready);
  }
  return order;
}

function upstreamSets(
  ids: readonly string[],
  edges: ReadonlyMap<string, readonly { need: string }[]>,
): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  for (const id of ids) {
    const seen = new Set<string>();
    const pending = (edges.get(id) ?? []).map((e) => e.need);
    while (pending.length > 0) {
      const next = pending.pop() ?? '';
      if (seen.has(next) || next === id) continue;
      seen.add(next);
      pending.push(...(edges.get(next) ?? []).map((e) => e.need));
    }
    result.set(id, seen);
  }
  return result;
}

/** The steps of a valid pipeline in execution order (each after everything it needs). */
export function stepOrder(definition: PipelineDefinition): string[] {
  const edges = new Map(definition.steps.map((s) => [s.id, s.needs.map((need) => ({ need }))]));
  return topologicalOrder(
    definition.steps.map((s) => s.id),
    edges,
  );
}

/** Every step that runs before `stepId` in a valid pipeline. */
export function upstreamOf(definition: PipelineDefinition, stepId: string): ReadonlySet<string> {
  const edges = new Map(definition.steps.map((s) => [s.id, s.needs.map((need) => ({ need }))]));
  return upstreamSets([stepId], edges).get(stepId) ?? new Set();
}

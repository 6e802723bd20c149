import type { Lineage, LineageNode } from '../api/slipway-types.js';

/**
 * Places a lineage graph in columns: a node's column is the length of the longest path of
 * edges leading to it (datasets, then runs, logged models, versions, deployments…), so any
 * new kind of node finds its place from its edges alone. Within a column nodes keep the
 * server's order.
 * @module
 */

export const CARD = { width: 170, height: 62, columnGap: 74, rowGap: 18, margin: 8 } as const;

export interface PlacedNode {
  readonly node: LineageNode;
  readonly column: number;
  readonly x: number;
  readonly y: number;
}

export interface PlacedEdge {
  readonly from: PlacedNode;
  readonly to: PlacedNode;
  readonly relation: string;
}

export interface LineageLayout {
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
  readonly width: number;
  readonly height: number;
}

export function layoutLineage(graph: Lineage): LineageLayout {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const edges = graph.edges.filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to);
  const column = new Map<string, number>(graph.nodes.map((n) => [n.id, 0]));
  // Longest path by relaxation; a cycle (which lineage should not have) stops after n rounds.
  for (let round = 0; round < graph.nodes.length; round++) {
    let changed = false;
    for (const e of edges) {
      const next = (column.get(e.from) ?? 0) + 1;
      if (next > (column.get(e.to) ?? 0)) {
        column.set(e.to, next);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const rows = new Map<number, number>();
  const placed = new Map<string, PlacedNode>();
  for (const node of graph.nodes) {
    const c = column.get(node.id) ?? 0;
    const r = rows.get(c) ?? 0;
    rows.set(c, r + 1);
    placed.set(node.id, {
      node,
      column: c,
      x: CARD.margin + c * (CARD.width + CARD.columnGap),
      y: CARD.margin + r * (CARD.height + CARD.rowGap),
    });
  }
  const columns = Math.max(0, ...[...column.values()].map((c) => c + 1));
  const tallest = Math.max(0, ...rows.values());
  return {
    nodes: [...placed.values()],
    edges: edges.map((e) => ({ from: placed.get(e.from)!, to: placed.get(e.to)!, relation: e.relation })),
    width: 2 * CARD.margin + columns * CARD.width + Math.max(0, columns - 1) * CARD.columnGap,
    height: 2 * CARD.margin + tallest * CARD.height + Math.max(0, tallest - 1) * CARD.rowGap,
  };
}

/** A short second line for a node's card, from the attributes that matter for its kind. */
export function nodeDetail(node: LineageNode): string {
  const a = node.attributes;
  const s = (k: string): string | undefined => (typeof a[k] === 'string' || typeof a[k] === 'number' ? String(a[k]) : undefined);
  switch (node.kind) {
    case 'dataset':
      return [s('context'), s('digest') !== undefined ? `#${s('digest')!.slice(0, 8)}` : undefined].filter((x) => x !== undefined).join(' · ');
    case 'run':
      return [s('status'), s('experiment_id') !== undefined ? `experiment ${s('experiment_id')}` : undefined].filter((x) => x !== undefined).join(' · ');
    case 'model_version':
      return [s('stage'), s('approval_status') === 'PendingManualApproval' ? 'pending approval' : s('approval_status')].filter((x) => x !== undefined && x !== '').join(' · ');
    case 'logged_model':
      return [s('model_type'), s('status')?.replace(/^LOGGED_MODEL_/, '')].filter((x) => x !== undefined).join(' · ');
    default:
      return node.kind.replace(/_/g, ' ');
  }
}

/**
 * A layered layout for a pipeline's DAG, hand-written (a few dozen lines; a graph-layout
 * library would be most of the bundle): each step goes in the layer of its longest path
 * from a root (so every edge points right), and steps within a layer are ordered by the
 * barycenter (mean position) of their neighbours in the previous layer, then of the next
 * layer, sweeping a few times to cut crossings. Layers are columns, left to right.
 * @module
 */

export interface DagNodeInput {
  readonly id: string;
  readonly needs: readonly string[];
}

export interface PlacedNode {
  readonly id: string;
  readonly layer: number;
  /** Position within its layer, from the top. */
  readonly order: number;
  readonly x: number;
  readonly y: number;
}

export interface PlacedEdge {
  readonly from: string;
  readonly to: string;
  /** Start (right middle of `from`) and end (left middle of `to`). */
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

export interface DagLayout {
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
  readonly width: number;
  readonly height: number;
}

export interface DagLayoutOptions {
  readonly nodeWidth: number;
  readonly nodeHeight: number;
  readonly columnGap: number;
  readonly rowGap: number;
  readonly margin: number;
}

export const DEFAULT_DAG_OPTIONS: DagLayoutOptions = { nodeWidth: 168, nodeHeight: 48, columnGap: 56, rowGap: 16, margin: 8 };

/** Longest-path layer of each node; needs naming unknown steps are ignored, and a cycle (invalid anyway) does not loop. */
export function longestPathLayers(nodes: readonly DagNodeInput[]): Map<string, number> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const layers = new Map<string, number>();
  const visiting = new Set<string>();
  const layerOf = (id: string): number => {
    const known = layers.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    let layer = 0;
    for (const need of byId.get(id)?.needs ?? []) if (byId.has(need)) layer = Math.max(layer, layerOf(need) + 1);
    visiting.delete(id);
    layers.set(id, layer);
    return layer;
  };
  for (const n of nodes) layerOf(n.id);
  return layers;
}

export function layoutDag(nodes: readonly DagNodeInput[], options: DagLayoutOptions = DEFAULT_DAG_OPTIONS): DagLayout {
  const layerOf = longestPathLayers(nodes);
  const known = new Set(nodes.map((n) => n.id));
  const edges = nodes.flatMap((n) => n.needs.filter((need) => known.has(need) && need !== n.id).map((need) => ({ from: need, to: n.id })));
  const columns: string[][] = [];
  for (const n of nodes) (columns[layerOf.get(n.id) ?? 0] ??= []).push(n.id);
  for (let i = 0; i < columns.length; i += 1) columns[i] ??= [];

  const position = new Map<string, number>();
  const renumber = (column: readonly string[]): void => column.forEach((id, i) => position.set(id, i));
  columns.forEach(renumber);
  const preds = new Map<string, string[]>();
  const succs = new Map<string, string[]>();
  for (const e of edges) {
    (succs.get(e.from) ?? succs.set(e.from, []).get(e.from)!).push(e.to);
    (preds.get(e.to) ?? preds.set(e.to, []).get(e.to)!).push(e.from);
  }
  const sortByBarycenter = (column: string[], neighbours: Map<string, string[]>): void => {
    const key = new Map(
      column.map((id, i) => {
        const ps = (neighbours.get(id) ?? []).map((p) => position.get(p) ?? 0);
        return [id, ps.length === 0 ? i : ps.reduce((a, b) => a + b, 0) / ps.length] as const;
      }),
    );
    // Stable: ties keep the current (declaration) order.
    column.sort((a, b) => key.get(a)! - key.get(b)!);
    renumber(column);
  };
  for (let sweep = 0; sweep < 4; sweep += 1) {
    for (let i = 1; i < columns.length; i += 1) sortByBarycenter(columns[i]!, preds);
    for (let i = columns.length - 2; i >= 0; i -= 1) sortByBarycenter(columns[i]!, succs);
  }

  const { nodeWidth, nodeHeight, columnGap, rowGap, margin } = options;
  const tallest = Math.max(1, ...columns.map((c) => c.length));
  const height = margin * 2 + tallest * nodeHeight + (tallest - 1) * rowGap;
  const placed = new Map<string, PlacedNode>();
  columns.forEach((column, layer) => {
    // Centre short columns vertically.
    const columnHeight = column.length * nodeHeight + Math.max(0, column.length - 1) * rowGap;
    const top = margin + (height - margin * 2 - columnHeight) / 2;
    column.forEach((id, order) => {
      placed.set(id, { id, layer, order, x: margin + layer * (nodeWidth + columnGap), y: top + order * (nodeHeight + rowGap) });
    });
  });
  const width = margin * 2 + columns.length * nodeWidth + Math.max(0, columns.length - 1) * columnGap;
  return {
    nodes: nodes.map((n) => placed.get(n.id)!),
    edges: edges.map((e) => {
      const a = placed.get(e.from)!;
      const b = placed.get(e.to)!;
      return { ...e, x1: a.x + nodeWidth, y1: a.y + nodeHeight / 2, x2: b.x, y2: b.y + nodeHeight / 2 };
    }),
    width,
    height,
  };
}

import { describe, expect, it } from 'vitest';
import { layoutDag, longestPathLayers } from './dag-layout.js';

describe('longestPathLayers', () => {
  it('puts each step one layer after its deepest need', () => {
    const layers = longestPathLayers([
      { id: 'prep', needs: [] },
      { id: 'train', needs: ['prep'] },
      { id: 'eval', needs: ['train', 'prep'] },
      { id: 'lint', needs: [] },
    ]);
    expect(Object.fromEntries(layers)).toEqual({ prep: 0, train: 1, eval: 2, lint: 0 });
  });

  it('ignores unknown needs and does not loop on a cycle', () => {
    const layers = longestPathLayers([
      { id: 'a', needs: ['b', 'ghost'] },
      { id: 'b', needs: ['a'] },
    ]);
    expect([...layers.keys()].sort()).toEqual(['a', 'b']);
  });
});

describe('layoutDag', () => {
  it('makes every edge point right and keeps nodes from overlapping', () => {
    const layout = layoutDag([
      { id: 'a', needs: [] },
      { id: 'b', needs: ['a'] },
      { id: 'c', needs: ['a'] },
      { id: 'd', needs: ['b', 'c'] },
    ]);
    for (const e of layout.edges) expect(e.x2).toBeGreaterThan(e.x1);
    const boxes = layout.nodes.map((n) => `${n.x},${n.y}`);
    expect(new Set(boxes).size).toBe(4);
    expect(layout.nodes.every((n) => n.x >= 0 && n.y >= 0 && n.x + 168 <= layout.width && n.y + 48 <= layout.height)).toBe(true);
  });

  it('orders a layer by the barycenter of its needs, so parallel chains do not cross', () => {
    // x1 → y2 and x2 → y1 are declared crosswise; the layout puts y1 beside x2.
    const layout = layoutDag([
      { id: 'x1', needs: [] },
      { id: 'x2', needs: [] },
      { id: 'y1', needs: ['x2'] },
      { id: 'y2', needs: ['x1'] },
    ]);
    const order = Object.fromEntries(layout.nodes.map((n) => [n.id, n.order]));
    expect(order.y2! < order.y1!).toBe(order.x1! < order.x2!);
    const crossings = layout.edges.filter((e) => layout.edges.some((f) => f !== e && e.y1 < f.y1 && e.y2 > f.y2));
    expect(crossings).toEqual([]);
  });

  it('lays out an empty pipeline as an empty drawing', () => {
    expect(layoutDag([]).nodes).toEqual([]);
  });
});

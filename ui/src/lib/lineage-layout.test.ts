import { describe, expect, it } from 'vitest';
import { CARD, layoutLineage, nodeDetail } from './lineage-layout.js';

const node = (id: string, attributes: Record<string, unknown> = {}) => ({ id, kind: id.split(':')[0]!, label: id, attributes });

describe('layoutLineage', () => {
  it('puts each node one column after the longest path leading to it', () => {
    const layout = layoutLineage({
      root: 'model_version:m/1',
      nodes: [node('model_version:m/1'), node('dataset:a'), node('dataset:b'), node('run:r'), node('logged_model:x'), node('deployment:d')],
      edges: [
        { from: 'dataset:a', to: 'run:r', relation: 'input_to' },
        { from: 'dataset:b', to: 'run:r', relation: 'input_to' },
        { from: 'run:r', to: 'logged_model:x', relation: 'produced' },
        { from: 'logged_model:x', to: 'model_version:m/1', relation: 'registered_as' },
        { from: 'model_version:m/1', to: 'deployment:d', relation: 'deployed_as' },
        { from: 'dataset:a', to: 'missing:z', relation: 'ignored' },
      ],
    });
    const col = Object.fromEntries(layout.nodes.map((p) => [p.node.id, [p.column, p.y]]));
    expect(col).toEqual({
      'dataset:a': [0, CARD.margin],
      'dataset:b': [0, CARD.margin + CARD.height + CARD.rowGap],
      'run:r': [1, CARD.margin],
      'logged_model:x': [2, CARD.margin],
      'model_version:m/1': [3, CARD.margin],
      'deployment:d': [4, CARD.margin],
    });
    expect(layout.edges).toHaveLength(5);
    expect(layout.width).toBe(2 * CARD.margin + 5 * CARD.width + 4 * CARD.columnGap);
  });

  it('survives a cycle and an empty graph', () => {
    const cyclic = layoutLineage({ root: 'a:1', nodes: [node('a:1'), node('b:2')], edges: [{ from: 'a:1', to: 'b:2', relation: 'x' }, { from: 'b:2', to: 'a:1', relation: 'y' }] });
    expect(cyclic.nodes).toHaveLength(2);
    expect(layoutLineage({ root: 'a:1', nodes: [], edges: [] }).width).toBe(2 * CARD.margin);
  });
});

describe('nodeDetail', () => {
  it('summarises each kind by what matters for it', () => {
    expect(nodeDetail(node('dataset:d', { context: 'training', digest: '0123456789abcdef' }))).toBe('training · #01234567');
    expect(nodeDetail(node('model_version:m/2', { stage: 'Production', approval_status: 'Approved' }))).toBe('Production · Approved');
    expect(nodeDetail(node('model_version:m/3', { stage: 'None', approval_status: 'PendingManualApproval' }))).toBe('None · pending approval');
    expect(nodeDetail(node('logged_model:m-1', { model_type: 'sklearn', status: 'LOGGED_MODEL_READY' }))).toBe('sklearn · READY');
    expect(nodeDetail(node('pipeline_execution:e1'))).toBe('pipeline execution');
  });
});

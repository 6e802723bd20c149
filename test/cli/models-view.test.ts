import { describe, expect, it } from 'vitest';
import { renderLineage } from '../../src/cli/lineage-tree.js';
import { formatTime, renderAudit, renderModelList } from '../../src/cli/models-view.js';
import { formatTable } from '../../src/cli/text-table.js';
import type { Lineage } from '../../src/sdk/index.js';

describe('CLI output', () => {
  it('formats tables: aligned columns, right-aligned numbers, one line per cell, cut with …, no trailing spaces', () => {
    const text = formatTable(
      [{ header: 'NAME' }, { header: 'N', align: 'right' }, { header: 'NOTE', maxWidth: 8 }],
      [
        ['a', '1', 'short'],
        ['longer-name', '100', 'two\nlines and more'],
        ['c', '', ''],
      ],
    );
    expect(text).toBe(['NAME           N  NOTE', 'a              1  short', 'longer-name  100  two lin…', 'c'].join('\n') + '\n');
  });

  it('prints times as UTC ISO 8601 to the second', () => {
    expect(formatTime(Date.UTC(2025, 2, 1, 9, 30, 0, 123))).toBe('2025-03-01T09:30:00Z');
    expect(formatTime(undefined)).toBe('');
  });

  it('lists models with their newest version and aliases', () => {
    const text = renderModelList([
      {
        name: 'housing',
        creation_timestamp: 0,
        last_updated_timestamp: Date.UTC(2025, 0, 2),
        description: 'Predicts\nhouse prices',
        tags: [],
        aliases: [
          { alias: 'champion', version: '1' },
          { alias: 'challenger', version: '10' },
        ],
        latest_versions: [
          { version: '10', current_stage: 'None' },
          { version: '9', current_stage: 'Production' },
        ] as never,
      },
    ]);
    expect(text.split('\n')[1]).toBe('housing  10              champion=v1, challenger=v10  2025-01-02T00:00:00Z  Predicts house prices');
    expect(renderModelList([])).toBe('No registered models.\n');
  });

  it('shows audit changes as FROM → TO', () => {
    const text = renderAudit([
      { id: 1, timestamp: 0, actor: 'carol', type: 'model_version.approval_changed', model_name: 'm', version: '1', field: 'approval', from: 'PendingManualApproval', to: 'Approved', comment: 'ok' },
      { id: 2, timestamp: 0, actor: 'bob', type: 'model_version_alias.created', model_name: 'm', version: '1', field: 'alias:champion', to: '1' },
    ]);
    expect(text).toContain('PendingManualApproval → Approved');
    expect(text).toContain('∅ → 1');
    expect(text.split('\n')[0]).toMatch(/^TIME\s+ACTOR\s+EVENT\s+MODEL\s+VERSION\s+FIELD\s+FROM → TO\s+COMMENT$/);
  });

  it('draws lineage as a tree rooted at the version: what it was built from, then what uses it', () => {
    const lineage: Lineage = {
      root: 'model_version:m/1',
      nodes: [
        { id: 'model_version:m/1', kind: 'model_version', label: 'm v1', attributes: { stage: 'Production', approval_status: 'Approved', aliases: ['champion'], source: 'models:/m-1', storage_location: 'mlflow-artifacts:/1/models/m-1/artifacts' } },
        { id: 'logged_model:m-1', kind: 'logged_model', label: 'model', attributes: { model_id: 'm-1', status: 'READY' } },
        { id: 'run:r1', kind: 'run', label: 'clever-owl', attributes: { run_id: 'r1', status: 'FINISHED', experiment_id: '1', params: { b: '2', a: '1' }, metrics: { rmse: 0.123456789 } } },
        { id: 'dataset:train@d1', kind: 'dataset', label: 'train', attributes: { digest: 'd1', context: 'training', source_type: 'local' } },
        { id: 'dataset:eval@d2', kind: 'dataset', label: 'eval', attributes: { digest: 'd2', context: 'eval' } },
        { id: 'pipeline_execution:p9', kind: 'pipeline_execution', label: 'p9', attributes: {} },
        { id: 'deployment:prod', kind: 'deployment', label: 'prod', attributes: {} },
        { id: 'monitor:drift', kind: 'monitor', label: 'drift', attributes: { window: '7d', nested: { ignored: true } } },
      ],
      edges: [
        { from: 'logged_model:m-1', to: 'model_version:m/1', relation: 'registered_as' },
        { from: 'run:r1', to: 'logged_model:m-1', relation: 'produced' },
        { from: 'dataset:train@d1', to: 'run:r1', relation: 'input_to' },
        { from: 'dataset:eval@d2', to: 'run:r1', relation: 'input_to' },
        { from: 'pipeline_execution:p9', to: 'run:r1', relation: 'produced' },
        { from: 'model_version:m/1', to: 'deployment:prod', relation: 'deployed_as' },
        { from: 'deployment:prod', to: 'monitor:drift', relation: 'monitored_by' },
      ],
    };
    expect(renderLineage(lineage)).toBe(
      [
        'model version m v1  stage Production · Approved · aliases champion',
        '│ source: models:/m-1',
        '│ stored at: mlflow-artifacts:/1/models/m-1/artifacts',
        '├── registered from: logged model model (m-1)  READY',
        '│   └── produced by: run clever-owl (r1)  FINISHED · experiment 1',
        '│       │ params:  a=1, b=2',
        '│       │ metrics: rmse=0.123457',
        '│       ├── input: dataset train  digest d1 · context training · local',
        '│       ├── input: dataset eval  digest d2 · context eval',
        '│       └── produced by: pipeline execution p9',
        '└── deployed as: deployment prod',
        '    └── monitored by: monitor drift  window=7d',
        '',
      ].join('\n'),
    );
  });

  it('lists nodes the tree does not reach, and marks nodes reached twice', () => {
    const lineage: Lineage = {
      root: 'model_version:m/1',
      nodes: [
        { id: 'model_version:m/1', kind: 'model_version', label: 'm v1', attributes: { stage: 'None', approval_status: 'PendingManualApproval', source: 's' } },
        { id: 'run:r1', kind: 'run', label: 'r', attributes: { run_id: 'r1' } },
        { id: 'dataset:d@1', kind: 'dataset', label: 'd', attributes: {} },
        { id: 'run:r2', kind: 'run', label: 'r2', attributes: { run_id: 'r2' } },
      ],
      edges: [
        { from: 'run:r1', to: 'model_version:m/1', relation: 'produced' },
        { from: 'dataset:d@1', to: 'run:r1', relation: 'input_to' },
        { from: 'dataset:d@1', to: 'model_version:m/1', relation: 'input_to' },
        { from: 'dataset:d@1', to: 'run:r2', relation: 'input_to' },
      ],
    };
    const text = renderLineage(lineage);
    expect(text).toContain('└── input: dataset d  (see above)');
    expect(text).toContain('Also linked:\n  run r2 (r2)\n    input ← dataset:d@1');
  });
});

import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AuditTrail, describeChange } from './audit-trail.js';
import { LineageView } from './lineage-view.js';
import { datasetDetails, RunDatasets } from './run-datasets.js';

describe('AuditTrail', () => {
  const entry = { id: 1, timestamp: Date.UTC(2026, 0, 1), actor: 'alice', type: 'model_version.approval_changed', model_name: 'm', version: '2', field: 'approval', from: 'PendingManualApproval', to: 'Approved', comment: 'ok' };

  it('describes a change as field: from → to', () => {
    expect(describeChange(entry)).toBe('approval: PendingManualApproval → Approved');
    expect(describeChange({ ...entry, field: undefined, from: undefined, to: undefined })).toBe('');
    expect(describeChange({ ...entry, field: 'alias:champion', from: undefined, to: '2' })).toBe('alias:champion: ∅ → 2');
  });

  it('lists entries newest first, with the version column only when asked', () => {
    const html = renderToStaticMarkup(<AuditTrail entries={[entry, { ...entry, id: 2, actor: 'bob', comment: undefined }]} showVersion={false} />);
    expect(html.indexOf('bob')).toBeLessThan(html.indexOf('alice'));
    expect(html).not.toContain('>Version<');
    expect(renderToStaticMarkup(<AuditTrail entries={[entry]} showVersion />)).toContain('>Version<');
    expect(renderToStaticMarkup(<AuditTrail entries={[]} showVersion />)).toContain('No changes recorded yet.');
  });
});

describe('LineageView', () => {
  it('draws a card per node, links runs, and lists the edges as text', () => {
    const html = renderToStaticMarkup(
      <LineageView
        lineage={{
          root: 'model_version:m/1',
          nodes: [
            { id: 'model_version:m/1', kind: 'model_version', label: 'm v1', attributes: { stage: 'Staging', approval_status: 'Approved' } },
            { id: 'run:abc', kind: 'run', label: 'clever-owl', attributes: { run_id: 'abc', status: 'FINISHED' } },
          ],
          edges: [{ from: 'run:abc', to: 'model_version:m/1', relation: 'produced' }],
        }}
      />,
    );
    expect(html).toContain('aria-label="Lineage of Model version m v1: 2 nodes"');
    expect(html).toContain('<a href="/runs/abc" aria-label="Run clever-owl">');
    expect(html).toContain('<li>Run clever-owl produced Model version m v1</li>');
    expect(html).toContain('Staging · Approved');
  });
});

describe('RunDatasets', () => {
  it('reads the schema columns and the row count, tolerating bad JSON', () => {
    expect(datasetDetails({ name: 'd', digest: 'x', schema: '{"mlflow_colspec":[{"name":"a","type":"long"}]}', profile: '{"num_rows": 3}' })).toEqual({
      columns: [{ name: 'a', type: 'long' }],
      rows: 3,
    });
    expect(datasetDetails({ name: 'd', digest: 'x', schema: 'not json', profile: '{' })).toEqual({ columns: [], rows: undefined });
  });

  it('shows the context tag and the source location, or says there are none', () => {
    const html = renderToStaticMarkup(
      <RunDatasets inputs={[{ tags: [{ key: 'mlflow.data.context', value: 'eval' }], dataset: { name: 'holdout', digest: 'abc', source_type: 's3', source: '{"uri": "s3://b/k"}' } }]} />,
    );
    expect(html).toContain('<th scope="row">holdout</th><td>eval</td>');
    expect(html).toContain('s3://b/k');
    expect(renderToStaticMarkup(<RunDatasets inputs={[]} />)).toContain('This run logged no dataset inputs.');
  });
});

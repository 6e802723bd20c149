import { describe, expect, it } from 'vitest';
import { csvPreview, formatBytes, looksLikeText, mlmodelSummary, prettyJson, previewKind } from './artifact-preview.js';

describe('previewKind', () => {
  it('decides from the name', () => {
    expect(['model/MLmodel', 'a/metrics.JSON', 'eval/p.csv', 'x.tsv', 'plot.png', 'c.svg', 'notes.txt', 'conda.yaml', 'requirements.txt', 'model.pkl', 'README'].map(previewKind)).toEqual([
      'mlmodel', 'json', 'csv', 'csv', 'image', 'image', 'text', 'text', 'text', 'binary', 'text',
    ]);
  });
});

describe('text detection and sizes', () => {
  it('calls UTF-8 without NULs text, even when cut inside a character', () => {
    expect(looksLikeText(new TextEncoder().encode('héllo'))).toBe(true);
    expect(looksLikeText(new TextEncoder().encode('héllo').subarray(0, 2))).toBe(true);
    expect(looksLikeText(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]))).toBe(false);
    expect(looksLikeText(new Uint8Array([0xff, 0xfe, 0xfd, 0x41, 0x42, 0x43, 0x44]))).toBe(false);
  });

  it('formats sizes', () => {
    expect([formatBytes(812), formatBytes(1536), formatBytes(400 * 1024), formatBytes(3 * 1024 ** 3)]).toEqual(['812 B', '1.5 KB', '400 KB', '3.0 GB']);
  });

  it('pretty-prints JSON and leaves a cut JSON text alone', () => {
    expect(prettyJson('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(prettyJson('{"a":[1,')).toBeUndefined();
  });
});

describe('csvPreview', () => {
  it('parses quoted fields and ragged rows, and drops a partial last line of a cut file', () => {
    const t = csvPreview('id,name,score\n1,"Smith, J",0.5\n2,Lee\n3,"cut', false, true);
    expect(t.header).toEqual(['id', 'name', 'score']);
    expect(t.rows).toEqual([['1', 'Smith, J', '0.5'], ['2', 'Lee']]);
    expect(t.more).toBe(true);
    expect(csvPreview('a\tb\n1\t2\n', true, false)).toEqual({ header: ['a', 'b'], rows: [['1', '2']], more: false });
  });

  it('shows at most 200 rows', () => {
    const text = `n\n${Array.from({ length: 500 }, (_, i) => i).join('\n')}\n`;
    const t = csvPreview(text, false, false);
    expect(t.rows).toHaveLength(200);
    expect(t.more).toBe(true);
  });
});

describe('mlmodelSummary', () => {
  it('reads flavors, attributes and the column or tensor signature', () => {
    const m = mlmodelSummary(`artifact_path: model
flavors:
  python_function:
    loader_module: mlflow.sklearn
    env:
      conda: conda.yaml
  sklearn:
    sklearn_version: 1.5.2
run_id: abc
signature:
  inputs: '[{"type": "double", "name": "x"}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 1]}}]'
`);
    expect(m.flavors).toEqual([
      { name: 'python_function', details: [['loader_module', 'mlflow.sklearn']] },
      { name: 'sklearn', details: [['sklearn_version', '1.5.2']] },
    ]);
    expect(m.attributes).toEqual([['artifact_path', 'model'], ['run_id', 'abc']]);
    expect(m.inputs).toEqual([{ name: 'x', type: 'double' }]);
    expect(m.outputs).toEqual([{ name: '#0', type: 'tensor float32 [-1,1]' }]);
    expect(mlmodelSummary('flavors: {}\n').inputs).toBeUndefined();
  });
});

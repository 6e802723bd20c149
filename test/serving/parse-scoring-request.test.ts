import { describe, expect, it } from 'vitest';
import { isSlipwayError } from '../../src/core/errors/slipway-error.js';
import { parseMlModel, type ModelSignature } from '../../src/core/serving/ml-model.js';
import { parseInferRequest } from '../../src/core/serving/parse-infer-request.js';
import { parseScoringCsv } from '../../src/core/serving/parse-scoring-csv.js';
import { parseScoringJson } from '../../src/core/serving/parse-scoring-request.js';
import { toFeatureBatch } from '../../src/core/serving/to-feature-batch.js';
import { concatBatches, MicroBatcher, sliceRows } from '../../src/core/serving/micro-batcher.js';
import type { FeatureBatch, Prediction } from '../../src/core/ports/model-runtime.js';

const MLMODEL = `
flavors:
  onnx:
    data: model.onnx
saved_input_example_info:
  serving_input_path: serving_input_example.json
signature:
  inputs: '[{"type": "double", "name": "x", "required": true}, {"type": "long", "name": "n", "required": true}, {"type": "double", "name": "opt", "required": false}]'
  outputs: '[{"type": "double", "required": true}]'
  params: null
mlflow_version: 3.17.2
`;
const signature = parseMlModel(MLMODEL).signature!;
const tensorSignature: ModelSignature = {
  inputs: [{ kind: 'tensor', name: undefined, dtype: 'float32', shape: [-1, 3] }],
  outputs: undefined,
};

function refusal(work: () => unknown): { code: string; message: string } {
  try {
    work();
  } catch (error) {
    if (isSlipwayError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

function columns(batch: FeatureBatch): Record<string, unknown[]> {
  return Object.fromEntries(batch.features.map((feature) => [feature.name, [...feature.values]]));
}

describe('parseMlModel', () => {
  it('reads the flavors, the JSON-string signature and the input example info', () => {
    const model = parseMlModel(MLMODEL);
    expect(model.flavors['onnx']).toEqual({ data: 'model.onnx' });
    expect(signature.inputs).toEqual([
      { kind: 'column', name: 'x', type: 'double', required: true },
      { kind: 'column', name: 'n', type: 'long', required: true },
      { kind: 'column', name: 'opt', type: 'double', required: false },
    ]);
    expect(model.inputExampleInfo).toEqual({ serving_input_path: 'serving_input_example.json' });
    expect(model.mlflowVersion).toBe('3.17.2');
  });

  it('reads tensor specs', () => {
    const model = parseMlModel(`flavors: {onnx: {data: m.onnx}}\nsignature:\n  inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 8]}, "name": "float_input"}]'\n`);
    expect(model.signature?.inputs).toEqual([{ kind: 'tensor', name: 'float_input', dtype: 'float32', shape: [-1, 8] }]);
  });

  it('refuses a file without flavors', () => {
    expect(refusal(() => parseMlModel('artifact_path: model\n')).message).toContain("'flavors'");
  });
});

describe('MLflow scoring JSON', () => {
  it('accepts dataframe_split, dataframe_records, instances and inputs alike', () => {
    const expected = { x: [1.5, 2], n: [3, 4], opt: [Number.NaN, Number.NaN] };
    const payloads = [
      { dataframe_split: { columns: ['x', 'n'], data: [[1.5, 3], [2, 4]] } },
      { dataframe_split: { data: [[1.5, 3, null], [2, 4, null]] } },
      { dataframe_records: [{ x: 1.5, n: 3 }, { n: 4, x: 2 }] },
      { instances: [{ x: 1.5, n: 3 }, { x: 2, n: 4 }] },
      { inputs: { x: [1.5, 2], n: [3, 4] } },
      { inputs: [[1.5, 3, null], [2, 4, null]] },
    ];
    for (const payload of payloads) {
      const batch = toFeatureBatch(parseScoringJson(payload).input, signature);
      expect(batch.rows, JSON.stringify(payload)).toBe(2);
      expect(columns(batch), JSON.stringify(payload)).toEqual(expected);
    }
  });

  it('passes params through', () => {
    expect(parseScoringJson({ inputs: [[1]], params: { temperature: 0.5 } }).params).toEqual({ temperature: 0.5 });
  });

  it("refuses a bare list with MLflow's protocol-change message", () => {
    const { code, message } = refusal(() => parseScoringJson([[1, 2]]));
    expect(code).toBe('BAD_REQUEST');
    expect(message).toContain("exactly one of the input fields {'dataframe_split', 'dataframe_records', 'instances', 'inputs'}");
    expect(message).toContain('The MLflow Model scoring protocol has changed in MLflow version 2.0');
  });

  it('refuses two input fields, or none, naming the fields received', () => {
    expect(refusal(() => parseScoringJson({ inputs: [], instances: [] })).message).toContain("Received dictionary with input fields: ['inputs', 'instances']");
    expect(refusal(() => parseScoringJson({ data: [] })).message).toContain("Received dictionary with input fields: ['data']");
  });

  it('refuses a ragged tensor and a short dataframe_split row, naming where', () => {
    expect(refusal(() => parseScoringJson({ inputs: [[1, 2], [3]] })).message).toContain("'inputs' is a ragged nested list");
    expect(refusal(() => parseScoringJson({ dataframe_split: { columns: ['x', 'n'], data: [[1, 2], [3]] } })).message).toContain("'dataframe_split.data[1]' has 1 values but there are 2 columns");
  });
});

describe('signature enforcement', () => {
  const score = (payload: unknown) => toFeatureBatch(parseScoringJson(payload).input, signature);

  it('names a missing required column', () => {
    const { code, message } = refusal(() => score({ dataframe_records: [{ x: 1 }] }));
    expect(code).toBe('BAD_REQUEST');
    expect(message).toContain("Model is missing inputs ['n']");
  });

  it('names an unknown column', () => {
    expect(refusal(() => score({ dataframe_split: { columns: ['x', 'n', 'zip'], data: [[1, 2, 3]] } })).message).toContain("Unknown input column(s) ['zip']");
  });

  it('names a column whose values have the wrong type, and the row', () => {
    expect(refusal(() => score({ dataframe_records: [{ x: 1, n: 2 }, { x: 1, n: 2.5 }] })).message).toContain("column 'n': row 1 has number 2.5 but the model expects long");
    expect(refusal(() => score({ dataframe_records: [{ x: 'high', n: 2 }] })).message).toContain(`column 'x': row 0 has string "high" but the model expects double`);
  });

  it('names a wrongly shaped matrix', () => {
    expect(refusal(() => score({ inputs: [[1, 2, 3, 4]] })).message).toContain('has shape [1, 4] but the model expects [-1, 3]');
    expect(refusal(() => score({ dataframe_split: { data: [[1, 2]] } })).message).toContain('The input has 2 columns but the model expects 3');
  });

  it('checks tensor specs by shape', () => {
    const batch = toFeatureBatch(parseScoringJson({ inputs: [[1, 2, 3]] }).input, tensorSignature);
    expect(batch.features[0]).toMatchObject({ type: 'float', shape: [1, 3], values: [1, 2, 3] });
    expect(refusal(() => toFeatureBatch(parseScoringJson({ inputs: [[1, 2]] }).input, tensorSignature)).message).toContain(
      "Input '#0' has shape [1, 2] but the model signature expects [-1, 3]",
    );
  });
});

describe('CSV', () => {
  it('reads a header and typed rows, quoted fields and CRLF', () => {
    const request = parseScoringCsv('x,n,opt\r\n1.5,3,\r\n"2",4,"a,""b"""\r\n');
    expect(request.input).toEqual({ kind: 'table', columns: ['x', 'n', 'opt'], rows: [[1.5, 3, null], ['2', 4, 'a,"b"']] });
  });

  it('refuses a row with the wrong number of fields, naming the line', () => {
    expect(refusal(() => parseScoringCsv('x,n\n1,2\n3\n')).message).toContain('CSV line 3 has 1 fields but the header has 2');
  });
});

describe('OIP v2 infer request', () => {
  it('turns named column tensors into the batch', () => {
    const request = parseInferRequest({
      id: 'r1',
      inputs: [
        { name: 'x', shape: [2], datatype: 'FP64', data: [1.5, 2] },
        { name: 'n', shape: [2, 1], datatype: 'INT64', data: [[3], [4]] },
      ],
    });
    expect(request.id).toBe('r1');
    expect(columns(toFeatureBatch(request.input, signature))).toEqual({ x: [1.5, 2], n: [3, 4], opt: [Number.NaN, Number.NaN] });
  });

  it('accepts one [rows, columns] tensor in signature order', () => {
    const request = parseInferRequest({ inputs: [{ name: 'float_input', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] });
    expect(columns(toFeatureBatch(request.input, signature))).toEqual({ x: [1], n: [2], opt: [3] });
  });

  it('refuses data that does not fill the shape, a bad datatype and a wrongly shaped column', () => {
    expect(refusal(() => parseInferRequest({ inputs: [{ name: 'x', shape: [3], datatype: 'FP64', data: [1, 2] }] })).message).toContain(
      "input 'x' has 2 values but its shape [3] needs 3",
    );
    expect(refusal(() => parseInferRequest({ inputs: [{ name: 'x', shape: [1], datatype: 'FLOAT', data: [1] }] })).message).toContain("'datatype' of input 'x'");
    const wide = parseInferRequest({ inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP64', data: [1, 2] }, { name: 'n', shape: [1], datatype: 'INT64', data: [1] }] });
    expect(refusal(() => toFeatureBatch(wide.input, signature)).message).toContain("Input 'x' has shape [1, 2] but a column takes shape [rows] or [rows, 1]");
  });

  it('refuses a missing inputs list', () => {
    expect(refusal(() => parseInferRequest({ id: 'x' })).message).toContain("'inputs' must be a non-empty list");
  });
});

describe('MicroBatcher', () => {
  const oneColumn = (values: number[]): FeatureBatch => ({ rows: values.length, features: [{ name: 'x', type: 'double', shape: [values.length], values }] });
  const doubler = (batch: FeatureBatch): Promise<Prediction> =>
    Promise.resolve({
      rows: batch.rows,
      primary: 'y',
      outputs: [{ name: 'y', datatype: 'FP64', shape: [batch.rows, 1], data: batch.features[0]!.values.map((value) => (value as number) * 2) }],
    });

  it('scores concurrent requests in one call and gives each its own rows', async () => {
    const calls: number[] = [];
    const batcher = new MicroBatcher(async (batch) => {
      calls.push(batch.rows);
      return doubler(batch);
    }, { maxRows: 100, maxWaitMs: 5 });
    const results = await Promise.all([batcher.submit(oneColumn([1])), batcher.submit(oneColumn([2, 3])), batcher.submit(oneColumn([4]))]);
    expect(calls).toEqual([4]);
    expect(results.map((result) => result.outputs[0]!.data)).toEqual([[2], [4, 6], [8]]);
    expect(results.map((result) => result.outputs[0]!.shape)).toEqual([[1, 1], [2, 1], [1, 1]]);
  });

  it('flushes at maxRows and scores a request of maxRows rows alone', async () => {
    const calls: number[] = [];
    const batcher = new MicroBatcher(async (batch) => {
      calls.push(batch.rows);
      return doubler(batch);
    }, { maxRows: 3, maxWaitMs: 1000 });
    await Promise.all([batcher.submit(oneColumn([1, 2])), batcher.submit(oneColumn([3])), batcher.submit(oneColumn([4, 5, 6]))]);
    expect(calls.sort()).toEqual([3, 3]);
  });

  it('with maxWaitMs 0, batches the requests of one event-loop turn', async () => {
    const calls: number[] = [];
    const batcher = new MicroBatcher(async (batch) => {
      calls.push(batch.rows);
      return doubler(batch);
    }, { maxRows: 100, maxWaitMs: 0 });
    const first = await Promise.all([batcher.submit(oneColumn([1])), batcher.submit(oneColumn([2]))]);
    const later = await batcher.submit(oneColumn([3]));
    expect(calls).toEqual([2, 1]);
    expect([...first.map((result) => result.outputs[0]!.data), later.outputs[0]!.data]).toEqual([[2], [4], [6]]);
  });

  it('scores requests whose features differ in name, type or row shape in separate calls', async () => {
    const layouts: string[] = [];
    const batcher = new MicroBatcher(async (batch) => {
      layouts.push(batch.features.map((feature) => `${feature.name}:${feature.type}:${feature.shape.join('x')}`).join(' '));
      return doubler(batch);
    }, { maxRows: 100, maxWaitMs: 5 });
    const tensor = (values: number[], width: number): FeatureBatch => ({ rows: values.length / width, features: [{ name: 'x', type: 'double', shape: [values.length / width, width], values }] });
    await Promise.all([
      batcher.submit(oneColumn([1])),
      batcher.submit({ rows: 1, features: [{ name: 'z', type: 'double', shape: [1], values: [2] }] }),
      batcher.submit({ rows: 1, features: [{ name: 'x', type: 'float', shape: [1], values: [3] }] }),
      batcher.submit(tensor([4, 5], 2)),
      batcher.submit(tensor([6, 7, 8], 3)),
      batcher.submit(tensor([9, 10], 2)),
      batcher.submit(oneColumn([11])),
      // Column names come from the request: one crafted to look like two features stays apart.
      batcher.submit({ rows: 1, features: [{ name: 'a', type: 'double', shape: [1], values: [12] }, { name: 'b', type: 'double', shape: [1], values: [13] }] }),
      batcher.submit({ rows: 1, features: [{ name: 'a|double|;b', type: 'double', shape: [1], values: [14] }] }),
    ]);
    expect(layouts.sort()).toEqual(['a:double:1 b:double:1', 'a|double|;b:double:1', 'x:double:1x3', 'x:double:2', 'x:double:2x2', 'x:float:1', 'z:double:1']);
  });

  it('rejects every request of a failed call', async () => {
    const batcher = new MicroBatcher(() => Promise.reject(new Error('boom')), { maxRows: 10, maxWaitMs: 1 });
    const results = await Promise.allSettled([batcher.submit(oneColumn([1])), batcher.submit(oneColumn([2]))]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });

  it('concatenates and slices row-major data', () => {
    const batch = concatBatches([oneColumn([1]), oneColumn([2, 3])]);
    expect(batch.features[0]).toMatchObject({ shape: [3], values: [1, 2, 3] });
    const prediction: Prediction = { rows: 3, primary: 'p', outputs: [{ name: 'p', datatype: 'FP32', shape: [3, 2], data: [1, 2, 3, 4, 5, 6] }] };
    expect(sliceRows(prediction, 1, 2).outputs[0]).toMatchObject({ shape: [2, 2], data: [3, 4, 5, 6] });
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServedModel, type ServedModel } from '../../src/serving/load-served-model.js';
import { OnnxModelRuntime } from '../../src/serving/onnx/onnx-model-runtime.js';
import { resolveModelUri } from '../../src/serving/resolve-model-uri.js';
import { buildScoringApp } from '../../src/serving/scoring-app.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/models/', import.meta.url));

interface Expected {
  predictions: number[];
  probabilities?: number[][];
  rows: { columns: string[]; data: number[][] };
}

interface Served {
  base: string;
  app: FastifyInstance;
  model: ServedModel;
  expected: Expected;
  calls: number[];
}

async function serve(name: string, options: { bodyLimit?: number; maxWaitMs?: number } = {}): Promise<Served> {
  const resolved = await resolveModelUri(`${FIXTURES}${name}`);
  const calls: number[] = [];
  const runtime = new OnnxModelRuntime();
  // Count runtime calls (after warm-up) to see micro-batching at work.
  const counting = {
    load: async (dir: string, mlmodel: Parameters<OnnxModelRuntime['load']>[1]) => {
      const loaded = await runtime.load(dir, mlmodel);
      const counted: typeof loaded = {
        runtime: loaded.runtime,
        signature: loaded.signature,
        inputs: loaded.inputs,
        outputs: loaded.outputs,
        predict: (batch) => {
          calls.push(batch.rows);
          return loaded.predict(batch);
        },
        close: () => loaded.close(),
      };
      return counted;
    },
  };
  const model = await loadServedModel(resolved, { runtime: counting, microBatch: { maxRows: 1024, maxWaitMs: options.maxWaitMs ?? 1 } });
  calls.length = 0;
  const app = buildScoringApp({ model, version: '9.9.9', bodyLimit: options.bodyLimit });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as { port: number };
  const expected = JSON.parse(readFileSync(`${resolved.dir}/expected.json`, 'utf8')) as Expected;
  return { base: `http://127.0.0.1:${address.port}`, app, model, expected, calls };
}

/** The fields any answer of the scoring server may have (each test reads the ones it expects). */
interface Answer {
  predictions: number[];
  error_code: string;
  message: string;
  error?: string;
  id: string;
  model_name: string;
  outputs: Array<{ name: string; datatype: string; shape: number[]; data: number[] }>;
}

async function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Answer; headers: Headers }> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: (text === '' ? {} : JSON.parse(text)) as Answer, headers: response.headers };
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, index) => expect(Math.abs(value - expected[index]!), `row ${index}: ${value} vs ${expected[index]}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(expected[index]!))));
}

describe('scoring server: housing regressor (RandomForest, one float input)', () => {
  let housing: Served;
  beforeAll(async () => {
    // A 20 ms window so that the test's own requests, sent from this process, surely meet.
    housing = await serve('housing-rf', { maxWaitMs: 20 });
  });
  afterAll(async () => {
    await housing.app.close();
    await housing.model.close();
  });

  it('answers /invocations in every MLflow format with the sklearn predictions', async () => {
    const { columns, data } = housing.expected.rows;
    const records = data.map((row) => Object.fromEntries(columns.map((column, index) => [column, row[index]])));
    const payloads = [
      { dataframe_split: { columns, data } },
      { dataframe_split: { index: data.map((_, index) => index), columns, data } },
      { dataframe_records: records },
      { instances: records },
      { inputs: Object.fromEntries(columns.map((column, index) => [column, data.map((row) => row[index])])) },
      { inputs: data },
      { inputs: data, params: { unused: 1 } },
    ];
    for (const payload of payloads) {
      const { status, json } = await post(housing.base, '/invocations', payload);
      expect(status, JSON.stringify(json)).toBe(200);
      expectClose(json.predictions, housing.expected.predictions);
    }
    const csv = [columns.join(','), ...data.map((row) => row.join(','))].join('\n');
    const { status, json } = await post(housing.base, '/invocations', csv, { 'content-type': 'text/csv' });
    expect(status).toBe(200);
    expectClose(json.predictions, housing.expected.predictions);
  });

  it('answers OIP v2 infer with named columns or one matrix, echoing the id', async () => {
    const { columns, data } = housing.expected.rows;
    const byColumn = await post(housing.base, '/v2/models/housing-rf/infer', {
      id: 'abc',
      inputs: columns.map((name, index) => ({ name, shape: [data.length], datatype: 'FP64', data: data.map((row) => row[index]) })),
    });
    expect(byColumn.status).toBe(200);
    expect(byColumn.json).toMatchObject({ model_name: 'housing-rf', id: 'abc', outputs: [{ name: 'variable', datatype: 'FP32', shape: [data.length, 1] }] });
    expectClose(byColumn.json.outputs[0]!.data, housing.expected.predictions);
    const matrix = await post(housing.base, '/v2/models/housing-rf/versions/1/infer', {
      inputs: [{ name: 'float_input', shape: [data.length, columns.length], datatype: 'FP32', data }],
    });
    expect(matrix.status).toBe(200);
    expect(matrix.json.id).toBe(matrix.headers.get('x-request-id'));
    expectClose(matrix.json.outputs[0]!.data, housing.expected.predictions);
  });

  it('returns the outputs an infer request names, and names an unknown one in a 400', async () => {
    const inputs = [{ name: 'float_input', shape: [1, 8], datatype: 'FP32', data: housing.expected.rows.data[0] }];
    const selected = await post(housing.base, '/v2/models/housing-rf/infer', { inputs, outputs: [{ name: 'variable' }] });
    expect(selected.status).toBe(200);
    expect(selected.json.outputs.map((output) => output.name)).toEqual(['variable']);
    const unknown = await post(housing.base, '/v2/models/housing-rf/infer', { inputs, outputs: [{ name: 'probabilities' }] });
    expect(unknown.status).toBe(400);
    expect(unknown.json.message).toContain("Unknown output(s) 'probabilities'; the model's outputs are 'variable'");
  });

  it('serves health, version and OIP metadata', async () => {
    for (const path of ['/ping', '/health', '/v2/health/live', '/v2/health/ready', '/v2/models/housing-rf/ready']) {
      expect((await fetch(`${housing.base}${path}`)).status, path).toBe(200);
    }
    expect(await (await fetch(`${housing.base}/version`)).text()).toBe('9.9.9');
    const metadata = (await (await fetch(`${housing.base}/v2/models/housing-rf`)).json()) as { inputs: Array<{ name: string; datatype: string }>; outputs: unknown[] };
    expect(metadata.inputs.map((input) => input.name)).toEqual(housing.expected.rows.columns);
    expect(metadata.inputs[0]!.datatype).toBe('FP64');
    expect(metadata.outputs).toEqual([{ name: 'variable', datatype: 'FP32', shape: [-1, 1] }]);
  });

  it('micro-batches concurrent requests into one runtime call and returns each request its own rows', async () => {
    const { columns, data } = housing.expected.rows;
    housing.calls.length = 0;
    const responses = await Promise.all(data.map((row) => post(housing.base, '/invocations', { dataframe_split: { columns, data: [row] } })));
    responses.forEach((response, index) => {
      expect(response.status).toBe(200);
      expectClose(response.json.predictions, [housing.expected.predictions[index]!]);
    });
    expect(housing.calls.reduce((sum, rows) => sum + rows, 0)).toBe(data.length);
    expect(housing.calls.length).toBeLessThan(data.length);
  });

  it('names the bad column or shape in a 400 with the MLflow envelope', async () => {
    const { columns, data } = housing.expected.rows;
    const missing = await post(housing.base, '/invocations', { dataframe_split: { columns: columns.slice(1), data: data.map((row) => row.slice(1)) } });
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.json).sort()).toEqual(['error_code', 'message']);
    expect(missing.json.error_code).toBe('BAD_REQUEST');
    expect(missing.json.message).toContain(`Model is missing inputs ['${columns[0]}']`);
    const wrongType = await post(housing.base, '/invocations', { dataframe_records: [{ ...Object.fromEntries(columns.map((c) => [c, 1])), median_income: 'high' }] });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.message).toContain("column 'median_income'");
    const shape = await post(housing.base, '/v2/models/housing-rf/infer', { inputs: [{ name: 'float_input', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] });
    expect(shape.status).toBe(400);
    expect(shape.json.message).toContain('has shape [1, 3] but the model expects [-1, 8]');
    expect(shape.json.error).toBe(shape.json.message);
    const bareList = await post(housing.base, '/invocations', data);
    expect(bareList.status).toBe(400);
    expect(bareList.json.message).toContain('scoring protocol has changed in MLflow version 2.0');
    const malformed = await post(housing.base, '/invocations', '{"inputs": [');
    expect(malformed.status).toBe(400);
    expect(malformed.json.error_code).toBe('BAD_REQUEST');
  });

  it('answers 404 for unknown endpoints and models, 415 for other content types', async () => {
    const unknown = await fetch(`${housing.base}/predict`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error_code: 'ENDPOINT_NOT_FOUND' });
    const otherModel = await post(housing.base, '/v2/models/other/infer', { inputs: [] });
    expect(otherModel.status).toBe(404);
    expect(otherModel.json.message).toContain("Model 'other' is not served here");
    for (const contentType of ['application/xml', 'text/plain']) {
      const other = await post(housing.base, '/invocations', '<x/>', { 'content-type': contentType });
      expect(other.status, contentType).toBe(415);
      expect(other.json.message).toContain("send JSON ('application/json') or CSV ('text/csv')");
    }
  });

  it('echoes a client request id and generates one otherwise, on every response', async () => {
    const echoed = await post(housing.base, '/invocations', { inputs: housing.expected.rows.data }, { 'x-request-id': 'client-42' });
    expect(echoed.headers.get('x-request-id')).toBe('client-42');
    const generated = await fetch(`${housing.base}/ping`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const failed = await fetch(`${housing.base}/nowhere`, { headers: { 'x-request-id': 'has space' } });
    expect(failed.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('scoring server: heart-disease classifier (LogisticRegression with ZipMap)', () => {
  let heart: Served;
  beforeAll(async () => {
    heart = await serve('heart-logreg', { bodyLimit: 4096 });
  });
  afterAll(async () => {
    await heart.app.close();
    await heart.model.close();
  });

  it('predicts the labels without failing on the ZipMap output', async () => {
    const { status, json } = await post(heart.base, '/invocations', { dataframe_split: heart.expected.rows });
    expect(status).toBe(200);
    expect(json.predictions).toEqual(heart.expected.predictions);
    const infer = await post(heart.base, '/v2/models/heart-logreg/infer', {
      inputs: heart.expected.rows.columns.map((name, index) => ({ name, shape: [heart.expected.rows.data.length], datatype: 'INT64', data: heart.expected.rows.data.map((row) => row[index]) })),
    });
    expect(infer.status).toBe(200);
    expect(infer.json.outputs).toEqual([{ name: 'output_label', datatype: 'INT64', shape: [heart.expected.rows.data.length], data: heart.expected.predictions }]);
  });

  it('refuses a fractional value in an integer column, naming it', async () => {
    const row = [...heart.expected.rows.data[0]!];
    row[0] = 63.5;
    const { status, json } = await post(heart.base, '/invocations', { dataframe_split: { columns: heart.expected.rows.columns, data: [row] } });
    expect(status).toBe(400);
    expect(json.message).toContain("column 'age': row 0 has number 63.5");
  });

  it('answers 413 for a body over the limit', async () => {
    const data = Array.from({ length: 200 }, () => heart.expected.rows.data[0]);
    const { status, json } = await post(heart.base, '/invocations', { dataframe_split: { columns: heart.expected.rows.columns, data } });
    expect(status).toBe(413);
    expect(json.error_code).toBe('BAD_REQUEST');
  });
});

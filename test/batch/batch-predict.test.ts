import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatchPredict } from '../../src/batch/run-batch-predict.js';
import { loadServedModel, type ServedModel } from '../../src/serving/load-served-model.js';
import { OnnxModelRuntime } from '../../src/serving/onnx/onnx-model-runtime.js';
import { resolveModelUri } from '../../src/serving/resolve-model-uri.js';
import { buildScoringApp } from '../../src/serving/scoring-app.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/models/', import.meta.url));
const HOUSING = `${FIXTURES}housing-rf`;
const HEART = `${FIXTURES}heart-logreg-proba`;

interface Expected {
  rows: { columns: string[]; data: number[][] };
}

const expectedOf = (dir: string): Expected => JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;

/** The scoring server on the same model, in process (fastify inject). */
async function scoringServer(dir: string): Promise<{ app: FastifyInstance; model: ServedModel }> {
  const model = await loadServedModel(await resolveModelUri(dir), { runtime: new OnnxModelRuntime(), microBatch: false });
  return { app: buildScoringApp({ model, version: 'test' }), model };
}

async function serverPredictions(app: FastifyInstance, csv: string): Promise<unknown[]> {
  const response = await app.inject({ method: 'POST', url: '/invocations', headers: { 'content-type': 'text/csv' }, payload: csv });
  expect(response.statusCode, response.body).toBe(200);
  return (JSON.parse(response.body) as { predictions: unknown[] }).predictions;
}

/**
 * The same prediction up to float32 rounding: the server's session sums the trees on all
 * cores and a batch worker's on one, so the last bit of a float32 sum may differ.
 */
function expectSame(actual: number, expected: unknown): void {
  expect(typeof expected).toBe('number');
  expect(Math.abs(actual - (expected as number))).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected as number)));
}

/** `count` rows: the fixture's rows over and over, each varied a little so predictions differ. */
function manyRows(expected: Expected, count: number): number[][] {
  return Array.from({ length: count }, (_, i) => expected.rows.data[i % expected.rows.data.length]!.map((v, c) => (c === 0 ? v : Math.round(v * (1 + (i % 97) / 500) * 1000) / 1000)));
}

describe('batch prediction', () => {
  let dir: string;
  let housing: { app: FastifyInstance; model: ServedModel };
  let heart: { app: FastifyInstance; model: ServedModel };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'slipway-batch-'));
    housing = await scoringServer(HOUSING);
    heart = await scoringServer(HEART);
  });

  afterAll(async () => {
    await housing.app.close();
    await housing.model.close();
    await heart.app.close();
    await heart.model.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scores a CSV file: each record with its prediction, equal to the scoring server, in order across workers', async () => {
    const expected = expectedOf(HOUSING);
    const rows = manyRows(expected, 3000);
    const body = rows.map((row) => row.join(',')).join('\n');
    // An id column the model does not use is copied through; the input ends without a newline.
    const input = path.join(dir, 'houses.csv');
    writeFileSync(input, `id,${expected.rows.columns.join(',')}\n${rows.map((row, i) => `${i},${row.join(',')}`).join('\n')}`);
    const output = path.join(dir, 'scored.csv');
    const summary = await runBatchPredict({ modelDir: HOUSING, input, output, workers: 3, chunkRows: 64 });
    expect(summary).toMatchObject({ rows: 3000, badRows: 0, workers: 3, format: 'csv', ignoredColumns: ['id'] });

    const lines = readFileSync(output, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(`id,${expected.rows.columns.join(',')},prediction`);
    expect(lines).toHaveLength(3001);
    const server = await serverPredictions(housing.app, `${expected.rows.columns.join(',')}\n${body}\n`);
    lines.slice(1).forEach((line, i) => {
      const fields = line.split(',');
      expect(fields[0]).toBe(String(i));
      expect(fields.slice(1, -1).join(',')).toBe(rows[i]!.join(','));
      expectSame(Number(fields.at(-1)), server[i]);
    });
  });

  it('scores JSON Lines (objects or arrays) with integer columns and writes the label key', async () => {
    const expected = expectedOf(HEART);
    const { columns, data } = expected.rows;
    const input = path.join(dir, 'patients.jsonl');
    const records = data.map((row, i) => (i % 2 === 0 ? JSON.stringify(Object.fromEntries(columns.map((c, k) => [c, row[k]]))) : JSON.stringify(row)));
    writeFileSync(input, `${records.join('\r\n')}\r\n\r\n`);
    const output = path.join(dir, 'patients.out.jsonl');
    const summary = await runBatchPredict({ modelDir: HEART, input, output, workers: 2, chunkRows: 3, predictionColumn: 'label' });
    expect(summary.rows).toBe(data.length);
    const written = readFileSync(output, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const server = await serverPredictions(heart.app, `${columns.join(',')}\n${data.map((row) => row.join(',')).join('\n')}\n`);
    expect(written.map((row) => row.label)).toEqual(server);
    expect(written[0]).toMatchObject({ age: data[0]![0], label: server[0] });
    expect(written[1]).toEqual({ inputs: data[1], label: server[1] });

    const only = path.join(dir, 'labels.jsonl');
    await runBatchPredict({ modelDir: HEART, input, output: only, workers: 1, predictionsOnly: true });
    expect(readFileSync(only, 'utf8')).toBe(server.map((label) => `{"prediction":${JSON.stringify(label)}}\n`).join(''));
  });

  it('reads quoted fields, CRLF line ends and a newline inside a quoted pass-through column', async () => {
    const expected = expectedOf(HOUSING);
    const [first, second] = expected.rows.data;
    const input = path.join(dir, 'quoted.csv');
    writeFileSync(input, `"note",${expected.rows.columns.join(',')}\r\n"two\r\nlines, and ""quotes""",${first!.join(',')}\r\nplain,${second!.join(',')}\r\n`);
    const output = path.join(dir, 'quoted.out.csv');
    await runBatchPredict({ modelDir: HOUSING, input, output, workers: 2, chunkRows: 1, predictionsOnly: true });
    const server = await serverPredictions(housing.app, `${expected.rows.columns.join(',')}\n${first!.join(',')}\n${second!.join(',')}\n`);
    const lines = readFileSync(output, 'utf8').split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('prediction');
    expectSame(Number(lines[1]), server[0]);
    expectSame(Number(lines[2]), server[1]);
  });

  it('stops at a bad record naming its line and column, and leaves no output', async () => {
    const expected = expectedOf(HOUSING);
    const rows = manyRows(expected, 200).map((row) => row.join(','));
    rows[120] = rows[120]!.replace(/^([^,]*,[^,]*,[^,]*),[^,]*/, '$1,lots');
    const input = path.join(dir, 'bad.csv');
    writeFileSync(input, `${expected.rows.columns.join(',')}\n${rows.join('\n')}\n`);
    const output = path.join(dir, 'bad.out.csv');
    await expect(runBatchPredict({ modelDir: HOUSING, input, output, workers: 2, chunkRows: 16 })).rejects.toThrow(
      /line 122: column 'total_rooms' has string "lots" but the model expects double values/,
    );
    expect(existsSync(output)).toBe(false);
    expect(readFileSync(input, 'utf8').split('\n')[121]).toContain('lots');

    // With an errors file the record is skipped and recorded; the rest is scored.
    const errors = path.join(dir, 'bad.errors.jsonl');
    const summary = await runBatchPredict({ modelDir: HOUSING, input, output, workers: 2, chunkRows: 16, errorsPath: errors });
    expect(summary).toMatchObject({ rows: 199, badRows: 1 });
    expect(readFileSync(output, 'utf8').trimEnd().split('\n')).toHaveLength(200);
    const [bad] = readFileSync(errors, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { line: number; message: string; text: string });
    expect(bad).toMatchObject({ line: 122, text: rows[120] });
  });

  it('refuses a file without a column the model needs, and a wrong field count, before or while scoring', async () => {
    const expected = expectedOf(HOUSING);
    const columns = expected.rows.columns.filter((c) => c !== 'median_income');
    const missing = path.join(dir, 'missing.csv');
    writeFileSync(missing, `${columns.join(',')}\n1,2,3,4,5,6,7\n`);
    await expect(runBatchPredict({ modelDir: HOUSING, input: missing, output: path.join(dir, 'x.csv') })).rejects.toThrow(/no column\(s\) \['median_income'\]/);

    const short = path.join(dir, 'short.csv');
    writeFileSync(short, `${expected.rows.columns.join(',')}\n${expected.rows.data[0]!.join(',')}\n1,2,3\n`);
    await expect(runBatchPredict({ modelDir: HOUSING, input: short, output: path.join(dir, 'y.csv') })).rejects.toThrow(/line 3: the record has 3 fields but the header has 8/);

    const notJson = path.join(dir, 'bad.jsonl');
    writeFileSync(notJson, '{"age": 1}\n{oops\n');
    await expect(runBatchPredict({ modelDir: HEART, input: notJson, output: path.join(dir, 'z.jsonl') })).rejects.toThrow(/line 1: column '\w+' has a missing value|line 2: not valid JSON/);
  });
});

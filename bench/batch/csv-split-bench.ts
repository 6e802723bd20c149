/**
 * Why batch prediction splits CSV itself: CPU time per row of the worker's parser
 * (`parseChunk`: split, check against the signature, fill the float32 tensor) versus
 * csv-parse's sync parser followed by `Number()` per field (no checks at all), on the first
 * 16,384 rows of the batch benchmark's input (make it with bench/batch-predict-bench.ts).
 *
 *   npx tsx bench/batch/csv-split-bench.ts [input.csv]
 */

import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { parseChunk } from '../../src/batch/parse-chunk.js';
import { buildScorePlan } from '../../src/batch/score-plan.js';

const input = process.argv[2] ?? path.join(os.tmpdir(), 'slipway-batch-bench', 'input-1000000.csv');
const [headerLine = '', ...lines] = readFileSync(input, 'utf8').split('\n', 16_385);
const text = `${lines.join('\n')}\n`;
const header = headerLine.split(',');
const plan = buildScorePlan({
  format: 'csv',
  header,
  signature: { inputs: header.map((name) => ({ kind: 'column', name, type: 'double', required: true })), outputs: undefined },
  graphInputs: [{ name: 'float_input', type: 'float32', shape: ['N', header.length] }],
  graphOutputs: ['variable'],
});
const cpuMs = (): number => process.cpuUsage().user / 1000;
const perRow = (ms: number): string => `${((ms * 1000) / lines.length).toFixed(2)} µs/row`;
for (let round = 0; round < 5; round++) {
  let started = cpuMs();
  for (let i = 0; i < 5; i++) parseChunk(text, plan, 2);
  const ours = (cpuMs() - started) / 5;
  started = cpuMs();
  for (let i = 0; i < 5; i++) {
    const rows: string[][] = parse(text, {});
    const values = new Float32Array(rows.length * header.length);
    rows.forEach((row, r) => row.forEach((cell, c) => (values[r * header.length + c] = Number(cell))));
  }
  const library = (cpuMs() - started) / 5;
  process.stdout.write(`${lines.length} rows: parseChunk ${perRow(ours)}, csv-parse + Number() ${perRow(library)}\n`);
}

/**
 * Batch inference speed: `runBatchPredict` (what `slipway predict` and `slipway/batch-transform`
 * run, from dist/) on a CSV of 1M rows through a 100-tree random forest in ONNX, with 1 worker
 * and with one per core (depth 12 by default, the california-housing example's). Prints
 * rows/s, rows/s per worker, and rows per CPU-second (user +
 * system time of the whole process, worker threads included: the per-core figure that a
 * busy machine disturbs least), next to the ceiling: onnxruntime's own `session.run` on the
 * same rows in 16k-row batches on one thread.
 *
 *   npm run build && bash scripts/ensure-venv.sh
 *   npx tsx bench/batch-predict-bench.ts [--rows 1000000] [--workers 1,2] [--chunk-rows 16384] [--max-depth 12] [--work-dir <dir>]
 */

import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { REPO } from './support/bench-paths.js';
import { log, setLogName } from './support/log.js';
import { gitCommit, loadAverages, machineLine } from './support/machine-facts.js';
import { markdownHead, markdownTable } from './support/markdown-table.js';
import { makeUsage, parseBenchArgs } from './support/parse-bench-args.js';
import { writeResults } from './support/write-results.js';

const USAGE = `Usage: npx tsx bench/batch-predict-bench.ts [--rows N] [--workers 1,2] [--chunk-rows N] [--max-depth 12] [--work-dir DIR]
`;

interface Summary {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  loadSeconds: number;
  workers: number;
}

async function main(): Promise<void> {
  setLogName('batch-predict-bench');
  const usage = makeUsage('batch-predict-bench', USAGE);
  let rows = 1_000_000;
  let workerCounts = [1, os.availableParallelism()];
  let chunkRows = 16_384;
  let maxDepth = 12;
  let workDir = path.join(os.tmpdir(), 'slipway-batch-bench');
  parseBenchArgs(process.argv.slice(2), usage, (flag, value) => {
    if (flag === '--rows') rows = Number(value());
    else if (flag === '--workers') workerCounts = value().split(',').map(Number);
    else if (flag === '--chunk-rows') chunkRows = Number(value());
    else if (flag === '--max-depth') maxDepth = Number(value());
    else if (flag === '--work-dir') workDir = value();
    else return false;
    return true;
  });
  const runner = path.join(REPO, 'dist', 'batch', 'run-batch-predict.js');
  if (!existsSync(runner)) usage(`${runner} is missing: run \`npm run build\` first`);
  const startedAt = new Date();
  log(`making the model and ${rows.toLocaleString('en-US')} rows in ${workDir} (cached between runs)`);
  const python = path.join(REPO, '.venv', 'bin', 'python');
  const [modelDir, input] = execFileSync(python, [path.join(REPO, 'bench', 'batch', 'make-bench-model.py'), workDir, String(rows), String(maxDepth)], { encoding: 'utf8' }).trim().split('\n').slice(-2) as [string, string];
  const { runBatchPredict } = (await import(runner)) as { runBatchPredict: (options: Record<string, unknown>) => Promise<Summary> };

  const ceiling = await onnxruntimeCeiling(path.join(modelDir, 'model.onnx'), input, chunkRows);
  log(`onnxruntime alone: ${Math.round(ceiling).toLocaleString('en-US')} rows per CPU-second`);
  const table: string[][] = [];
  for (const workers of [...new Set(workerCounts)]) {
    const output = path.join(workDir, `out-${workers}.csv`);
    const cpuBefore = process.cpuUsage();
    const summary = await runBatchPredict({ modelDir, input, output, workers, chunkRows });
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    rmSync(output, { force: true });
    log(`${workers} worker(s): ${Math.round(summary.rowsPerSecond).toLocaleString('en-US')} rows/s`);
    table.push([
      String(workers),
      summary.rows.toLocaleString('en-US'),
      summary.seconds.toFixed(2),
      Math.round(summary.rowsPerSecond).toLocaleString('en-US'),
      Math.round(summary.rowsPerSecond / workers).toLocaleString('en-US'),
      Math.round(summary.rows / cpuSeconds).toLocaleString('en-US'),
    ]);
  }
  const markdown = [
    ...markdownHead(`Batch inference: ${rows.toLocaleString('en-US')} CSV rows, 100-tree random forest (max_depth ${maxDepth}) in ONNX`, 'bench/batch-predict-bench.ts', startedAt, (Date.now() - startedAt.getTime()) / 1000),
    machineLine(),
    `- Node ${process.version}, onnxruntime-node ${ort.env.versions.node ?? 'unknown'}; commit ${gitCommit()}; chunks of ${chunkRows.toLocaleString('en-US')} rows`,
    `- Load averages at the end (1/5/15 min): ${loadAverages()}`,
    `- Ceiling, onnxruntime's session.run alone (one thread, ${chunkRows.toLocaleString('en-US')}-row batches): ${Math.round(ceiling).toLocaleString('en-US')} rows per CPU-second`,
    '',
    ...markdownTable(['Workers', 'Rows', 'Seconds', 'Rows/s', 'Rows/s per worker', 'Rows per CPU-second'], ['right', 'right', 'right', 'right', 'right', 'right'], table),
    '',
  ].join('\n');
  writeResults('batch-predict', startedAt, markdown);
}

/** Rows per CPU-second of `session.run` alone on the first rows of the input, parsed beforehand. */
async function onnxruntimeCeiling(modelFile: string, input: string, batchRows: number): Promise<number> {
  const { readFileSync } = await import('node:fs');
  const lines = readFileSync(input, 'utf8').split('\n', batchRows + 1).slice(1);
  const data = new Float32Array(lines.length * 8);
  lines.forEach((line, row) => line.split(',').forEach((cell, column) => (data[row * 8 + column] = Number(cell))));
  const session = await ort.InferenceSession.create(modelFile, { graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1 });
  const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', data, [lines.length, 8]) };
  await session.run(feeds);
  const before = process.cpuUsage();
  let scored = 0;
  for (let i = 0; i < 20; i++) {
    await session.run(feeds);
    scored += lines.length;
  }
  const cpu = process.cpuUsage(before);
  await session.release();
  return scored / ((cpu.user + cpu.system) / 1e6);
}

await main();

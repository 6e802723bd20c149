/**
 * Batch prediction: streams a CSV or JSON Lines file through an ONNX model and writes the
 * predictions, in the input's order. The main thread only cuts the file into chunks of whole
 * records and writes results; worker threads (each with its own onnxruntime session) parse,
 * check, score and format the chunks. The output is written under a temporary name and
 * renamed when the job succeeds, so a failed job leaves no half-written file.
 * @module
 */

import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { SlipwayError } from '../core/errors/slipway-error.js';
import { parseMlModel } from '../core/serving/ml-model.js';
import { chooseFormat, type BatchFormat } from './batch-format.js';
import { csvHeader, type FormatOptions } from './format-chunk.js';
import { splitQuoted } from './parse-chunk.js';
import { DEFAULT_CHUNK_ROWS, RecordChunker } from './record-chunker.js';
import { buildScorePlan, type ScorePlan } from './score-plan.js';
import { ChunkError, ScoreWorkerPool, type ChunkResult } from './score-worker-pool.js';

export { DEFAULT_CHUNK_ROWS };

export interface BatchPredictOptions {
  /** A local MLflow model directory with an `onnx` flavor. */
  readonly modelDir: string;
  readonly input: string;
  readonly output: string;
  /** @default from the input's extension */
  readonly format?: BatchFormat | undefined;
  /** @default the machine's cores */
  readonly workers?: number | undefined;
  /** @default {@link DEFAULT_CHUNK_ROWS} */
  readonly chunkRows?: number | undefined;
  /** Write only the predictions, not the input columns with them. */
  readonly predictionsOnly?: boolean | undefined;
  /** @default 'prediction' */
  readonly predictionColumn?: string | undefined;
  /** Skip records that do not fit the signature and write them here (JSON Lines), instead of failing. */
  readonly errorsPath?: string | undefined;
  readonly onProgress?: ((progress: BatchProgress) => void) | undefined;
  /** Stops the job between chunks (the output is removed); the signal's reason is thrown. */
  readonly signal?: AbortSignal | undefined;
}

export interface BatchProgress {
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly rows: number;
}

export interface BatchPredictSummary {
  readonly rows: number;
  /** Records skipped into the errors file. */
  readonly badRows: number;
  /** From the first byte read to the last written (model loading not included). */
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly loadSeconds: number;
  readonly workers: number;
  readonly chunkRows: number;
  readonly format: BatchFormat;
  /** Input columns the model does not use (copied to the output). */
  readonly ignoredColumns: readonly string[];
  readonly output: string;
}

export async function runBatchPredict(options: BatchPredictOptions): Promise<BatchPredictSummary> {
  const loadStarted = performance.now();
  const format = options.format ?? chooseFormat(undefined, options.input);
  const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw SlipwayError.invalidParameter(`chunkRows must be a positive integer, not ${chunkRows}.`);
  if (!Number.isInteger(workers) || workers < 1) throw SlipwayError.invalidParameter(`workers must be a positive integer, not ${workers}.`);
  const totalBytes = await stat(options.input).then(
    (info) => info.size,
    () => {
      throw SlipwayError.notFound(`The input file '${options.input}' does not exist.`);
    },
  );
  const modelFile = await onnxFileOf(options.modelDir);
  const mlmodel = parseMlModel(await readFile(path.join(options.modelDir, 'MLmodel'), 'utf8'));
  const header = format === 'csv' ? await readCsvHeader(options.input) : undefined;
  const plan = await planFor(modelFile, format, header?.columns, mlmodel.signature);
  const output: FormatOptions = { format, predictionsOnly: options.predictionsOnly === true, column: options.predictionColumn ?? 'prediction' };
  const pool = await ScoreWorkerPool.start({ modelFile, plan, output, skipBad: options.errorsPath !== undefined, intraOpNumThreads: 1 }, workers);
  const loadSeconds = (performance.now() - loadStarted) / 1000;

  const started = performance.now();
  const temporary = `${options.output}.partial-${process.pid}`;
  const out = createWriteStream(temporary);
  let errors: WriteStream | undefined;
  let rows = 0;
  let badRows = 0;
  let bytesRead = header?.bytes ?? 0;
  let headerWritten = format !== 'csv';
  const inFlight: Array<{ result: Promise<ChunkResult>; bytes: number }> = [];
  const maxInFlight = workers * 2;

  let streamError: Error | undefined;
  const onStreamError = (error: Error): void => {
    streamError ??= error;
  };
  out.on('error', onStreamError);
  const write = async (stream: WriteStream, data: string | Uint8Array): Promise<void> => {
    if (streamError !== undefined) throw streamError;
    if (data.length > 0 && !stream.write(data)) await once(stream, 'drain');
  };
  const settle = async (): Promise<void> => {
    const next = inFlight.shift()!;
    const result = await next.result;
    if (!headerWritten && result.rows > 0) {
      await write(out, csvHeader(header!.text, result.width, output));
      headerWritten = true;
    }
    await write(out, result.bytes);
    if (result.bad.length > 0) {
      if (errors === undefined) {
        errors = createWriteStream(options.errorsPath!);
        errors.on('error', onStreamError);
      }
      await write(errors, result.bad.map((bad) => JSON.stringify(bad)).join('\n') + '\n');
    }
    rows += result.rows;
    badRows += result.bad.length;
    bytesRead += next.bytes;
    options.onProgress?.({ bytesRead, totalBytes, rows });
  };

  try {
    const chunker = new RecordChunker({ chunkRows, quoted: format === 'csv', firstLine: header === undefined ? 1 : header.lines + 1 });
    const submit = async (chunk: { bytes: Uint8Array; firstLine: number } | undefined): Promise<void> => {
      if (chunk === undefined) return;
      const bytes = chunk.bytes.byteLength;
      inFlight.push({ result: pool.submit(chunk), bytes });
      // Settle in order; a failed chunk stops the job at once.
      inFlight.at(-1)!.result.catch(() => undefined);
      while (inFlight.length >= maxInFlight) await settle();
    };
    const input = createReadStream(options.input, { start: header?.bytes ?? 0, highWaterMark: 1 << 20 });
    for await (const data of input as AsyncIterable<Buffer>) {
      options.signal?.throwIfAborted();
      for (const chunk of chunker.push(data)) await submit(chunk);
    }
    await submit(chunker.end());
    while (inFlight.length > 0) await settle();
    if (!headerWritten) await write(out, csvHeader(header!.text, 1, output));
    out.end();
    await once(out, 'finish');
    if (errors !== undefined) {
      errors.end();
      await once(errors, 'finish');
    }
    await rename(temporary, options.output);
  } catch (error) {
    out.destroy();
    errors?.destroy();
    await rm(temporary, { force: true });
    if (error instanceof ChunkError) {
      throw SlipwayError.badRequest(`${options.input}: ${error.message}${options.errorsPath === undefined && error.line !== undefined ? ' (give an errors file to skip such records)' : ''}`);
    }
    throw error;
  } finally {
    await pool.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    rows,
    badRows,
    seconds,
    rowsPerSecond: seconds > 0 ? rows / seconds : rows,
    loadSeconds,
    workers,
    chunkRows,
    format,
    ignoredColumns: plan.ignoredColumns,
    output: options.output,
  };
}

/** The model's ONNX file (`flavors.onnx.data`), which must be inside its directory. */
async function onnxFileOf(modelDir: string): Promise<string> {
  const text = await readFile(path.join(modelDir, 'MLmodel'), 'utf8').catch(() => {
    throw SlipwayError.notFound(`No MLmodel file found in ${modelDir}.`);
  });
  const mlmodel = parseMlModel(text);
  const data = mlmodel.flavors['onnx']?.['data'];
  if (typeof data !== 'string') {
    const flavors = Object.keys(mlmodel.flavors).join(', ') || 'none';
    throw SlipwayError.invalidParameter(`The model has no 'onnx' flavor (its flavors: ${flavors}); batch prediction runs ONNX models. Log the model with mlflow.onnx.`);
  }
  const root = path.resolve(modelDir);
  const file = path.resolve(root, data);
  if (!file.startsWith(root + path.sep)) throw SlipwayError.invalidParameter(`MLmodel flavors.onnx.data '${data}' points outside the model directory.`);
  return file;
}

/** Plans against the graph's inputs and outputs, read from a session loaded once here. */
async function planFor(modelFile: string, format: BatchFormat, header: readonly string[] | undefined, signature: Parameters<typeof buildScorePlan>[0]['signature']): Promise<ScorePlan> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelFile, { intraOpNumThreads: 1 });
  } catch (error) {
    throw SlipwayError.invalidParameter(`Cannot load the ONNX model: ${(error as Error).message}`);
  }
  try {
    const tensors = (metadata: readonly ort.InferenceSession.ValueMetadata[]): ort.InferenceSession.TensorValueMetadata[] =>
      metadata.filter((meta): meta is ort.InferenceSession.TensorValueMetadata => meta.isTensor);
    return buildScorePlan({
      format,
      header,
      signature,
      graphInputs: tensors(session.inputMetadata).map((meta) => ({ name: meta.name, type: meta.type, shape: meta.shape })),
      graphOutputs: tensors(session.outputMetadata).map((meta) => meta.name),
    });
  } finally {
    await session.release();
  }
}

/** The CSV header: its column names, its text (for the output), its size in bytes and lines. */
async function readCsvHeader(file: string): Promise<{ columns: string[]; text: string; bytes: number; lines: number }> {
  const handle = await open(file, 'r');
  try {
    const parts: Buffer[] = [];
    let inQuotes = false;
    let position = 0;
    for (;;) {
      const buffer = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      const data = buffer.subarray(0, bytesRead);
      for (let i = 0; i < data.length; i++) {
        if (data[i] === 0x22) inQuotes = !inQuotes;
        else if (data[i] === 0x0a && !inQuotes) {
          parts.push(data.subarray(0, i + 1));
          return headerOf(Buffer.concat(parts));
        }
      }
      parts.push(data);
      position += bytesRead;
    }
    return headerOf(Buffer.concat(parts));
  } finally {
    await handle.close();
  }
}

function headerOf(bytes: Buffer): { columns: string[]; text: string; bytes: number; lines: number } {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '').replace(/\r?\n$/, '');
  if (text.trim() === '') throw SlipwayError.badRequest('The CSV file has no header row of column names.');
  const lines = bytes.toString('utf8').split('\n').length - (bytes.at(-1) === 0x0a ? 1 : 0);
  const columns = text.includes('"') ? splitQuoted(text).values : text.split(',');
  return { columns: columns.map((column) => column.trim()), text, bytes: bytes.length, lines };
}

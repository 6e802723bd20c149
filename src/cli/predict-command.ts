import { rm } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { BATCH_FORMATS, chooseFormat } from '../batch/batch-format.js';
import { DEFAULT_CHUNK_ROWS } from '../batch/record-chunker.js';
import type { BatchPredictSummary } from '../batch/run-batch-predict.js';
import { SLIPWAY_VERSION } from '../server/version.js';
import { resolveModelUri } from '../serving/resolve-model-uri.js';
import { reportFailure } from './client-support.js';

interface PredictOptions {
  readonly modelUri: string;
  readonly input: string;
  readonly output: string;
  readonly format?: string;
  readonly workers?: number;
  readonly chunkRows: number;
  readonly predictionsOnly?: boolean;
  readonly predictionColumn: string;
  readonly errors?: string;
  readonly trackingUri?: string;
  readonly json?: boolean;
}

const EXAMPLES = `
Examples:
  $ slipway predict -m models:/housing@champion -i houses.csv -o scored.csv
  $ slipway predict -m ./model-dir -i rows.jsonl -o predictions.jsonl --predictions-only
  $ slipway predict -m models:/housing/3 -i big.csv -o out.csv --workers 4 --errors bad-rows.jsonl

Reads CSV (a header row, then one record per line) or JSON Lines (one object per line,
keyed by column, or an array in signature order) and writes the same format: each input
record with a 'prediction' column (or key) added, in the input's order. Values are checked
against the model's signature as the scoring server checks them; a bad record stops the job
with its line and column, unless --errors names a file to skip such records into. Input
columns the signature does not name are copied through. Models with an onnx flavor only.

models:/ and runs:/ URIs are resolved on the tracking server given by --tracking-uri, else
$SLIPWAY_TRACKING_URI, else $MLFLOW_TRACKING_URI.`;

/** `slipway predict`: batch inference over a file, on worker threads. */
export function predictCommand(): Command {
  return new Command('predict')
    .description('Score a CSV or JSON Lines file with an ONNX model (batch inference on worker threads).')
    .summary('batch-score a CSV or JSON Lines file')
    .requiredOption('-m, --model-uri <uri>', 'models:/<name>@<alias>, models:/<name>/<version>, runs:/<run id>/<path>, or a local model directory')
    .requiredOption('-i, --input <file>', 'the file to score (.csv, .jsonl or .ndjson)')
    .requiredOption('-o, --output <file>', 'where to write the predictions (written under a temporary name, renamed when done)')
    .addOption(new Option('--format <format>', 'input and output format (default: from the input file name)').choices([...BATCH_FORMATS]))
    .addOption(new Option('--workers <n>', 'worker threads, each with its own onnxruntime session (default: the number of cores)').argParser(positive))
    .addOption(new Option('--chunk-rows <n>', 'records per chunk handed to a worker').default(DEFAULT_CHUNK_ROWS).argParser(positive))
    .option('--predictions-only', 'write only the predictions, not the input columns with them')
    .addOption(new Option('--prediction-column <name>', "the prediction's column (CSV) or key (JSON Lines); several values per row become <name>_0, <name>_1, …").default('prediction'))
    .option('--errors <file>', 'skip records that do not fit the model signature, writing them (line, message, text) to this JSON Lines file')
    .option('--tracking-uri <uri>', 'the Slipway server that resolves models:/ and runs:/ URIs (default: $SLIPWAY_TRACKING_URI, then $MLFLOW_TRACKING_URI)')
    .option('--json', 'print the summary as one JSON document on stdout')
    .addHelpText('after', EXAMPLES)
    .action(async (options: PredictOptions) => {
      let cleanup: string | undefined;
      // Loaded on use, like onnxruntime below: cli-progress is not needed by other commands.
      const progress = (await import('../batch/batch-progress.js')).progressReporter();
      try {
        const format = chooseFormat(options.format, options.input);
        const resolved = await resolveModelUri(options.modelUri, { client: { trackingUri: options.trackingUri, userAgent: `slipway-predict/${SLIPWAY_VERSION}` } });
        if (resolved.downloaded) cleanup = resolved.dir;
        // Loaded on use: onnxruntime's native module is not needed by other commands.
        const { runBatchPredict } = await import('../batch/run-batch-predict.js');
        const summary = await runBatchPredict({
          modelDir: resolved.dir,
          input: options.input,
          output: options.output,
          format,
          workers: options.workers,
          chunkRows: options.chunkRows,
          predictionsOnly: options.predictionsOnly === true,
          predictionColumn: options.predictionColumn,
          errorsPath: options.errors,
          onProgress: (p) => progress.update(p),
        });
        progress.stop();
        process.stdout.write(options.json === true ? `${JSON.stringify(summary)}\n` : describeSummary(summary, options.errors));
      } catch (e) {
        progress.stop();
        reportFailure(e);
      } finally {
        if (cleanup !== undefined) await rm(cleanup, { recursive: true, force: true });
      }
    });
}

function describeSummary(summary: BatchPredictSummary, errorsPath: string | undefined): string {
  const lines = [
    `Scored ${summary.rows.toLocaleString('en-US')} rows in ${summary.seconds.toFixed(2)} s (${Math.round(summary.rowsPerSecond).toLocaleString('en-US')} rows/s, ${summary.workers} worker${summary.workers === 1 ? '' : 's'}; model loaded in ${summary.loadSeconds.toFixed(2)} s) → ${summary.output}`,
  ];
  if (summary.badRows > 0) lines.push(`Skipped ${summary.badRows.toLocaleString('en-US')} bad record(s) → ${errorsPath ?? ''}`);
  if (summary.ignoredColumns.length > 0) lines.push(`Not used by the model (copied through): ${summary.ignoredColumns.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('Expected a positive integer.');
  return n;
}

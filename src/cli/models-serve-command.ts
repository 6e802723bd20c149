import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_MICRO_BATCH } from '../core/serving/micro-batcher.js';
import { DEFAULT_MAX_IN_FLIGHT, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_SCORING_BODY_LIMIT } from '../serving/scoring-defaults.js';
import { reportFailure } from './client-support.js';

export interface ServeOptions {
  readonly modelUri: string;
  readonly host: string;
  readonly port: number;
  readonly trackingUri?: string;
  readonly bodyLimit: number;
  readonly maxBatchRows: number;
  readonly maxBatchWaitMs: number;
  readonly requestTimeoutMs: number;
  readonly maxInFlight: number;
  readonly accessLog?: boolean;
  readonly runtime: 'auto' | 'onnx' | 'python';
  readonly python?: string;
}

const EXAMPLES = `
Examples:
  $ slipway models serve -m models:/housing@champion --port 5001
  $ slipway models serve -m ./mlruns/1/models/m-abc/artifacts
  $ curl -s localhost:5001/invocations -H 'Content-Type: application/json' \\
      -d '{"dataframe_split": {"columns": ["x1", "x2"], "data": [[1.0, 2.0]]}}'

Serves MLflow's scoring protocol (/invocations, /ping, /health, /version), the Open
Inference Protocol v2 (/v2/health/live|ready, /v2/models/<name>[/versions/<v>]/infer) and
Prometheus metrics (/metrics). SIGTERM finishes the requests in flight, then exits.
--runtime auto (the default) serves an onnx flavor in process with ONNX Runtime, compiles a
scikit-learn model to ONNX when its predictions match, and runs other pyfunc models in
Python workers (--python, else $SLIPWAY_PYTHON, else python3 with mlflow). See docs/serving.md.

models:/ and runs:/ URIs are resolved on the tracking server given by --tracking-uri (an
option of \`slipway models\`), else $SLIPWAY_TRACKING_URI, else $MLFLOW_TRACKING_URI.`;

/** `slipway models serve`: one model in a standalone scoring server, the counterpart of `mlflow models serve`. */
export function modelsServeCommand(): Command {
  return new Command('serve')
    .description('Serve one MLflow model over MLflow\'s scoring protocol and Open Inference Protocol v2 (like `mlflow models serve`).')
    .summary('serve a model over HTTP (MLflow scoring protocol, OIP v2)')
    .requiredOption('-m, --model-uri <uri>', 'models:/<name>@<alias>, models:/<name>/<version>, runs:/<run id>/<path>, or a local model directory')
    .addOption(new Option('--host <host>', 'address to bind').default('127.0.0.1'))
    .addOption(new Option('-p, --port <port>', 'port to listen on, 0 for any free one').default(5001).argParser(portNumber))
    .addOption(new Option('--body-limit <bytes>', 'largest request body accepted; larger ones get 413').default(DEFAULT_SCORING_BODY_LIMIT).argParser(positive))
    .addOption(new Option('--max-batch-rows <n>', 'rows scored together by micro-batching (1 turns it off)').default(DEFAULT_MICRO_BATCH.maxRows).argParser(positive))
    .addOption(new Option('--max-batch-wait-ms <ms>', 'how long a request waits for others to batch with (0: only those read in the same event-loop turn)').default(DEFAULT_MICRO_BATCH.maxWaitMs).argParser(nonNegative))
    .addOption(new Option('--request-timeout-ms <ms>', 'answer 504 when scoring takes longer (0: no timeout)').default(DEFAULT_REQUEST_TIMEOUT_MS).argParser(nonNegative))
    .addOption(new Option('--max-in-flight <n>', 'scoring requests answered at once; more get 503 with Retry-After (0: no limit)').default(DEFAULT_MAX_IN_FLIGHT).argParser(nonNegativeInteger))
    .addOption(new Option('--runtime <runtime>', 'auto: ONNX when the model has or compiles to it, else Python; onnx; python').choices(['auto', 'onnx', 'python']).default('auto'))
    .addOption(new Option('--python <path>', 'Python interpreter with mlflow for the Python runtime and ONNX compilation (default: $SLIPWAY_PYTHON, else python3)'))
    .option('--access-log', 'log one line per request')
    .addHelpText('after', EXAMPLES)
    .action(async (_options: ServeOptions, command: Command) => {
      const options = command.optsWithGlobals<ServeOptions>();
      try {
        // Loaded here, not at the top: fastify, onnxruntime and prom-client would slow every other command's start.
        const { serveModel } = await import('./serve-model.js');
        await serveModel(options);
      } catch (e) {
        reportFailure(e);
      }
    });
}

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('A port is an integer from 0 to 65535.');
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('Expected a positive integer.');
  return n;
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('Expected a non-negative number.');
  return n;
}

function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('Expected a non-negative integer.');
  return n;
}

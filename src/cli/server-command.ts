import { Command, Option } from 'commander';
import { ConfigError, resolveServerConfig, type ServerOptions } from '../server/server-config.js';

/** `slipway server`: the main job. */
export function serverCommand(): Command {
  return new Command('server')
    .description(
      'Run the Slipway server: the MLflow tracking and registry REST APIs, proxied artifacts, ' +
        'webhook delivery, the pipeline engine with its schedules and triggers, serving endpoints ' +
        '(/endpoints/<name>/invocations, /v2/models/<name>/infer, rollouts, /metrics) and the web UI at /. ' +
        'Point clients at it with MLFLOW_TRACKING_URI=http://<host>:<port>.',
    )
    .addOption(new Option('--host <host>', 'address to bind (default: 127.0.0.1)').env('SLIPWAY_HOST'))
    .addOption(new Option('-p, --port <port>', 'port to listen on, 0 for any free one (default: 5000)').env('SLIPWAY_PORT'))
    .addOption(
      new Option(
        '--backend-store-uri <uri>',
        'database: sqlite:///<path> or postgresql://user:pass@host:port/db[?schema=name] (default: sqlite in the data dir)',
      ).env('SLIPWAY_BACKEND_STORE_URI'),
    )
    .addOption(
      new Option('--artifacts-destination <dir>', 'directory (or file: URI) for proxied artifacts (default: <data dir>/artifacts)').env(
        'SLIPWAY_ARTIFACTS_DESTINATION',
      ),
    )
    .addOption(new Option('--data-dir <dir>', 'directory for the default database and artifacts (default: ./slipway-data)').env('SLIPWAY_DATA_DIR'))
    .addOption(new Option('--body-limit <bytes>', 'largest JSON request body accepted (default: 16777216)').env('SLIPWAY_BODY_LIMIT'))
    .addOption(new Option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (default: info)').env('SLIPWAY_LOG_LEVEL'))
    .addOption(new Option('--access-log', 'log one line per request').env('SLIPWAY_ACCESS_LOG'))
    .addOption(
      new Option('--static-prefix <path>', 'serve the web UI and the API under this path too, e.g. /slipway (behind a proxy that keeps or strips it)').env(
        'SLIPWAY_STATIC_PREFIX',
      ),
    )
    .addOption(
      new Option('--max-concurrent-steps <n>', 'pipeline steps that may run at once on this server (default: the number of CPUs)').env(
        'SLIPWAY_MAX_CONCURRENT_STEPS',
      ),
    )
    .addOption(
      new Option('--max-parallel-per-execution <n>', 'steps of one pipeline execution that may run at once (default: no limit of its own)').env(
        'SLIPWAY_MAX_PARALLEL_PER_EXECUTION',
      ),
    )
    .addOption(
      new Option(
        '--pipeline-secrets <names>',
        "comma-separated names of this server's environment variables given to pipeline steps as secrets (masked in logs)",
      ).env('SLIPWAY_PIPELINE_SECRETS'),
    )
    .addOption(
      new Option('--request-timeout-ms <ms>', 'endpoint scoring requests slower than this get 504, 0 for none (default: 30000)').env('SLIPWAY_REQUEST_TIMEOUT_MS'),
    )
    .addOption(
      new Option('--max-in-flight <n>', 'endpoint scoring requests answered at once; more get 503 with Retry-After, 0 for no limit (default: 512)').env(
        'SLIPWAY_MAX_IN_FLIGHT',
      ),
    )
    .addOption(
      new Option('--python <path>', 'Python interpreter with mlflow for pyfunc models and compiling scikit-learn models to ONNX (default: python3)').env('SLIPWAY_PYTHON'),
    )
    .action(async (options: ServerOptions) => {
      let config;
      try {
        config = resolveServerConfig(options);
      } catch (e) {
        if (e instanceof ConfigError) {
          process.stderr.write(`slipway server: ${e.message}\n`);
          process.exit(2);
        }
        throw e;
      }
      let server;
      try {
        // Loaded here, not at the top: the other commands (`slipway models …`) start
        // faster without the server's framework and database drivers.
        const { startServer } = await import('../server/start-server.js');
        server = await startServer(config);
      } catch (e) {
        process.stderr.write(`slipway server: cannot start: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
      }
      process.stdout.write(`Slipway is running at ${server.url}\n`);
      const running = server;
      const stop = (signal: string): void => {
        process.stdout.write(`Received ${signal}; finishing in-flight requests and closing the database.\n`);
        running.close().then(
          () => process.exit(0),
          (e: unknown) => {
            process.stderr.write(`slipway server: error while stopping: ${String(e)}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
}

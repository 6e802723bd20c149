import { Command, Option } from 'commander';

const HELP = `
What it does:
  Starts a Slipway server in this process on the embedded default (SQLite and local disk
  in --data-dir), stores the pipeline examples/california-housing-node/pipeline.yaml and
  runs it: train (gradient-boosted trees in Node against a linear baseline, exported as
  ONNX and logged to MLflow) → register → deploy to the endpoint housing-staging →
  smoke-test → promote to staging → deploy to housing-production (blue/green) → smoke-test
  → promote to champion / Production. It prints each step as it finishes, then sample
  predictions from housing-production, the RMSEs, the web UI's address and a curl to try,
  and keeps the server running until Ctrl-C.

  Run it again for a new version: the endpoints switch to it blue/green.

  --sklearn runs the scikit-learn variant (examples/california-housing's prepare.py and
  train.py, then the same deployment): it needs a Python with mlflow, scikit-learn and
  pandas (.venv/bin/python, else python3 or python on PATH).

Examples:
  $ npm run demo
  $ slipway demo --port 5050 --data-dir /tmp/slipway-demo
  $ slipway demo --sklearn

Exit status: 0 after Ctrl-C when the pipeline reached production; 1 when it did not (the
server still runs until Ctrl-C, to look at what happened) or the demo could not run; 2 for
bad options.`;

interface DemoCommandOptions {
  host?: string;
  port?: string;
  dataDir?: string;
  sklearn?: boolean;
  logLevel?: string;
}

/** `slipway demo`: the end-to-end demo (train → registry → staging → production) on a server of its own. */
export function demoCommand(): Command {
  return new Command('demo')
    .description('Run the end-to-end demo: a Slipway server, the California housing pipeline from training to a production endpoint, sample predictions.')
    .addOption(new Option('--host <host>', 'address to bind (default: 127.0.0.1)'))
    .addOption(new Option('-p, --port <port>', 'port to listen on, 0 for any free one (default: 5000)'))
    .addOption(new Option('--data-dir <dir>', 'directory for the SQLite database and artifacts (default: ./slipway-data, as `slipway server`)'))
    .addOption(new Option('--sklearn', 'train with scikit-learn in Python instead of in Node'))
    .addOption(new Option('--log-level <level>', "the server's log level (default: warn)"))
    .addHelpText('after', HELP)
    .action(async (options: DemoCommandOptions) => {
      // Loaded here: the other commands start faster without the server.
      const { runDemo, DemoError } = await import('../demo/run-demo.js');
      const { renderDemoSummary } = await import('../demo/demo-summary.js');
      const say = (line: string): void => void process.stdout.write(`${line}\n`);
      let result;
      try {
        result = await runDemo({ host: options.host, port: options.port, dataDir: options.dataDir, sklearn: options.sklearn, logLevel: options.logLevel, log: say });
      } catch (e) {
        process.stderr.write(`slipway demo: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(e instanceof DemoError ? e.exitCode : 1);
      }
      say(renderDemoSummary(result));
      const server = result.server;
      const code = result.succeeded && result.predictionError === undefined ? 0 : 1;
      const stop = (signal: string): void => {
        say(`Received ${signal}; stopping Slipway.`);
        server.close().then(
          () => process.exit(code),
          (e: unknown) => {
            process.stderr.write(`slipway demo: error while stopping: ${String(e)}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
}

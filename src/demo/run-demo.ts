/**
 * `slipway demo`: a Slipway server in this process on the embedded default (SQLite and local
 * disk under the data directory), the California housing pipeline upserted and run —
 * train, register, deploy to staging, smoke-test, promote, deploy to production, smoke-test,
 * promote — with each step's progress reported as it changes, then sample predictions from
 * the production endpoint. The server is left running; the caller stops it.
 * @module
 */

import { existsSync } from 'node:fs';
import path from 'node:path';
import { INITIAL_PROGRESS, progressLines } from '../cli/pipelines-view.js';
import { preparePipelineUpload } from '../cli/pipeline-cli-support.js';
import { SlipwayClient, type Execution, type ModelVersion } from '../sdk/index.js';
import { ConfigError, resolveServerConfig } from '../server/server-config.js';
import { startServer, type RunningServer } from '../server/start-server.js';
import { nodeVariant, PACKAGE_ROOT, PRODUCTION_ALIAS, PRODUCTION_ENDPOINT, sklearnVariant, type DemoVariant, type RawHousingRow } from './demo-variants.js';
import { findPython } from './find-python.js';
import { sampleRows } from './sample-rows.js';

export interface DemoOptions {
  readonly host?: string | undefined;
  readonly port?: string | undefined;
  readonly dataDir?: string | undefined;
  /** Run the scikit-learn variant (needs Python with mlflow, scikit-learn and pandas). */
  readonly sklearn?: boolean | undefined;
  /** The server's log level (default `warn`: the demo prints its own progress). */
  readonly logLevel?: string | undefined;
  /** Where the Slipway package is (default: the one this module belongs to). */
  readonly root?: string | undefined;
  /** Runs this instead of the variant `sklearn` names (tests run a shorter pipeline this way). */
  readonly variant?: DemoVariant | undefined;
  /** Where progress lines go. */
  readonly log: (line: string) => void;
  /** Time between polls of the execution (default 500 ms). */
  readonly pollIntervalMs?: number | undefined;
}

/** A sample district, what production predicted for it and what it really was. */
export interface DemoPrediction {
  readonly row: RawHousingRow;
  /** Dollars. */
  readonly predicted: number;
}

export interface DemoResult {
  readonly server: RunningServer;
  /** The server's URL for a client on this machine (a wildcard bind becomes the loopback address). */
  readonly url: string;
  readonly dataDir: string;
  readonly variant: DemoVariant;
  readonly execution: Execution;
  readonly succeeded: boolean;
  /** The version the production alias points at after the run (undefined if none). */
  readonly champion: ModelVersion | undefined;
  readonly rmse: number | undefined;
  readonly baselineRmse: number | undefined;
  readonly predictions: readonly DemoPrediction[];
  /** Why the sample predictions failed, if they did. */
  readonly predictionError?: string | undefined;
  /** The request body of the predictions, for the curl example. */
  readonly sampleRequest: unknown;
}

/** A reason the demo cannot run, said in one line (exit status 2 for settings, 1 otherwise). */
export class DemoError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'DemoError';
  }
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const root = options.root ?? PACKAGE_ROOT;
  const variant = options.variant ?? (options.sklearn === true ? sklearnVariant(root) : nodeVariant(root));
  await checkPrerequisites(variant, root, options.log);

  let config;
  try {
    config = resolveServerConfig({ host: options.host, port: options.port, dataDir: options.dataDir, logLevel: options.logLevel ?? 'warn' });
  } catch (e) {
    if (e instanceof ConfigError) throw new DemoError(e.message, 2);
    throw e;
  }
  const server = await startServer(config);
  try {
    const url = loopbackUrl(server.url);
    options.log(`Slipway is running at ${server.url} (SQLite and artifacts in ${config.dataDir})`);
    const client = new SlipwayClient({ trackingUri: url, actor: 'slipway-demo', env: {} });

    const upload = await preparePipelineUpload(variant.pipelineFile, variant.codeDir);
    const { pipeline, created } = await client.pipelines.upsert(upload.upsert);
    options.log(`Pipeline ${pipeline.name} v${pipeline.version} (${created ? 'new version' : 'unchanged'}): ${variant.title}`);
    const started = await client.pipelines.startExecution(pipeline.name, { params: variant.params });
    options.log(`Execution ${started.execution_id} started`);

    let progress = INITIAL_PROGRESS;
    const execution = await client.pipelines.waitForExecution(started.execution_id, {
      intervalMs: options.pollIntervalMs ?? 500,
      onUpdate: (e) => {
        const next = progressLines(progress, e, Date.now());
        progress = next.state;
        for (const line of next.lines) options.log(line);
      },
    });
    const succeeded = execution.status === 'succeeded' && !execution.steps.some((step) => step.status === 'gated');
    const train = execution.steps.find((step) => step.step_id === 'train');
    const metric = (name: string | undefined): number | undefined => {
      const value = name === undefined ? undefined : train?.metrics[name];
      return typeof value === 'number' ? value : undefined;
    };
    const champion = await client.registry.getModelVersionByAlias(variant.modelName, PRODUCTION_ALIAS).catch(() => undefined);
    const rows = await sampleRows(path.join(root, 'examples', 'california-housing', 'data', 'california-housing.csv'));
    const sampleRequest = variant.requestFor(rows);
    let predictions: DemoPrediction[] = [];
    let predictionError: string | undefined;
    if (succeeded) {
      try {
        predictions = await predict(url, variant, rows, sampleRequest);
      } catch (e) {
        predictionError = e instanceof Error ? e.message : String(e);
      }
    }
    return {
      server,
      url,
      dataDir: config.dataDir,
      variant,
      execution,
      succeeded,
      champion,
      rmse: metric(variant.rmseMetric),
      baselineRmse: metric(variant.baselineMetric),
      predictions,
      predictionError,
      sampleRequest,
    };
  } catch (e) {
    await server.close();
    throw e;
  }
}

async function checkPrerequisites(variant: DemoVariant, root: string, log: (line: string) => void): Promise<void> {
  if (variant.name === 'node') {
    if (!existsSync(path.join(root, 'dist', 'ml', 'index.js'))) {
      throw new DemoError(`${path.join(root, 'dist', 'ml', 'index.js')} is missing: run \`npm run build\` (npm install does) first.`);
    }
    return;
  }
  const python = await findPython(root, ['mlflow', 'sklearn', 'pandas']);
  if (python === undefined) {
    throw new DemoError(
      '--sklearn needs a Python with mlflow, scikit-learn and pandas, and none of .venv/bin/python, python3 or python on PATH imports them ' +
        '(`bash scripts/ensure-venv.sh` creates .venv with them); without --sklearn the demo needs Node only.',
    );
  }
  // The pipeline's `python …` steps use the server's PATH, and the server is this process.
  process.env.PATH = `${python.binDir}${path.delimiter}${process.env.PATH ?? ''}`;
  log(`Python steps run ${python.executable}`);
}

async function predict(url: string, variant: DemoVariant, rows: readonly RawHousingRow[], body: unknown): Promise<DemoPrediction[]> {
  const response = await fetch(`${url}/endpoints/${PRODUCTION_ENDPOINT}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new DemoError(`The production endpoint answered HTTP ${response.status}: ${text}`);
  const { predictions } = JSON.parse(text) as { predictions: unknown[] };
  return rows.map((row, index) => ({ row, predicted: variant.dollars(Number(Array.isArray(predictions[index]) ? (predictions[index] as unknown[])[0] : predictions[index])) }));
}

/** `http://0.0.0.0:5000` → `http://127.0.0.1:5000` (a client cannot connect to a wildcard address). */
export function loopbackUrl(url: string): string {
  return url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
}

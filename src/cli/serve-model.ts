import { rm } from 'node:fs/promises';
import { SLIPWAY_VERSION } from '../server/version.js';
import { AutoModelRuntime } from '../serving/auto-model-runtime.js';
import { observeBatches } from '../serving/endpoints/observe-batches.js';
import { ServingMetrics } from '../serving/endpoints/serving-metrics.js';
import { loadServedModel } from '../serving/load-served-model.js';
import { resolveModelUri } from '../serving/resolve-model-uri.js';
import { buildScoringServer } from '../serving/scoring-app.js';
import type { ServeOptions } from './models-serve-command.js';

/** What `slipway models serve` does once its options are parsed: resolve, load, listen, and drain on SIGTERM/SIGINT. */
export async function serveModel(options: ServeOptions): Promise<void> {
  const resolved = await resolveModelUri(options.modelUri, { client: { trackingUri: options.trackingUri, userAgent: `slipway-serve/${SLIPWAY_VERSION}` } });
  const metrics = new ServingMetrics();
  const runtime = observeBatches(new AutoModelRuntime({ python: { python: options.python } }), (rows) => metrics.batchRows.observe({ model: resolved.version === undefined ? resolved.name : `${resolved.name}/${resolved.version}` }, rows));
  const model = await loadServedModel(resolved, {
    runtime,
    prefer: options.runtime,
    microBatch: options.maxBatchRows <= 1 ? false : { maxRows: options.maxBatchRows, maxWaitMs: options.maxBatchWaitMs },
  });
  const { app } = buildScoringServer({
    model,
    version: SLIPWAY_VERSION,
    bodyLimit: options.bodyLimit,
    logger: options.accessLog === true,
    requestTimeoutMs: options.requestTimeoutMs,
    maxInFlight: options.maxInFlight,
    metrics,
  });
  const shutdown = (): void => {
    void app
      .close()
      .then(() => model.close())
      .then(() => (resolved.downloaded ? rm(resolved.dir, { recursive: true, force: true }) : undefined));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  process.stdout.write(`Runtime: ${model.model.runtime}${model.model.runtimeReason === undefined ? '' : ` (${model.model.runtimeReason})`}\n`);
  process.stdout.write(`Slipway is serving '${model.name}'${model.version === undefined ? '' : ` version ${model.version}`} at http://${host}:${port}\n`);
}

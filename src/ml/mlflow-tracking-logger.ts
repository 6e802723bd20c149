/**
 * Logging to an MLflow-compatible tracking server (Slipway or `mlflow server`) over MLflow's
 * REST API, with the SDK's HTTP transport: runs, params, metrics, and MLflow 3 logged models
 * whose files are uploaded through the artifact proxy (`/api/2.0/mlflow-artifacts/artifacts/…`).
 * @module
 */

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { HttpTransport, resolveClientConfig, SlipwayApiError, type ResolvedClientConfig, type SlipwayClientOptions } from '../sdk/index.js';

const MLFLOW = '/api/2.0/mlflow';
const ARTIFACT_API = '/api/2.0/mlflow-artifacts/artifacts';

export interface RunRef {
  readonly runId: string;
  readonly experimentId: string;
  /** True when this logger created the run (so it should end it). */
  readonly created: boolean;
}

export interface LoggedModelRef {
  readonly modelId: string;
  /** `models:/<model id>`, which `mlflow.pyfunc.load_model` and Slipway's registry accept. */
  readonly uri: string;
  readonly artifactUri: string;
}

export class MlflowTrackingLogger {
  readonly #config: ResolvedClientConfig;
  readonly #http: HttpTransport;

  constructor(options: SlipwayClientOptions = {}) {
    this.#config = resolveClientConfig({ userAgent: 'slipway-ml', ...options });
    this.#http = new HttpTransport(this.#config);
  }

  get trackingUri(): string {
    return this.#config.baseUrl;
  }

  /**
   * The run to log into: `runId` (under Slipway, the step's `MLFLOW_RUN_ID`) when given,
   * else a new run in the experiment `experimentName` (created when missing).
   */
  async startRun(options: { readonly runId?: string | undefined; readonly experimentName: string; readonly runName?: string }): Promise<RunRef> {
    if (options.runId !== undefined && options.runId !== '') {
      const found = await this.#http.request<{ run: { info: { experiment_id: string } } }>({ method: 'GET', path: `${MLFLOW}/runs/get`, query: { run_id: options.runId } });
      return { runId: options.runId, experimentId: found.run.info.experiment_id, created: false };
    }
    const experimentId = await this.#experimentId(options.experimentName);
    const created = await this.#http.request<{ run: { info: { run_id: string } } }>({
      method: 'POST',
      path: `${MLFLOW}/runs/create`,
      body: { experiment_id: experimentId, start_time: Date.now(), ...(options.runName === undefined ? {} : { run_name: options.runName }) },
    });
    return { runId: created.run.info.run_id, experimentId, created: true };
  }

  async logParams(runId: string, params: Readonly<Record<string, string | number>>): Promise<void> {
    await this.#http.request({
      method: 'POST',
      path: `${MLFLOW}/runs/log-batch`,
      body: { run_id: runId, params: Object.entries(params).map(([key, value]) => ({ key, value: String(value) })) },
    });
  }

  async logMetrics(runId: string, metrics: Readonly<Record<string, number>>): Promise<void> {
    const timestamp = Date.now();
    await this.#http.request({
      method: 'POST',
      path: `${MLFLOW}/runs/log-batch`,
      body: { run_id: runId, metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp, step: 0 })) },
    });
  }

  /**
   * Logs a model as MLflow 3 does: creates a logged model (PENDING) whose source is the run,
   * lets `write(modelId)` produce the model directory (its `MLmodel` names the id), uploads
   * every file to the logged model's artifact location, marks it READY and records it as
   * the run's output.
   */
  async logModel(run: RunRef, options: { readonly name?: string; readonly modelType?: string; readonly params?: Readonly<Record<string, string | number>> }, write: (modelId: string) => Promise<string>): Promise<LoggedModelRef> {
    const created = await this.#http.request<{ model: { info: { model_id: string; artifact_uri: string } } }>({
      method: 'POST',
      path: `${MLFLOW}/logged-models`,
      body: {
        experiment_id: run.experimentId,
        name: options.name ?? 'model',
        source_run_id: run.runId,
        ...(options.modelType === undefined ? {} : { model_type: options.modelType }),
        params: Object.entries(options.params ?? {}).map(([key, value]) => ({ key, value: String(value) })),
      },
    });
    const { model_id: modelId, artifact_uri: artifactUri } = created.model.info;
    try {
      const dir = await write(modelId);
      await this.uploadDir(dir, artifactUri);
    } catch (e) {
      await this.#finalize(modelId, 'LOGGED_MODEL_UPLOAD_FAILED').catch(() => undefined);
      throw e;
    }
    await this.#finalize(modelId, 'LOGGED_MODEL_READY');
    await this.#http.request({ method: 'POST', path: `${MLFLOW}/runs/outputs`, body: { run_id: run.runId, models: [{ model_id: modelId, step: 0 }] } });
    return { modelId, uri: `models:/${modelId}`, artifactUri };
  }

  /** Uploads every file below `dir` to `artifactUri` (`mlflow-artifacts:/…`), keeping relative paths. */
  async uploadDir(dir: string, artifactUri: string): Promise<void> {
    const remote = artifactPathOf(artifactUri);
    for (const relative of await filesBelow(dir)) {
      const url = `${this.#config.baseUrl}${ARTIFACT_API}/${[...remote.split('/'), ...relative.split(path.sep)].filter((part) => part !== '').map(encodeURIComponent).join('/')}`;
      const headers: Record<string, string> = { 'user-agent': this.#config.userAgent, 'content-type': 'application/octet-stream' };
      if (this.#config.authorization !== undefined) headers.authorization = this.#config.authorization;
      const response = await this.#config.fetch(url, { method: 'PUT', headers, body: await readFile(path.join(dir, relative)), signal: AbortSignal.timeout(this.#config.timeoutMs) });
      if (!response.ok) throw new Error(`uploading ${relative} to ${this.#config.baseUrl} failed: HTTP ${response.status} ${await response.text()}`);
    }
  }

  /** Ends a run this logger created. */
  async endRun(run: RunRef, status: 'FINISHED' | 'FAILED' = 'FINISHED'): Promise<void> {
    if (!run.created) return;
    await this.#http.request({ method: 'POST', path: `${MLFLOW}/runs/update`, body: { run_id: run.runId, status, end_time: Date.now() } });
  }

  async #finalize(modelId: string, status: string): Promise<void> {
    await this.#http.request({ method: 'PATCH', path: `${MLFLOW}/logged-models/${encodeURIComponent(modelId)}`, body: { model_id: modelId, status } });
  }

  async #experimentId(name: string): Promise<string> {
    try {
      const found = await this.#http.request<{ experiment: { experiment_id: string } }>({ method: 'GET', path: `${MLFLOW}/experiments/get-by-name`, query: { experiment_name: name } });
      return found.experiment.experiment_id;
    } catch (e) {
      if (!(e instanceof SlipwayApiError) || e.errorCode !== 'RESOURCE_DOES_NOT_EXIST') throw e;
    }
    const created = await this.#http.request<{ experiment_id: string }>({ method: 'POST', path: `${MLFLOW}/experiments/create`, body: { name } });
    return created.experiment_id;
  }
}

/** The artifact-store path of a `mlflow-artifacts:/…` URI (with or without an authority). */
function artifactPathOf(artifactUri: string): string {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(artifactUri);
  if (m === null) throw new Error(`the model's artifact location '${artifactUri}' is not served through the tracking server's artifact proxy (mlflow-artifacts:/)`);
  return m[1]!.replace(/\/$/, '');
}

async function filesBelow(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const relative = path.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await filesBelow(dir, relative)));
    else if (entry.isFile()) out.push(relative);
  }
  return out.sort();
}

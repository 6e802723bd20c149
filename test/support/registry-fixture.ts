/**
 * Seeds a live server's tracking store over HTTP with what registry tests register
 * versions from: an experiment, a run with a param, a metric and a training dataset, and
 * a logged model produced by the run.
 */
export interface TrackingFixture {
  readonly experimentId: string;
  readonly runId: string;
  readonly modelId: string;
}

export async function seedTracking(baseUrl: string, experimentName: string): Promise<TrackingFixture> {
  const experimentId = (await post<{ experiment_id: string }>(baseUrl, '/experiments/create', { name: experimentName })).experiment_id;
  const run = await post<{ run: { info: { run_id: string } } }>(baseUrl, '/runs/create', { experiment_id: experimentId, run_name: 'clever-owl-12' });
  const runId = run.run.info.run_id;
  await post(baseUrl, '/runs/log-batch', {
    run_id: runId,
    params: [
      { key: 'n_estimators', value: '100' },
      { key: 'max_depth', value: '6' },
    ],
    metrics: [{ key: 'rmse', value: 0.42, timestamp: 1, step: 0 }],
  });
  await post(baseUrl, '/runs/log-inputs', {
    run_id: runId,
    datasets: [
      {
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
        dataset: { name: 'housing-data', digest: 'abc123', source_type: 'local', source: '{"uri": "housing.csv"}' },
      },
    ],
  });
  const logged = await post<{ model: { info: { model_id: string } } }>(baseUrl, '/logged-models', {
    experiment_id: experimentId,
    name: 'model',
    source_run_id: runId,
  });
  return { experimentId, runId, modelId: logged.model.info.model_id };
}

async function post<T = unknown>(baseUrl: string, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${baseUrl}/api/2.0/mlflow${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${path} failed with ${res.status}: ${text}`);
  return (text === '' ? {} : JSON.parse(text)) as T;
}

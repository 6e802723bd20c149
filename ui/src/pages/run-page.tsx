import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Experiment, MetricPoint, Run } from '../api/mlflow-types.js';
import { ErrorMessage } from '../components/error-message.js';
import { ArtifactBrowser, type ArtifactSource } from '../components/artifact-browser.js';
import { MetricHistoryPanel } from '../components/metric-history-panel.js';
import { RunDatasets } from '../components/run-datasets.js';
import { RunLoggedModels } from '../components/run-logged-models.js';
import { formatNumber } from '../lib/run-columns.js';
import { Link } from '../lib/router.js';
import { useClient } from '../lib/use-client.js';

/** `/runs/:id`: a run's attributes, params, tags, latest metrics and one metric's history. */
export function RunPage(props: { runId: string }): ReactNode {
  const client = useClient();
  const [run, setRun] = useState<Run | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [experiment, setExperiment] = useState<Experiment | undefined>(undefined);

  useEffect(() => {
    let cancelled = false;
    client
      .getRun(props.runId)
      .then((r) => {
        if (cancelled) return;
        setRun(r);
        // Only for the breadcrumb: without it the ID is shown.
        client.getExperiment(r.info.experiment_id).then((e) => !cancelled && setExperiment(e), () => undefined);
      })
      .catch((e: unknown) => !cancelled && setError(e));
    return () => {
      cancelled = true;
    };
  }, [client, props.runId]);

  const artifacts = useMemo<ArtifactSource | undefined>(
    () =>
      run === undefined
        ? undefined
        : {
            key: run.info.run_id,
            list: async (path) => (await client.listRunArtifacts(run.info.run_id, path)).files,
            fileUrl: (path) => client.artifactFileUrl(run.info.artifact_uri ?? '', path),
          },
    [client, run],
  );

  if (error !== undefined) {
    return (
      <section>
        <p className="crumbs">
          <Link href="/">Experiments</Link> /
        </p>
        <ErrorMessage error={error} />
      </section>
    );
  }
  if (run === undefined) return <p className="muted loading">Loading run…</p>;

  const info = run.info;
  const params = [...(run.data?.params ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  const tags = [...(run.data?.tags ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  const metrics = [...(run.data?.metrics ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  return (
    <section aria-labelledby="run-heading">
      <p className="crumbs">
        <Link href="/">Experiments</Link> / <Link href={`/experiments/${encodeURIComponent(info.experiment_id)}`}>{experiment?.name ?? `Experiment ${info.experiment_id}`}</Link> /
      </p>
      <h1 id="run-heading">{info.run_name ?? info.run_id}</h1>
      <dl className="attributes">
        <dt>Run ID</dt>
        <dd>
          <code>{info.run_id}</code>
        </dd>
        <dt>Status</dt>
        <dd>{info.status}</dd>
        <dt>Started</dt>
        <dd>{info.start_time !== undefined ? new Date(info.start_time).toLocaleString() : '—'}</dd>
        <dt>Duration</dt>
        <dd>{info.start_time !== undefined && info.end_time !== undefined ? formatDuration(info.end_time - info.start_time) : '—'}</dd>
        <dt>User</dt>
        <dd>{info.user_id !== undefined && info.user_id !== '' ? info.user_id : '—'}</dd>
      </dl>

      <h2>Metrics</h2>
      {metrics.length === 0 ? (
        <p className="muted">This run logged no metrics.</p>
      ) : (
        <>
          <MetricHistoryPanel
            runs={[{ runId: info.run_id, label: info.run_name ?? info.run_id }]}
            metricKeys={metrics.map((m) => m.key)}
            initialKey={defaultChartMetric(metrics)}
          />
          <KeyValueTable caption="Latest metrics" rows={metrics.map((m) => ({ key: m.key, value: formatNumber(m.value) }))} />
        </>
      )}

      <h2>Parameters</h2>
      {params.length === 0 ? <p className="muted">This run logged no parameters.</p> : <KeyValueTable caption="Parameters" rows={params} />}

      <h2>Tags</h2>
      {tags.length === 0 ? <p className="muted">This run has no tags.</p> : <KeyValueTable caption="Tags" rows={tags} />}

      <h2>Datasets</h2>
      <RunDatasets inputs={run.inputs?.dataset_inputs ?? []} />

      <h2>Logged models</h2>
      <RunLoggedModels experimentId={info.experiment_id} runId={info.run_id} />

      <h2>Artifacts</h2>
      {artifacts !== undefined && <ArtifactBrowser key={artifacts.key} source={artifacts} label="Artifacts" />}
    </section>
  );
}

function KeyValueTable(props: { caption: string; rows: readonly { key: string; value: string }[] }): ReactNode {
  return (
    <table className="kv" aria-label={props.caption}>
      <thead>
        <tr>
          <th scope="col">Key</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.key}</th>
            <td>{r.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The metric charted first: the one with the highest latest step (the longest history,
 * the one worth a chart), by name among equals.
 */
export function defaultChartMetric(latest: readonly MetricPoint[]): string | undefined {
  return [...latest].sort((a, b) => b.step - a.step || a.key.localeCompare(b.key))[0]?.key;
}

/** `1h 2m 3s`, `4.2s`: a run's wall time. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return [h > 0 ? `${h}h` : '', `${m}m`, `${s % 60}s`].filter((x) => x !== '').join(' ');
}

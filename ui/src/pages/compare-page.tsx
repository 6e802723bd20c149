import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Experiment, Run } from '../api/mlflow-types.js';
import { ErrorMessage } from '../components/error-message.js';
import { MetricHistoryPanel } from '../components/metric-history-panel.js';
import { ParallelCoordinates } from '../components/parallel-coordinates.js';
import { RunScatter } from '../components/run-scatter.js';
import { compareRunIds, diffRows, dimensionId, dimensionsOf } from '../lib/compare.js';
import { Link, useSearch } from '../lib/router.js';
import { useClient } from '../lib/use-client.js';

/**
 * `/compare?runs=<id>,<id>,…`: the chosen runs side by side — one metric's curves overlaid,
 * a param/metric table that marks where they differ, a scatter of a metric against any
 * param or metric, and parallel coordinates.
 */
export function ComparePage(): ReactNode {
  const client = useClient();
  const search = useSearch();
  const ids = useMemo(() => compareRunIds(search), [search]);
  const [runs, setRuns] = useState<readonly Run[] | undefined>(undefined);
  const [experiment, setExperiment] = useState<Experiment | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [onlyDiffs, setOnlyDiffs] = useState(false);

  useEffect(() => {
    let cancelled = false;
    setRuns(undefined);
    Promise.all(ids.map((id) => client.getRun(id)))
      .then((r) => {
        if (cancelled) return;
        setRuns(r);
        const first = r[0];
        if (first !== undefined) client.getExperiment(first.info.experiment_id).then((e) => !cancelled && setExperiment(e), () => undefined);
      })
      .catch((e: unknown) => !cancelled && setError(e));
    return () => {
      cancelled = true;
    };
  }, [client, ids]);

  const crumbs = (
    <p className="crumbs">
      <Link href="/">Experiments</Link> /{' '}
      {experiment !== undefined && (
        <>
          <Link href={`/experiments/${encodeURIComponent(experiment.experiment_id)}`}>{experiment.name}</Link> /
        </>
      )}
    </p>
  );
  if (ids.length < 2) {
    return (
      <section aria-labelledby="compare-heading">
        {crumbs}
        <h1 id="compare-heading">Compare runs</h1>
        <div className="empty-state">
          <p>Choose two or more runs to compare: tick them in an experiment&apos;s runs table, then press <strong>Compare</strong>.</p>
        </div>
      </section>
    );
  }
  if (error !== undefined) {
    return (
      <section>
        {crumbs}
        <ErrorMessage error={error} />
      </section>
    );
  }
  if (runs === undefined) return <p className="muted loading">Loading runs…</p>;

  const labels = runs.map((r) => r.info.run_name ?? r.info.run_id);
  const { params, metrics } = dimensionsOf(runs);
  const rows = diffRows(runs);
  const differing = rows.filter((r) => r.differs).length;
  const shown = onlyDiffs ? rows.filter((r) => r.differs) : rows;
  const metricKeys = metrics.map((m) => m.key);
  // Chart first the metric most runs have.
  const initialKey = [...metricKeys].sort(
    (a, b) => runs.filter((r) => r.data?.metrics?.some((m) => m.key === b)).length - runs.filter((r) => r.data?.metrics?.some((m) => m.key === a)).length,
  )[0];

  return (
    <section aria-labelledby="compare-heading">
      {crumbs}
      <h1 id="compare-heading">Comparing {runs.length} runs</h1>
      <ul className="legend compare-runs" aria-label="Compared runs">
        {runs.map((r, i) => (
          <li key={r.info.run_id}>
            <span className={`swatch series-${i % 8}`} aria-hidden="true" /> <Link href={`/runs/${encodeURIComponent(r.info.run_id)}`}>{labels[i]}</Link>
          </li>
        ))}
      </ul>

      <h2>Metric curves</h2>
      {metricKeys.length === 0 ? (
        <p className="muted">None of these runs logged metrics.</p>
      ) : (
        <MetricHistoryPanel runs={runs.map((r, i) => ({ runId: r.info.run_id, label: labels[i] ?? r.info.run_id }))} metricKeys={metricKeys} initialKey={initialKey} />
      )}

      <h2>Parameters and metrics</h2>
      <div className="toolbar">
        <label className="check">
          <input type="checkbox" checked={onlyDiffs} onChange={(e) => setOnlyDiffs(e.target.checked)} /> Only show differences
        </label>
        <span className="muted" data-testid="diff-count">
          {differing} of {rows.length} differ
        </span>
      </div>
      <div className="table-viewport diff-viewport">
        <table className="kv diff" aria-label="Differences">
          <thead>
            <tr>
              <th scope="col">Key</th>
              {runs.map((r, i) => (
                <th scope="col" key={r.info.run_id}>
                  <span className={`swatch series-${i % 8}`} aria-hidden="true" /> {labels[i]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={dimensionId(row.dimension)} className={row.differs ? 'differs' : undefined}>
                <th scope="row">
                  <span className="muted kind">{row.dimension.kind}</span> {row.dimension.key}
                  {row.differs && <span className="visually-hidden"> (differs)</span>}
                </th>
                {row.values.map((v, i) => (
                  <td key={i} className={v === undefined ? 'muted' : undefined}>
                    {v ?? '—'}
                  </td>
                ))}
              </tr>
            ))}
            {shown.length === 0 && (
              <tr>
                <td colSpan={runs.length + 1} className="muted">
                  {rows.length === 0 ? 'These runs logged no params or metrics.' : 'The runs agree on every param and metric.'}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>

      <h2>Scatter</h2>
      <RunScatter runs={runs} labels={labels} dimensions={[...params, ...metrics]} metrics={metrics} />

      <h2>Parallel coordinates</h2>
      <ParallelCoordinates runs={runs} labels={labels} dimensions={[...params, ...metrics]} />
    </section>
  );
}

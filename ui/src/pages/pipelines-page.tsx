import { useEffect, useState, type ReactNode } from 'react';
import { usePipelinesClient, type PipelineSummary } from '../api/pipelines-client.js';
import { ErrorMessage } from '../components/error-message.js';
import { formatTime, StatusBadge } from '../components/pipeline-status.js';
import { basePath } from '../lib/base-path.js';
import { Link } from '../lib/router.js';

/** `/pipelines`: every pipeline with its latest version and last execution, with a name search. */
export function PipelinesPage(): ReactNode {
  const client = usePipelinesClient();
  const [pipelines, setPipelines] = useState<PipelineSummary[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [search, setSearch] = useState('');

  useEffect(() => {
    let cancelled = false;
    client
      .listPipelines()
      .then((p) => !cancelled && setPipelines(p))
      .catch((e: unknown) => !cancelled && setError(e));
    return () => {
      cancelled = true;
    };
  }, [client]);

  const needle = search.trim().toLowerCase();
  const shown = (pipelines ?? []).filter((p) => needle === '' || p.name.toLowerCase().includes(needle));
  return (
    <section aria-labelledby="pipelines-heading">
      <h1 id="pipelines-heading">Pipelines</h1>
      <div className="toolbar">
        <label htmlFor="pipeline-search">Search pipelines</label>
        <input id="pipeline-search" type="search" placeholder="Name contains…" value={search} onChange={(e) => setSearch(e.target.value)} />
        <span className="spacer" />
        <Link href="/executions">All executions</Link>
        <Link href="/schedules">Schedules and triggers</Link>
        <Link href="/approvals">Approvals</Link>
      </div>
      <ErrorMessage error={error} />
      {pipelines === undefined && error === undefined && <p className="muted loading">Loading pipelines…</p>}
      {pipelines !== undefined && pipelines.length === 0 && <NoPipelines />}
      {pipelines !== undefined && pipelines.length > 0 && shown.length === 0 && <p className="muted">No pipeline name contains “{search}”.</p>}
      {shown.length > 0 && (
        <div className="table-viewport pipeline-table">
          <table className="kv wide pipelines" aria-label="Pipelines">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Latest version</th>
                <th scope="col">Last execution</th>
                <th scope="col">Updated</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((p) => (
                <tr key={p.name}>
                  <th scope="row">
                    <Link href={`/pipelines/${encodeURIComponent(p.name)}`}>{p.name}</Link>
                  </th>
                  <td>v{p.latest_version}</td>
                  <td>
                    {p.last_execution === undefined ? (
                      <span className="muted">never run</span>
                    ) : (
                      <Link href={`/executions/${encodeURIComponent(p.last_execution.execution_id)}`} aria-label={`Last execution of ${p.name}: ${p.last_execution.status}`}>
                        <StatusBadge status={p.last_execution.status} /> {formatTime(p.last_execution.created_time)}
                      </Link>
                    )}
                  </td>
                  <td className="muted">{formatTime(p.updated_time)}</td>
                  <td className="muted">{p.description ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function NoPipelines(): ReactNode {
  return (
    <div className="empty-state">
      <h2>No pipelines yet</h2>
      <p>Run a pipeline file with the CLI, pointed at this server; it is stored here as version 1 and its execution shows up live:</p>
      <pre>
        <code>{`export SLIPWAY_TRACKING_URI=${window.location.origin}${basePath()}\nslipway run examples/california-housing/pipeline.yaml --wait`}</code>
      </pre>
      <p>
        or store it without running it: <code>slipway pipelines upsert examples/california-housing/pipeline.yaml</code>, then start it from its page.
      </p>
    </div>
  );
}

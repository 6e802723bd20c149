import { useState, type ReactNode } from 'react';
import { EXECUTION_STATUSES, usePipelinesClient, type Execution } from '../api/pipelines-client.js';
import { ErrorMessage } from '../components/error-message.js';
import { ExecutionsTable } from '../components/pipeline-executions-table.js';
import { usePoll } from '../components/pipeline-poll.js';
import { Link, useSearch } from '../lib/router.js';

const PAGE = 50;

/**
 * `/executions?pipeline=…&status=…`: executions, newest first, with their status and what
 * started them; filtered by pipeline and status on the server, 50 a page (**Load more**).
 * The first page refreshes every 2 s while an execution on it is active.
 */
export function ExecutionsPage(): ReactNode {
  const client = usePipelinesClient();
  const search = new URLSearchParams(useSearch());
  const [pipeline, setPipeline] = useState(search.get('pipeline') ?? '');
  const [status, setStatus] = useState(search.get('status') ?? '');
  const [applied, setApplied] = useState({ pipeline: pipeline.trim(), status });
  const [more, setMore] = useState<{ items: Execution[]; token: string | undefined; key: string } | undefined>(undefined);
  const [moreError, setMoreError] = useState<unknown>(undefined);

  const first = usePoll(
    () => client.listExecutions({ pipeline: applied.pipeline, status: applied.status, maxResults: PAGE }),
    [client, applied.pipeline, applied.status],
    2000,
    (page) => page.items.some((e) => e.status === 'queued' || e.status === 'running' || e.status === 'cancelling'),
  );
  const key = `${applied.pipeline}|${applied.status}`;
  const extra = more?.key === key ? more : undefined;
  const shown = [...(first.data?.items ?? []), ...(extra?.items ?? [])];
  const nextToken = extra !== undefined ? extra.token : first.data?.nextPageToken;

  const apply = (next: { pipeline: string; status: string }): void => {
    setApplied({ pipeline: next.pipeline.trim(), status: next.status });
    const q = new URLSearchParams();
    if (next.pipeline.trim() !== '') q.set('pipeline', next.pipeline.trim());
    if (next.status !== '') q.set('status', next.status);
    window.history.replaceState(null, '', `${window.location.pathname}${q.size > 0 ? `?${q.toString()}` : ''}`);
  };
  const loadMore = async (): Promise<void> => {
    if (nextToken === undefined) return;
    try {
      const page = await client.listExecutions({ ...applied, pageToken: nextToken, maxResults: PAGE });
      setMore({ items: [...(extra?.items ?? []), ...page.items], token: page.nextPageToken, key });
      setMoreError(undefined);
    } catch (e) {
      setMoreError(e);
    }
  };

  return (
    <section aria-labelledby="executions-heading">
      <p className="crumbs">
        <Link href="/pipelines">Pipelines</Link> /
      </p>
      <h1 id="executions-heading">Executions</h1>
      <form
        className="toolbar"
        aria-label="Filter executions"
        onSubmit={(e) => {
          e.preventDefault();
          apply({ pipeline, status });
        }}
      >
        <label htmlFor="executions-pipeline">Pipeline</label>
        <input id="executions-pipeline" type="search" value={pipeline} placeholder="any" onChange={(e) => setPipeline(e.target.value)} />
        <label htmlFor="executions-status">Status</label>
        <select
          id="executions-status"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value);
            apply({ pipeline, status: e.target.value });
          }}
        >
          <option value="">any</option>
          {EXECUTION_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <button type="submit">Apply</button>
      </form>
      <ErrorMessage error={first.error} />
      {first.data === undefined && first.error === undefined && <p className="muted loading">Loading executions…</p>}
      {first.data !== undefined && shown.length === 0 && (
        <div className="empty-state">
          <h2>No executions{applied.pipeline !== '' || applied.status !== '' ? ' match' : ' yet'}</h2>
          <p>
            Start one from a <Link href="/pipelines">pipeline&apos;s page</Link>, or with the CLI: <code>slipway run examples/california-housing/pipeline.yaml</code>
          </p>
        </div>
      )}
      {shown.length > 0 && <ExecutionsTable executions={shown} showPipeline label="Executions" />}
      <ErrorMessage error={moreError} />
      {nextToken !== undefined && (
        <button type="button" onClick={() => void loadMore()}>
          Load more executions
        </button>
      )}
    </section>
  );
}

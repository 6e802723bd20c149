import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { Experiment, Run } from '../api/mlflow-types.js';
import { ErrorMessage } from '../components/error-message.js';
import { TrackingUriHelp } from '../components/tracking-uri-help.js';
import { availableColumns, cellText, chooseColumns, columnId, orderByClause, type RunColumn } from '../lib/run-columns.js';
import { compareHref } from '../lib/compare.js';
import { basePath } from '../lib/base-path.js';
import { Link } from '../lib/router.js';
import { useClient } from '../lib/use-client.js';
import { visibleWindow } from '../lib/visible-window.js';

const PAGE_SIZE = 200;
const ROW_HEIGHT = 36;
const VIEWPORT_HEIGHT = 560;

interface Sort {
  readonly column: RunColumn;
  readonly ascending: boolean;
}

interface Loaded {
  readonly runs: readonly Run[];
  readonly nextPageToken: string | undefined;
}

const START_TIME: RunColumn = { kind: 'attribute', key: 'start_time' };
const RUN_NAME: RunColumn = { kind: 'attribute', key: 'run_name' };

/**
 * `/experiments/:id`: the experiment's runs. Paging and sorting happen on the server
 * (`runs/search` with `order_by` and `page_token`); the table renders only the rows in
 * view and fetches the next page as the user scrolls near the end, so 100,000 runs stay
 * smooth. The filter box takes MLflow's search grammar and shows the server's message
 * inline when it is wrong.
 */
export function RunsPage(props: { experimentId: string }): ReactNode {
  const client = useClient();
  const [experiment, setExperiment] = useState<Experiment | undefined>(undefined);
  const [draft, setDraft] = useState('');
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<Sort>({ column: START_TIME, ascending: false });
  const [loaded, setLoaded] = useState<Loaded | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [pageError, setPageError] = useState<unknown>(undefined);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [chosen, setChosen] = useState<readonly RunColumn[] | undefined>(undefined);
  const [scrollTop, setScrollTop] = useState(0);
  const request = useRef(0);
  const viewport = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let cancelled = false;
    client
      .getExperiment(props.experimentId)
      .then((e) => !cancelled && setExperiment(e))
      .catch((e: unknown) => !cancelled && setPageError(e));
    return () => {
      cancelled = true;
    };
  }, [client, props.experimentId]);

  const load = useCallback(
    (pageToken: string | undefined, previous: readonly Run[]) => {
      const id = ++request.current;
      setLoading(true);
      client
        .searchRuns({
          experimentIds: [props.experimentId],
          filter,
          orderBy: [orderByClause(sort.column, sort.ascending)],
          maxResults: PAGE_SIZE,
          pageToken,
        })
        .then((page) => {
          if (id !== request.current) return;
          setLoaded({ runs: [...previous, ...page.items], nextPageToken: page.nextPageToken });
          setError(undefined);
        })
        .catch((e: unknown) => {
          if (id !== request.current) return;
          setError(e);
          if (pageToken === undefined) setLoaded({ runs: [], nextPageToken: undefined });
        })
        .finally(() => {
          if (id === request.current) setLoading(false);
        });
    },
    [client, props.experimentId, filter, sort],
  );

  // A new experiment, filter or sort starts again from the first page.
  useEffect(() => {
    setScrollTop(0);
    if (viewport.current !== null) viewport.current.scrollTop = 0;
    load(undefined, []);
  }, [load]);

  const runs = useMemo(() => loaded?.runs ?? [], [loaded]);
  const available = useMemo(() => availableColumns(runs), [runs]);
  const columns = useMemo(() => chooseColumns(runs, chosen), [runs, chosen]);
  const win = visibleWindow(scrollTop, VIEWPORT_HEIGHT, ROW_HEIGHT, runs.length);
  const canLoadMore = loaded?.nextPageToken !== undefined && !loading;
  const loadMore = (): void => {
    if (loaded?.nextPageToken !== undefined && !loading) load(loaded.nextPageToken, loaded.runs);
  };
  // Scrolled into the last screenful of loaded rows: fetch the next page.
  const nearEnd = runs.length > 0 && win.end >= runs.length - Math.ceil(VIEWPORT_HEIGHT / ROW_HEIGHT);
  const nextToken = loaded?.nextPageToken;
  useEffect(() => {
    if (nearEnd && nextToken !== undefined && !loading) load(nextToken, runs);
  }, [nearEnd, nextToken, loading, load, runs]);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setFilter(draft.trim());
  };
  const sortBy = (column: RunColumn): void => {
    const same = columnId(column) === columnId(sort.column);
    setSort({ column, ascending: same ? !sort.ascending : column.kind !== 'metric' && column.key !== 'start_time' });
  };
  const toggle = (runId: string): void => {
    const next = new Set(selected);
    if (next.has(runId)) next.delete(runId);
    else next.add(runId);
    setSelected(next);
  };
  const toggleColumn = (column: RunColumn): void => {
    const current = chosen ?? columns;
    const id = columnId(column);
    setChosen(current.some((c) => columnId(c) === id) ? current.filter((c) => columnId(c) !== id) : [...current, column]);
  };
  const allColumns: RunColumn[] = [
    ...available.metrics.map((key): RunColumn => ({ kind: 'metric', key })),
    ...available.params.map((key): RunColumn => ({ kind: 'param', key })),
    ...available.tags.map((key): RunColumn => ({ kind: 'tag', key })),
  ];
  const shownIds = new Set(columns.map(columnId));

  if (pageError !== undefined) {
    return (
      <section>
        <p>
          <Link href="/">← Experiments</Link>
        </p>
        <ErrorMessage error={pageError} />
      </section>
    );
  }

  const header = (column: RunColumn, label: string): ReactNode => {
    const active = columnId(column) === columnId(sort.column);
    return (
      <th
        key={columnId(column)}
        scope="col"
        className={column.kind}
        aria-sort={active ? (sort.ascending ? 'ascending' : 'descending') : 'none'}
      >
        <button type="button" className="sort" onClick={() => sortBy(column)} title={`Sort by ${column.kind} ${column.key}`}>
          {label}
          <span aria-hidden="true" className="sort-mark">{active ? (sort.ascending ? ' ▲' : ' ▼') : ''}</span>
        </button>
      </th>
    );
  };

  return (
    <section aria-labelledby="runs-heading">
      <p className="crumbs">
        <Link href="/">Experiments</Link> /
      </p>
      <h1 id="runs-heading">{experiment?.name ?? '\u00a0'}</h1>
      <form className="toolbar" onSubmit={submit} role="search">
        <label htmlFor="run-filter">Filter runs</label>
        <input
          id="run-filter"
          className="filter"
          type="text"
          spellCheck={false}
          placeholder="metrics.rmse < 0.5 and params.model = 'tree'"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          aria-describedby="run-filter-error"
          aria-invalid={error !== undefined}
        />
        <button type="submit">Apply</button>
        {filter !== '' && (
          <button
            type="button"
            onClick={() => {
              setDraft('');
              setFilter('');
            }}
          >
            Clear
          </button>
        )}
      </form>
      <ErrorMessage error={error} id="run-filter-error" />
      <div className="toolbar">
        <span className="muted" aria-live="polite" data-testid="run-count">
          {loaded === undefined ? 'Loading runs…' : error !== undefined && runs.length === 0 ? '\u00a0' : `${runs.length.toLocaleString('en')}${loaded.nextPageToken !== undefined ? '+' : ''} runs`}
          {selected.size > 0 && ` · ${selected.size} selected`}
        </span>
        <details className="column-picker">
          <summary>Columns</summary>
          <fieldset>
            <legend>Columns to show</legend>
            {allColumns.length === 0 && <p className="muted">The loaded runs have no params, metrics or tags.</p>}
            {allColumns.map((c) => (
              <label key={columnId(c)}>
                <input type="checkbox" checked={shownIds.has(columnId(c))} onChange={() => toggleColumn(c)} /> {c.kind}:{' '}
                {c.key}
              </label>
            ))}
          </fieldset>
        </details>
        {selected.size >= 2 && (
          <Link className="button-link" href={compareHref(selected)}>
            Compare {selected.size} runs
          </Link>
        )}
        {selected.size > 0 && (
          <button type="button" className="secondary" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        )}
      </div>
      {loaded !== undefined && runs.length === 0 && error === undefined && (
        <div className="empty-state">
          {filter === '' ? (
            <>
              <h2>No runs in this experiment yet</h2>
              <TrackingUriHelp serverUrl={window.location.origin + basePath()} experimentName={experiment?.name} />
            </>
          ) : (
            <p>No runs match this filter.</p>
          )}
        </div>
      )}
      <div
        className="table-viewport"
        ref={viewport}
        hidden={error !== undefined && runs.length === 0}
        style={{ maxHeight: VIEWPORT_HEIGHT }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        tabIndex={-1}
      >
        <table className="runs" aria-label="Runs" aria-rowcount={runs.length + 1} aria-busy={loading}>
          <thead>
            <tr>
              <th scope="col" className="select">
                <span className="visually-hidden">Select</span>
              </th>
              {header(RUN_NAME, 'Run')}
              {header(START_TIME, 'Started')}
              {columns.map((c) => header(c, c.key))}
            </tr>
          </thead>
          <tbody>
            {win.padTop > 0 && <tr style={{ height: win.padTop }} aria-hidden="true" />}
            {runs.slice(win.start, win.end).map((run, i) => (
              <tr key={run.info.run_id} style={{ height: ROW_HEIGHT }} aria-rowindex={win.start + i + 2}>
                <td className="select">
                  <input
                    type="checkbox"
                    checked={selected.has(run.info.run_id)}
                    onChange={() => toggle(run.info.run_id)}
                    aria-label={`Select run ${run.info.run_name ?? run.info.run_id}`}
                  />
                </td>
                <td>
                  <Link href={`/runs/${encodeURIComponent(run.info.run_id)}`}>{run.info.run_name ?? run.info.run_id}</Link>
                </td>
                <td className="muted">{run.info.start_time !== undefined ? new Date(run.info.start_time).toLocaleString() : ''}</td>
                {columns.map((c) => (
                  <td key={columnId(c)} className={c.kind}>
                    {cellText(run, c)}
                  </td>
                ))}
              </tr>
            ))}
            {win.padBottom > 0 && <tr style={{ height: win.padBottom }} aria-hidden="true" />}
          </tbody>
        </table>
      </div>
      {loaded?.nextPageToken !== undefined && (
        <button type="button" onClick={loadMore} disabled={!canLoadMore}>
          {loading ? 'Loading…' : 'Load more runs'}
        </button>
      )}
    </section>
  );
}

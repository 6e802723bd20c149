import { useEffect, useState, type ReactNode } from 'react';
import type { Experiment } from '../api/mlflow-types.js';
import { ErrorMessage } from '../components/error-message.js';
import { TrackingUriHelp } from '../components/tracking-uri-help.js';
import { experimentNameFilter } from '../lib/name-filter.js';
import { basePath } from '../lib/base-path.js';
import { Link } from '../lib/router.js';
import { useClient } from '../lib/use-client.js';

/** Wait this long after the last keystroke before searching. */
const SEARCH_DEBOUNCE_MS = 200;

/** `/`: the experiments, newest activity first, with a name search. */
export function ExperimentsPage(): ReactNode {
  const client = useClient();
  const [search, setSearch] = useState('');
  const [experiments, setExperiments] = useState<readonly Experiment[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => {
      client
        .searchExperiments({ filter: experimentNameFilter(search), maxResults: 1000 })
        .then((page) => {
          if (cancelled) return;
          setExperiments(page.items);
          setError(undefined);
        })
        .catch((e: unknown) => {
          if (!cancelled) setError(e);
        });
    }, search === '' ? 0 : SEARCH_DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [client, search]);

  // Only the Default experiment (or nothing): a new server, so say what to do next.
  const isNew = search === '' && experiments !== undefined && experiments.length <= 1;
  return (
    <section aria-labelledby="experiments-heading">
      <h1 id="experiments-heading">Experiments</h1>
      <div className="toolbar">
        <label htmlFor="experiment-search">Search experiments</label>
        <input
          id="experiment-search"
          type="search"
          placeholder="Name contains…"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      <ErrorMessage error={error} />
      {experiments === undefined && error === undefined && <p className="muted loading">Loading experiments…</p>}
      {experiments !== undefined && experiments.length === 0 && search !== '' && (
        <p className="muted">No experiment name contains “{search}”.</p>
      )}
      {experiments !== undefined && experiments.length > 0 && (
        <ul className="experiment-list" aria-label="Experiments">
          {experiments.map((e) => (
            <li key={e.experiment_id}>
              <Link href={`/experiments/${encodeURIComponent(e.experiment_id)}`}>{e.name}</Link>
              <span className="muted">
                {' '}
                #{e.experiment_id}
                {e.last_update_time !== undefined && ` · updated ${new Date(e.last_update_time).toLocaleString()}`}
              </span>
            </li>
          ))}
        </ul>
      )}
      {isNew && (
        <div className="empty-state">
          <h2>No experiments yet</h2>
          <TrackingUriHelp serverUrl={window.location.origin + basePath()} />
        </div>
      )}
    </section>
  );
}

import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { EndpointsClient, rolloutInProgress, type Endpoint } from '../api/endpoints-client.js';
import { ErrorMessage } from '../components/error-message.js';
import { basePath } from '../lib/base-path.js';
import { Link } from '../lib/router.js';

/** What a new user types to get an endpoint (shown on an empty list). */
export function EndpointsEmptyState(): ReactNode {
  return (
    <div className="empty-state help">
      <h2>No endpoints yet</h2>
      <p>An endpoint serves registered model versions over HTTP, with traffic split between variants. Create one from a model alias:</p>
      <pre>
        <code>slipway endpoints create prices -m models:/housing@champion</code>
      </pre>
      <p>
        or run <code>npm run demo</code> for a demo that trains, registers and serves a model. New endpoints appear here with their
        variants, rollouts and live traffic.
      </p>
    </div>
  );
}

/** The endpoint's rollout in a few words (`canary 50% (Baking)`). */
export function rolloutSummary(e: Endpoint): string {
  const r = e.rollout;
  if (r === undefined) return '–';
  if (!rolloutInProgress(r)) return `${r.strategy}: ${r.phase}`;
  return r.phase === 'Warming' ? `${r.strategy}: Warming` : `${r.strategy}: step ${r.step + 1} of ${r.steps.length}, ${r.target_percent}% (Baking)`;
}

/** `/endpoints`: every endpoint with its status, variants and rollout phase. */
export function EndpointsPage(): ReactNode {
  const client = useMemo(() => new EndpointsClient(basePath()), []);
  const [endpoints, setEndpoints] = useState<Endpoint[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    let cancelled = false;
    const load = (): void => {
      client
        .list()
        .then((list) => {
          if (cancelled) return;
          setEndpoints(list);
          setError(undefined);
        })
        .catch((e: unknown) => !cancelled && setError(e));
    };
    load();
    const timer = window.setInterval(load, 5000);
    return () => {
      cancelled = true;
      window.clearInterval(timer);
    };
  }, [client]);

  return (
    <section aria-labelledby="endpoints-heading">
      <h1 id="endpoints-heading">Endpoints</h1>
      <ErrorMessage error={error} />
      {endpoints === undefined && error === undefined && <p className="muted loading">Loading endpoints…</p>}
      {endpoints !== undefined && endpoints.length === 0 && <EndpointsEmptyState />}
      {endpoints !== undefined && endpoints.length > 0 && <EndpointsTable endpoints={endpoints} />}
    </section>
  );
}

export function EndpointsTable(props: { endpoints: readonly Endpoint[] }): ReactNode {
  return (
    <table className="kv wide endpoints" aria-label="Endpoints">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Status</th>
          <th scope="col">Variants</th>
          <th scope="col">Rollout</th>
        </tr>
      </thead>
      <tbody>
        {props.endpoints.map((e) => (
          <tr key={e.endpoint_id}>
            <th scope="row">
              <Link href={`/endpoints/${encodeURIComponent(e.name)}`}>{e.name}</Link>
            </th>
            <td>
              <span className={`status status-${e.status.toLowerCase()}`}>{e.status}</span>
              {e.status_reason !== undefined && <div className="muted small">{e.status_reason}</div>}
            </td>
            <td>
              {e.variants.map((v) => (
                <div key={v.name}>
                  {v.name}: {v.model_name} v{v.model_version} {v.shadow !== undefined ? '(shadow)' : `(weight ${v.weight})`} · {v.status}
                </div>
              ))}
            </td>
            <td>{rolloutSummary(e)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import { useEffect, useState, type ReactNode } from 'react';
import type { RegisteredModel } from '../api/slipway-types.js';
import { ErrorMessage } from '../components/error-message.js';
import { Link } from '../lib/router.js';
import { useRegistryClient } from '../lib/use-client.js';

/** `/models`: the registered models with their latest version per stage and their aliases. */
export function ModelsPage(): ReactNode {
  const registry = useRegistryClient();
  const [models, setModels] = useState<RegisteredModel[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [search, setSearch] = useState('');

  useEffect(() => {
    let cancelled = false;
    registry
      .searchModels()
      .then((m) => !cancelled && setModels(m))
      .catch((e: unknown) => !cancelled && setError(e));
    return () => {
      cancelled = true;
    };
  }, [registry]);

  const needle = search.trim().toLowerCase();
  const shown = (models ?? []).filter((m) => needle === '' || m.name.toLowerCase().includes(needle));
  return (
    <section aria-labelledby="models-heading">
      <h1 id="models-heading">Models</h1>
      <div className="toolbar">
        <label htmlFor="model-search">Search models</label>
        <input id="model-search" type="search" placeholder="Name contains…" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      <ErrorMessage error={error} />
      {models === undefined && error === undefined && <p className="muted loading">Loading models…</p>}
      {models !== undefined && models.length === 0 && (
        <div className="empty-state">
          <h2>No registered models yet</h2>
          <p>Register a model from a run with MLflow&apos;s client:</p>
          <pre>
            <code>{'mlflow.sklearn.log_model(model, name="model",\n                         registered_model_name="housing")'}</code>
          </pre>
          <p>
            or with <code>mlflow.register_model(&quot;runs:/&lt;run id&gt;/model&quot;, &quot;housing&quot;)</code>. Versions then appear here
            for review, approval and promotion.
          </p>
        </div>
      )}
      {models !== undefined && models.length > 0 && shown.length === 0 && <p className="muted">No model name contains “{search}”.</p>}
      {shown.length > 0 && (
        <table className="kv wide models" aria-label="Registered models">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Latest version</th>
              <th scope="col">Stages</th>
              <th scope="col">Aliases</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((m) => {
              const latest = [...(m.latest_versions ?? [])].sort((a, b) => Number(b.version) - Number(a.version))[0];
              const staged = (m.latest_versions ?? []).filter((v) => v.current_stage !== undefined && v.current_stage !== 'None');
              return (
                <tr key={m.name}>
                  <th scope="row">
                    <Link href={`/models/${encodeURIComponent(m.name)}`}>{m.name}</Link>
                  </th>
                  <td>{latest !== undefined ? `v${latest.version}` : '—'}</td>
                  <td>
                    {staged.length === 0
                      ? '—'
                      : staged.map((v) => (
                          <span key={v.version} className={`chip stage-${(v.current_stage ?? '').toLowerCase()}`}>
                            {v.current_stage}: v{v.version}
                          </span>
                        ))}
                  </td>
                  <td>
                    {(m.aliases ?? []).length === 0
                      ? '—'
                      : (m.aliases ?? []).map((a) => (
                          <span key={a.alias} className="chip alias">
                            @{a.alias} → v{a.version}
                          </span>
                        ))}
                  </td>
                  <td className="muted">{m.last_updated_timestamp !== undefined ? new Date(m.last_updated_timestamp).toLocaleString() : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { LoggedModel } from '../api/mlflow-types.js';
import { useClient } from '../lib/use-client.js';
import { ArtifactBrowser, type ArtifactSource } from './artifact-browser.js';
import { ErrorMessage } from './error-message.js';

/** The logged models a run produced (MLflow 3), each with a browser of its artifacts (MLmodel first). */
export function RunLoggedModels(props: { experimentId: string; runId: string }): ReactNode {
  const client = useClient();
  const [models, setModels] = useState<LoggedModel[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [open, setOpen] = useState<string | undefined>(undefined);

  useEffect(() => {
    let cancelled = false;
    client
      .loggedModelsOfRun(props.experimentId, props.runId)
      .then((m) => !cancelled && setModels(m))
      .catch((e: unknown) => !cancelled && setError(e));
    return () => {
      cancelled = true;
    };
  }, [client, props.experimentId, props.runId]);

  const openModel = models?.find((m) => m.info.model_id === open);
  const source = useMemo<ArtifactSource | undefined>(
    () =>
      openModel === undefined
        ? undefined
        : {
            key: openModel.info.model_id,
            list: (path) => client.listLoggedModelArtifacts(openModel.info.model_id, path),
            fileUrl: (path) => client.artifactFileUrl(openModel.info.artifact_uri ?? '', path),
          },
    [client, openModel],
  );

  if (error !== undefined) return <ErrorMessage error={error} />;
  if (models === undefined) return <p className="muted loading">Loading logged models…</p>;
  if (models.length === 0) return <p className="muted">This run logged no models.</p>;
  return (
    <>
      <table className="kv wide" aria-label="Logged models">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Model ID</th>
            <th scope="col">Status</th>
            <th scope="col">Type</th>
            <th scope="col">Created</th>
            <th scope="col">
              <span className="visually-hidden">Artifacts</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {models.map((m) => (
            <tr key={m.info.model_id}>
              <th scope="row">{m.info.name}</th>
              <td>
                <code>{m.info.model_id}</code>
              </td>
              <td>{m.info.status?.replace(/^LOGGED_MODEL_/, '') ?? '—'}</td>
              <td>{m.info.model_type ?? '—'}</td>
              <td>{m.info.creation_timestamp_ms !== undefined ? new Date(m.info.creation_timestamp_ms).toLocaleString() : '—'}</td>
              <td>
                <button
                  type="button"
                  className="secondary"
                  aria-expanded={open === m.info.model_id}
                  onClick={() => setOpen(open === m.info.model_id ? undefined : m.info.model_id)}
                >
                  {open === m.info.model_id ? 'Hide files' : `Files of ${m.info.name}`}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {source !== undefined && openModel !== undefined && (
        <ArtifactBrowser key={source.key} source={source} label={openModel.info.name} initialFile="MLmodel" />
      )}
    </>
  );
}

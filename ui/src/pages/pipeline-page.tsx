import { useEffect, useState, type ReactNode } from 'react';
import { usePipelinesClient, type PipelineVersion } from '../api/pipelines-client.js';
import { ErrorMessage } from '../components/error-message.js';
import { ActorField, useActor } from '../components/pipeline-actor.js';
import { ExecutionsTable } from '../components/pipeline-executions-table.js';
import { usePoll } from '../components/pipeline-poll.js';
import { formatTime } from '../components/pipeline-status.js';
import { RunForm } from '../components/run-form.js';
import { Link, navigate } from '../lib/router.js';

/**
 * `/pipelines/<name>?version=N`: a pipeline's versions (newest first), the chosen version's
 * source (YAML as stored; the JSON model for TypeScript pipelines) and params, a "Run" form
 * generated from the params, and the pipeline's recent executions (refreshed while any is
 * active).
 */
export function PipelinePage(props: { name: string }): ReactNode {
  const client = usePipelinesClient();
  const [latest, setLatest] = useState<PipelineVersion | undefined>(undefined);
  const [chosen, setChosen] = useState<number | undefined>(() => {
    const v = Number(new URLSearchParams(window.location.search).get('version'));
    return Number.isInteger(v) && v > 0 ? v : undefined;
  });
  const [version, setVersion] = useState<PipelineVersion | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [actor, setActor] = useActor();

  useEffect(() => {
    let cancelled = false;
    client
      .getPipeline(props.name)
      .then((p) => !cancelled && setLatest(p))
      .catch((e: unknown) => !cancelled && setError(e));
    return () => {
      cancelled = true;
    };
  }, [client, props.name]);

  const versionNumber = chosen ?? latest?.version;
  useEffect(() => {
    if (versionNumber === undefined) return;
    if (latest !== undefined && versionNumber === latest.version) {
      setVersion(latest);
      return;
    }
    let cancelled = false;
    client
      .getPipeline(props.name, versionNumber)
      .then((p) => !cancelled && setVersion(p))
      .catch((e: unknown) => !cancelled && setError(e));
    return () => {
      cancelled = true;
    };
  }, [client, props.name, versionNumber, latest]);

  const executions = usePoll(
    () => client.listExecutions({ pipeline: props.name, maxResults: 20 }),
    [client, props.name],
    2000,
    (page) => page.items.some((e) => e.status === 'queued' || e.status === 'running' || e.status === 'cancelling'),
  );

  const choose = (v: number): void => {
    setChosen(v);
    window.history.replaceState(null, '', `${window.location.pathname}?version=${v}`);
  };

  return (
    <section aria-labelledby="pipeline-heading">
      <p className="crumbs">
        <Link href="/pipelines">Pipelines</Link> /
      </p>
      <h1 id="pipeline-heading">{props.name}</h1>
      <ErrorMessage error={error} />
      {latest === undefined && error === undefined && <p className="muted loading">Loading pipeline…</p>}
      {latest !== undefined && (
        <>
          {latest.description !== undefined && <p>{latest.description}</p>}
          <div className="pipeline-columns">
            <div>
              <h2>Versions</h2>
              <ol className="version-list" aria-label="Versions" reversed>
                {Array.from({ length: latest.version }, (_, i) => latest.version - i).map((v) => (
                  <li key={v}>
                    <button type="button" className={`link${v === versionNumber ? ' selected' : ''}`} aria-pressed={v === versionNumber} onClick={() => choose(v)}>
                      Version {v}
                      {v === latest.version ? ' (latest)' : ''}
                    </button>
                  </li>
                ))}
              </ol>
            </div>
            <div className="pipeline-version">
              {version === undefined ? (
                <p className="muted loading">Loading version…</p>
              ) : (
                <>
                  <h2>Version {version.version}</h2>
                  <dl className="attributes">
                    <dt>Created</dt>
                    <dd>
                      {formatTime(version.created_time)} by {version.created_by}
                    </dd>
                    <dt>Hash</dt>
                    <dd className="mono">{version.hash.slice(0, 16)}</dd>
                    <dt>Format</dt>
                    <dd>{version.source_format}</dd>
                    <dt>Steps</dt>
                    <dd>{version.definition.steps.length === 0 ? '—' : `${version.definition.steps.length}: ${version.definition.steps.map((s) => s.id).join(', ')}`}</dd>
                  </dl>
                  <h3>Run version {version.version}</h3>
                  <div className="toolbar">
                    <ActorField actor={actor} onChange={setActor} hint="recorded as who started it" />
                  </div>
                  <RunForm
                    key={`${version.name}@${version.version}`}
                    label={`Run ${version.name} version ${version.version}`}
                    params={version.definition.params}
                    onRun={async (params) => {
                      const started = await client.startExecution(version.name, params, version.version, actor);
                      navigate(`/executions/${encodeURIComponent(started.execution_id)}`);
                    }}
                  />
                  <details className="source" open>
                    <summary>{version.source_text !== undefined ? 'Source (YAML)' : 'Definition (JSON)'}</summary>
                    <pre className="text-preview" tabIndex={0} aria-label={`Source of version ${version.version}`}>
                      {version.source_text ?? JSON.stringify(version.definition, null, 2)}
                    </pre>
                  </details>
                </>
              )}
            </div>
          </div>
          <h2>Recent executions</h2>
          <ErrorMessage error={executions.error} />
          {executions.data === undefined && executions.error === undefined && <p className="muted loading">Loading executions…</p>}
          {executions.data !== undefined && executions.data.items.length === 0 && <p className="muted">Not run yet: use the form above, or <code>slipway run</code> the file.</p>}
          {executions.data !== undefined && executions.data.items.length > 0 && (
            <>
              <ExecutionsTable executions={executions.data.items} showPipeline={false} label={`Executions of ${props.name}`} />
              <p>
                <Link href={`/executions?pipeline=${encodeURIComponent(props.name)}`}>All executions of {props.name}</Link>
              </p>
            </>
          )}
        </>
      )}
    </section>
  );
}

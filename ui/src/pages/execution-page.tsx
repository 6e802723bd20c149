import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { usePipelinesClient, type Execution, type PipelineVersion, type StepExecution } from '../api/pipelines-client.js';
import { dagSteps, DagView } from '../components/dag-view.js';
import { ErrorMessage } from '../components/error-message.js';
import { ActorField, useActor } from '../components/pipeline-actor.js';
import { StepLog } from '../components/pipeline-log.js';
import { usePoll } from '../components/pipeline-poll.js';
import { describeTrigger, formatDuration, formatTime, isExecutionFinished, StatusBadge, stepMarks } from '../components/pipeline-status.js';
import { Link, navigate } from '../lib/router.js';

const POLL_MS = 1500;

/**
 * `/executions/<id>`: an execution, live. Its status, trigger and params; **Cancel** while
 * it runs and **Retry failed steps** once it failed or was cancelled (a new execution that
 * reuses the succeeded steps); the DAG coloured by step status (cached, reused, skipped and
 * gated steps marked); every step (and matrix instance) in a table; and the chosen step's
 * attempts, its log followed live, outputs, artifacts and metrics. The execution is asked
 * for again every 1.5 s until it ends.
 */
export function ExecutionPage(props: { executionId: string }): ReactNode {
  const client = usePipelinesClient();
  const { data: execution, error, reload } = usePoll(() => client.getExecution(props.executionId), [client, props.executionId], POLL_MS, (e) => !isExecutionFinished(e.status));
  const [definition, setDefinition] = useState<PipelineVersion | undefined>(undefined);
  const [selected, setSelected] = useState<{ step: string; instance: string | undefined } | undefined>(undefined);
  const [actor, setActor] = useActor();
  const [latest, setLatest] = useState(false);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const pipelineKey = execution === undefined ? undefined : `${execution.pipeline_name}@${execution.pipeline_version}`;
  useEffect(() => {
    if (execution === undefined) return;
    let cancelled = false;
    client
      .getPipeline(execution.pipeline_name, execution.pipeline_version)
      .then((p) => !cancelled && setDefinition(p))
      .catch(() => {
        // The DAG falls back to the steps without edges.
      });
    return () => {
      cancelled = true;
    };
    // Only when the pipeline version changes, not on every poll.
  }, [client, pipelineKey]);

  const steps = useMemo(() => dagSteps(definition?.definition.steps, execution?.steps ?? []), [definition, execution]);
  const current = selected ?? defaultSelection(execution);

  const act = async (what: () => Promise<Execution>, follow: boolean): Promise<void> => {
    setBusy(true);
    setActionError(undefined);
    try {
      const result = await what();
      if (follow) navigate(`/executions/${encodeURIComponent(result.execution_id)}`);
      else reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };

  if (execution === undefined) {
    return (
      <section aria-labelledby="execution-heading">
        <h1 id="execution-heading">Execution {props.executionId}</h1>
        <ErrorMessage error={error} />
        {error === undefined && <p className="muted loading">Loading execution…</p>}
      </section>
    );
  }
  const active = !isExecutionFinished(execution.status);
  const canRetry = execution.status === 'failed' || execution.status === 'cancelled';
  return (
    <section aria-labelledby="execution-heading">
      <p className="crumbs">
        <Link href="/pipelines">Pipelines</Link> / <Link href={`/pipelines/${encodeURIComponent(execution.pipeline_name)}?version=${execution.pipeline_version}`}>{execution.pipeline_name}</Link> /
      </p>
      <h1 id="execution-heading">
        Execution <span className="mono">{execution.execution_id}</span> <StatusBadge status={execution.status} />
      </h1>
      <p className="visually-hidden" role="status" aria-live="polite">
        Execution {execution.status}
      </p>
      <dl className="attributes execution-attributes">
        <dt>Pipeline</dt>
        <dd>
          {execution.pipeline_name} v{execution.pipeline_version}
        </dd>
        <dt>Trigger</dt>
        <dd>
          {execution.retry_of !== undefined ? (
            <>
              retry of <Link href={`/executions/${encodeURIComponent(execution.retry_of)}`}>{execution.retry_of}</Link>
            </>
          ) : (
            describeTrigger(execution.trigger)
          )}
        </dd>
        <dt>By</dt>
        <dd>{execution.actor}</dd>
        <dt>Created</dt>
        <dd>{formatTime(execution.created_time)}</dd>
        <dt>Duration</dt>
        <dd data-testid="execution-duration">{formatDuration(execution.started_time, execution.ended_time) || '—'}</dd>
        <dt>Params</dt>
        <dd>
          {Object.keys(execution.params).length === 0
            ? '—'
            : Object.entries(execution.params).map(([k, v]) => (
                <span key={k} className="chip mono">
                  {k}={String(v)}
                </span>
              ))}
        </dd>
        {execution.run_id !== undefined && (
          <>
            <dt>MLflow run</dt>
            <dd>
              <Link href={`/runs/${encodeURIComponent(execution.run_id)}`}>{execution.run_id}</Link>
            </dd>
          </>
        )}
      </dl>
      {execution.reason !== undefined && <p className="reason">{execution.reason}</p>}
      <div className="toolbar execution-actions">
        <ActorField actor={actor} onChange={setActor} />
        <button type="button" disabled={!active || busy || execution.status === 'cancelling'} onClick={() => void act(() => client.cancelExecution(execution.execution_id, actor), false)}>
          Cancel
        </button>
        <button type="button" disabled={!canRetry || busy} onClick={() => void act(() => client.retryExecution(execution.execution_id, latest, actor), true)}>
          Retry failed steps
        </button>
        <label className="check">
          <input type="checkbox" checked={latest} onChange={(e) => setLatest(e.target.checked)} disabled={!canRetry} /> with the latest pipeline version
        </label>
      </div>
      <ErrorMessage error={actionError} />
      <ErrorMessage error={error} />

      <h2>Graph</h2>
      <DagView steps={steps} selected={current?.step} onSelect={(id) => setSelected({ step: id, instance: execution.steps.find((s) => s.step_id === id)?.instance })} label={`Steps of ${execution.pipeline_name}`} />
      <ul className="dag-legend" aria-label="Legend">
        {['pending', 'running', 'succeeded', 'failed', 'skipped', 'gated', 'cancelled'].map((s) => (
          <li key={s}>
            <span className={`legend-swatch status-${s}`} aria-hidden="true" /> {s}
          </li>
        ))}
        <li>⟳ cached</li>
        <li>↺ reused by a retry</li>
      </ul>

      <h2>Steps</h2>
      <StepsTable execution={execution} current={current} onSelect={setSelected} />
      {current !== undefined && (
        <StepDetail key={`${current.step}|${current.instance ?? ''}`} execution={execution} row={execution.steps.find((s) => s.step_id === current.step && s.instance === current.instance)} />
      )}
    </section>
  );
}

/** The step to show first: the first failed one, else the first running, else the first. */
function defaultSelection(execution: Execution | undefined): { step: string; instance: string | undefined } | undefined {
  if (execution === undefined) return undefined;
  const pick = execution.steps.find((s) => s.status === 'failed') ?? execution.steps.find((s) => s.status === 'running') ?? execution.steps[0];
  return pick === undefined ? undefined : { step: pick.step_id, instance: pick.instance };
}

function StepsTable(props: {
  execution: Execution;
  current: { step: string; instance: string | undefined } | undefined;
  onSelect: (s: { step: string; instance: string | undefined }) => void;
}): ReactNode {
  return (
    <div className="table-viewport pipeline-table">
      <table className="kv wide steps" aria-label="Steps">
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Duration</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {props.execution.steps.map((s) => {
            const isCurrent = props.current?.step === s.step_id && props.current.instance === s.instance;
            const label = s.instance === undefined ? s.step_id : `${s.step_id} [${s.instance}]`;
            return (
              <tr key={`${s.step_id}|${s.instance ?? ''}`} className={isCurrent ? 'selected' : undefined} data-step={s.step_id} data-status={s.status}>
                <th scope="row">
                  <button type="button" className="link" aria-pressed={isCurrent} onClick={() => props.onSelect({ step: s.step_id, instance: s.instance })}>
                    {label}
                  </button>
                </th>
                <td>
                  <StatusBadge status={s.status} /> {stepMarks(s).filter((m) => m !== s.status).map((m) => <span key={m} className="chip">{m}</span>)}
                </td>
                <td className="num">{s.attempts.length}</td>
                <td className="num">{formatDuration(s.started_time, s.ended_time)}</td>
                <td className="muted note-cell">{s.reason ?? ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function StepDetail(props: { execution: Execution; row: StepExecution | undefined }): ReactNode {
  const row = props.row;
  const lastAttempt = row?.attempts.at(-1)?.attempt;
  const [chosenAttempt, setChosenAttempt] = useState<number | undefined>(undefined);
  if (row === undefined) return null;
  const attempt = chosenAttempt ?? lastAttempt;
  const label = row.instance === undefined ? row.step_id : `${row.step_id} [${row.instance}]`;
  const metrics = Object.entries(row.metrics);
  const outputs = Object.entries(row.outputs);
  const artifacts = Object.entries(row.artifacts);
  return (
    <section className="step-detail" aria-labelledby="step-heading">
      <h2 id="step-heading">
        Step {label} <StatusBadge status={row.status} />
      </h2>
      {row.reason !== undefined && <p className="reason">{row.reason}</p>}
      {row.cached_from !== undefined && (
        <p>
          Cached: the result of <Link href={`/executions/${encodeURIComponent(row.cached_from)}`}>{row.cached_from}</Link>.
        </p>
      )}
      {row.reused_from !== undefined && (
        <p>
          Reused by the retry from <Link href={`/executions/${encodeURIComponent(row.reused_from)}`}>{row.reused_from}</Link>.
        </p>
      )}
      <h3>Attempts</h3>
      {row.attempts.length === 0 ? (
        <p className="muted">
          {row.reused_from !== undefined || row.cached_from !== undefined
            ? 'None here: its attempts and log are in the execution above.'
            : row.status === 'pending' || row.status === 'waiting'
              ? 'Not started yet.'
              : 'No attempts: the step did not run.'}
        </p>
      ) : (
        <table className="kv wide attempts" aria-label={`Attempts of ${label}`}>
          <thead>
            <tr>
              <th scope="col">Attempt</th>
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col">Duration</th>
              <th scope="col">Exit code</th>
              <th scope="col">Failure</th>
            </tr>
          </thead>
          <tbody>
            {row.attempts.map((a) => (
              <tr key={a.attempt} className={a.attempt === attempt ? 'selected' : undefined}>
                <th scope="row">
                  <button type="button" className="link" aria-pressed={a.attempt === attempt} onClick={() => setChosenAttempt(a.attempt)}>
                    Log of attempt {a.attempt}
                  </button>
                </th>
                <td>
                  <StatusBadge status={a.status} />
                </td>
                <td className="muted">{formatTime(a.started_time)}</td>
                <td className="num">{formatDuration(a.started_time, a.ended_time)}</td>
                <td className="num">{a.exit_code ?? ''}</td>
                <td className="muted">{[a.failure_class, a.message].filter((x) => x !== undefined).join(': ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {attempt !== undefined && <StepLog executionId={props.execution.execution_id} step={row.step_id} instance={row.instance} attempt={attempt} />}
      <div className="step-results">
        <div>
          <h3>Outputs</h3>
          {outputs.length + artifacts.length === 0 ? (
            <p className="muted">No outputs.</p>
          ) : (
            <table className="kv" aria-label={`Outputs of ${label}`}>
              <tbody>
                {outputs.map(([k, v]) => (
                  <tr key={`o-${k}`}>
                    <th scope="row">{k}</th>
                    <td className="mono">{v}</td>
                  </tr>
                ))}
                {artifacts.map(([k, v]) => (
                  <tr key={`a-${k}`}>
                    <th scope="row">{k}</th>
                    <td className="mono">{v}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div>
          <h3>Metrics</h3>
          {metrics.length === 0 ? (
            <p className="muted">No metrics.</p>
          ) : (
            <table className="kv" aria-label={`Metrics of ${label}`}>
              <tbody>
                {metrics.map(([k, v]) => (
                  <tr key={k}>
                    <th scope="row">{k}</th>
                    <td className="num">{String(v)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {row.run_id !== undefined && (
            <p>
              <Link href={`/runs/${encodeURIComponent(row.run_id)}`}>The step&apos;s MLflow run</Link>
            </p>
          )}
        </div>
      </div>
    </section>
  );
}

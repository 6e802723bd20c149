import { useState, type ReactNode } from 'react';
import { rolloutInProgress, type EndpointRollout } from '../api/endpoints-client.js';
import { ErrorMessage } from './error-message.js';
import { formatPercent, formatTime } from './endpoint-variants.js';

/** Seconds left in the current step's bake, or undefined when no step is baking. */
export function bakeRemainingSeconds(rollout: EndpointRollout, now: number): number | undefined {
  if (rollout.phase !== 'Baking' || rollout.step_started_time === undefined) return undefined;
  return Math.max(0, Math.ceil((rollout.step_started_time + rollout.bake_seconds * 1000 - now) / 1000));
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m ${seconds % 60}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** The thresholds that roll a rollout back, as text. */
export function rollbackRules(r: EndpointRollout): string {
  const rules: string[] = [];
  if (r.max_error_rate !== undefined) rules.push(`error rate > ${formatPercent(r.max_error_rate * 100)}`);
  if (r.max_p99_ms !== undefined) rules.push(`p99 > ${r.max_p99_ms} ms`);
  return rules.length === 0 ? 'none (manual rollback only)' : `${rules.join(' or ')}, after ${r.min_requests} requests a step`;
}

export interface EndpointRolloutProps {
  readonly rollout: EndpointRollout;
  readonly now: number;
  /** Rolls the rollout back (the page asks the server and reloads). */
  onRollback(reason: string): Promise<void>;
}

/**
 * The last rollout: strategy, the steps with the current one marked (`aria-current`), bake
 * time left, phase and reason; while it is in progress, a **Roll back** button that asks
 * for confirmation (with an optional reason) before it posts.
 */
export function EndpointRolloutView(props: EndpointRolloutProps): ReactNode {
  const r = props.rollout;
  const inProgress = rolloutInProgress(r);
  const remaining = bakeRemainingSeconds(r, props.now);
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const rollBack = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await props.onRollback(reason);
      setConfirming(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="rollout">
      <dl className="attributes">
        <dt>Strategy</dt>
        <dd>{r.strategy}</dd>
        <dt>Phase</dt>
        <dd>
          <span className={`status status-${r.phase.toLowerCase()}`}>{r.phase}</span>
          {r.phase === 'Baking' && <> — the new variants have {formatPercent(r.target_percent)} of the traffic</>}
        </dd>
        <dt>Bake time left</dt>
        <dd className="bake-remaining">{remaining === undefined ? '–' : `${formatDuration(remaining)} of ${formatDuration(r.bake_seconds)}`}</dd>
        <dt>Rolls back on</dt>
        <dd>{rollbackRules(r)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(r.started_time)}</dd>
        {r.ended_time !== undefined && (
          <>
            <dt>Ended</dt>
            <dd>{formatTime(r.ended_time)}</dd>
          </>
        )}
        {r.reason !== undefined && (
          <>
            <dt>Reason</dt>
            <dd>{r.reason}</dd>
          </>
        )}
      </dl>
      <ol className="rollout-steps" aria-label="Rollout steps">
        <li aria-current={r.phase === 'Warming' ? 'step' : undefined} className={r.phase === 'Warming' ? 'current' : r.step >= 0 || r.phase === 'Completed' ? 'done' : ''}>
          Warm up
        </li>
        {r.steps.map((percent, i) => {
          const current = r.phase === 'Baking' && r.step === i;
          const done = r.phase === 'Completed' || (r.step > i && r.phase !== 'Warming');
          return (
            <li key={i} aria-current={current ? 'step' : undefined} className={current ? 'current' : done ? 'done' : ''}>
              {formatPercent(percent)}
              {current && <span className="visually-hidden"> (current step)</span>}
            </li>
          );
        })}
      </ol>
      <div className="rollback-slot">
        {inProgress && !confirming && (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Roll back…
          </button>
        )}
        {inProgress && confirming && (
          <div role="group" aria-label="Confirm rollback" className="toolbar confirm-rollback">
            <label htmlFor="rollback-reason">Reason (optional)</label>
            <input id="rollback-reason" type="text" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} autoFocus />
            <button type="button" className="danger" disabled={busy} onClick={() => void rollBack()}>
              Confirm roll back
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        )}
        <ErrorMessage error={error} />
      </div>
    </div>
  );
}

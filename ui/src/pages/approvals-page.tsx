import { useId, useState, type ReactNode } from 'react';
import { usePipelinesClient, type Approval } from '../api/pipelines-client.js';
import { ErrorMessage } from '../components/error-message.js';
import { ActorField, useActor } from '../components/pipeline-actor.js';
import { usePoll } from '../components/pipeline-poll.js';
import { formatTime, StatusBadge } from '../components/pipeline-status.js';
import { Link } from '../lib/router.js';

/**
 * `/approvals`: the pending approval requests of `slipway/approval` steps (newest first),
 * each with its message, pipeline, execution, model version, approvers and deadline, and
 * **Approve** / **Reject** with a comment, signed with your name (a request naming
 * approvers refuses anyone else: the server's 403 shows inline). **Show decided** lists
 * the decided ones too. Refreshed every 5 s.
 */
export function ApprovalsPage(): ReactNode {
  const client = usePipelinesClient();
  const [all, setAll] = useState(false);
  const approvals = usePoll(() => client.listApprovals(all ? undefined : 'pending'), [client, all], 5000, () => true);
  const [actor, setActor] = useActor();
  const [done, setDone] = useState('');

  return (
    <section aria-labelledby="approvals-heading">
      <p className="crumbs">
        <Link href="/pipelines">Pipelines</Link> /
      </p>
      <h1 id="approvals-heading">Approvals</h1>
      <div className="toolbar">
        <ActorField actor={actor} onChange={setActor} hint="recorded as who decided" />
        <label className="check">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> Show decided
        </label>
      </div>
      <p className="status-line" role="status">
        {done}
      </p>
      <ErrorMessage error={approvals.error} />
      {approvals.data === undefined && approvals.error === undefined && <p className="muted loading">Loading approvals…</p>}
      {approvals.data !== undefined && approvals.data.length === 0 && (
        <div className="empty-state">
          <h2>{all ? 'No approval requests' : 'Nothing waits for approval'}</h2>
          <p>
            A step <code>uses: slipway/approval</code> opens a request here when it runs, and its execution waits until someone approves or rejects it
            (<code>examples/california-housing/deploy.yaml</code> has one).
          </p>
        </div>
      )}
      {approvals.data !== undefined && approvals.data.length > 0 && (
        <ul className="approval-list">
          {approvals.data.map((a) => (
            <ApprovalCard
              key={a.approval_id}
              approval={a}
              actor={actor}
              onDecided={(r) => {
                setDone(`${r.step_id} of ${r.execution_id} ${r.status}.`);
                approvals.reload();
              }}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function ApprovalCard(props: { approval: Approval; actor: string; onDecided: (a: Approval) => void }): ReactNode {
  const client = usePipelinesClient();
  const id = useId();
  const a = props.approval;
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const title = a.message ?? `Approve ${a.step_id} of ${a.pipeline_name}?`;

  const decide = async (decision: 'approve' | 'reject'): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      props.onDecided(await client.decideApproval(a.approval_id, decision, comment, props.actor));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="approval-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>
        {title} <StatusBadge status={a.status} />
      </h2>
      <dl className="attributes">
        <dt>Pipeline</dt>
        <dd>
          <Link href={`/pipelines/${encodeURIComponent(a.pipeline_name)}`}>{a.pipeline_name}</Link>, step {a.step_id}
          {a.instance !== undefined ? ` [${a.instance}]` : ''}
        </dd>
        <dt>Execution</dt>
        <dd>
          <Link href={`/executions/${encodeURIComponent(a.execution_id)}`}>{a.execution_id}</Link>
        </dd>
        {a.model !== undefined && (
          <>
            <dt>Model version</dt>
            <dd>
              <Link href={`/models/${encodeURIComponent(a.model)}${a.version !== undefined ? `?version=${encodeURIComponent(a.version)}` : ''}`}>
                {a.model}
                {a.version !== undefined ? ` v${a.version}` : ''}
              </Link>
            </dd>
          </>
        )}
        <dt>Approvers</dt>
        <dd>{a.approvers.length === 0 ? 'anyone' : a.approvers.join(', ')}</dd>
        <dt>Opened</dt>
        <dd>{formatTime(a.opened_time)}</dd>
        {a.deadline_time !== undefined && (
          <>
            <dt>Deadline</dt>
            <dd>
              {formatTime(a.deadline_time)} (then {a.on_timeout})
            </dd>
          </>
        )}
        {a.decided_time !== undefined && (
          <>
            <dt>Decided</dt>
            <dd>
              {formatTime(a.decided_time)}
              {a.actor !== undefined ? ` by ${a.actor}` : ''}
              {a.comment !== undefined ? ` — “${a.comment}”` : ''}
            </dd>
          </>
        )}
      </dl>
      {a.status === 'pending' && (
        <form
          className="decision"
          aria-label={`Decide: ${title}`}
          onSubmit={(e) => {
            e.preventDefault();
          }}
        >
          <label htmlFor={`${id}-comment`}>Comment</label>
          <textarea id={`${id}-comment`} rows={2} value={comment} maxLength={5000} onChange={(e) => setComment(e.target.value)} />
          <div className="toolbar">
            <button type="button" disabled={busy} onClick={() => void decide('approve')}>
              Approve
            </button>
            <button type="button" disabled={busy} className="danger" onClick={() => void decide('reject')}>
              Reject
            </button>
          </div>
          <ErrorMessage error={error} />
        </form>
      )}
    </li>
  );
}

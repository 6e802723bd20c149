import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { ApprovalStatus, ModelVersion, RegisteredModel } from '../api/slipway-types.js';
import { useRegistryClient } from '../lib/use-client.js';
import { ErrorMessage } from './error-message.js';

const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
const ACTOR_KEY = 'slipway.actor';

function storedActor(): string {
  try {
    return window.localStorage.getItem(ACTOR_KEY) ?? '';
  } catch {
    return '';
  }
}

/**
 * What a reviewer does to a version: approve or reject it with a comment, point an alias at
 * it, move it to a stage. Each form shows the server's answer inline (a protected alias on
 * an unapproved version is refused with the policy's message). Writes are signed with the
 * name given (`X-Slipway-Actor`), remembered in this browser.
 */
export function VersionActions(props: { model: RegisteredModel; version: ModelVersion; onChanged: () => void }): ReactNode {
  const registry = useRegistryClient();
  const id = useId();
  const [actor, setActor] = useState(storedActor);
  const [comment, setComment] = useState('');
  const [alias, setAlias] = useState('');
  const [stage, setStage] = useState<string>(props.version.current_stage ?? 'None');
  const [archive, setArchive] = useState(false);
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [error, setError] = useState<{ form: string; error: unknown } | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const { name } = props.model;
  const version = props.version.version;
  const protectedAliases = props.model.approval_policy?.protected_aliases ?? [];
  const protectedStages = props.model.approval_policy?.protected_stages ?? [];

  const run = (form: string, message: string, action: () => Promise<unknown>): void => {
    setBusy(form);
    setError(undefined);
    setDone(undefined);
    try {
      window.localStorage.setItem(ACTOR_KEY, actor);
    } catch {
      // Private mode: the name is just not remembered.
    }
    action()
      .then(() => {
        setDone(message);
        props.onChanged();
      })
      .catch((e: unknown) => setError({ form, error: e }))
      .finally(() => setBusy(undefined));
  };
  const approve = (status: ApprovalStatus): void =>
    run('approval', status === 'Approved' ? `Version ${version} approved.` : `Version ${version} rejected.`, async () => {
      await registry.setApproval(name, version, status, comment, actor);
      setComment('');
    });
  const submitAlias = (e: FormEvent): void => {
    e.preventDefault();
    const a = alias.trim();
    if (a === '') return;
    run('alias', `Alias @${a} now points at version ${version}.`, async () => {
      await registry.setAlias(name, a, version, actor);
      setAlias('');
    });
  };
  const submitStage = (e: FormEvent): void => {
    e.preventDefault();
    run('stage', `Version ${version} moved to ${stage}.`, () => registry.transitionStage(name, version, stage, archive, actor));
  };
  const errorFor = (form: string): unknown => (error?.form === form ? error.error : undefined);

  return (
    <div className="version-actions">
      <div className="toolbar">
        <label htmlFor={`${id}-actor`}>Your name</label>
        <input id={`${id}-actor`} type="text" value={actor} onChange={(e) => setActor(e.target.value)} placeholder="recorded in the audit trail" autoComplete="name" />
      </div>
      <p className="muted status-line" role="status">
        {done ?? '\u00a0'}
      </p>

      <form className="action-card" onSubmit={(e) => e.preventDefault()} aria-labelledby={`${id}-approval-h`}>
        <h3 id={`${id}-approval-h`}>Review</h3>
        <label htmlFor={`${id}-comment`}>Comment</label>
        <textarea id={`${id}-comment`} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} placeholder="What you checked" />
        <div className="toolbar">
          <button type="button" onClick={() => approve('Approved')} disabled={busy !== undefined}>
            Approve
          </button>
          <button type="button" className="danger" onClick={() => approve('Rejected')} disabled={busy !== undefined}>
            Reject
          </button>
        </div>
        <ErrorMessage error={errorFor('approval')} />
      </form>

      <form className="action-card" onSubmit={submitAlias} aria-labelledby={`${id}-alias-h`}>
        <h3 id={`${id}-alias-h`}>Set an alias</h3>
        <label htmlFor={`${id}-alias`}>Alias</label>
        <div className="toolbar">
          <input id={`${id}-alias`} type="text" value={alias} onChange={(e) => setAlias(e.target.value)} placeholder="champion" list={`${id}-aliases`} spellCheck={false} />
          <datalist id={`${id}-aliases`}>
            {[...new Set([...protectedAliases, ...(props.model.aliases ?? []).map((a) => a.alias)])].map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
          <button type="submit" disabled={busy !== undefined || alias.trim() === ''}>
            Set alias
          </button>
        </div>
        {protectedAliases.length > 0 && <p className="muted hint">Only approved versions may hold {protectedAliases.map((a) => `@${a}`).join(', ')}.</p>}
        <ErrorMessage error={errorFor('alias')} />
      </form>

      <form className="action-card" onSubmit={submitStage} aria-labelledby={`${id}-stage-h`}>
        <h3 id={`${id}-stage-h`}>Stage</h3>
        <div className="toolbar">
          <label htmlFor={`${id}-stage`}>Move to</label>
          <select id={`${id}-stage`} value={stage} onChange={(e) => setStage(e.target.value)}>
            {STAGES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <label className="check">
            <input type="checkbox" checked={archive} onChange={(e) => setArchive(e.target.checked)} /> Archive other versions in that stage
          </label>
          <button type="submit" disabled={busy !== undefined || stage === (props.version.current_stage ?? 'None')}>
            Transition
          </button>
        </div>
        {protectedStages.length > 0 && <p className="muted hint">Only approved versions may enter {protectedStages.join(', ')}.</p>}
        <ErrorMessage error={errorFor('stage')} />
      </form>
    </div>
  );
}

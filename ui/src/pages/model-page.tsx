import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { Lineage, ModelVersion, RegisteredModel, RegistryChange } from '../api/slipway-types.js';
import { AuditTrail } from '../components/audit-trail.js';
import { ErrorMessage } from '../components/error-message.js';
import { LineageView } from '../components/lineage-view.js';
import { VersionActions } from '../components/version-actions.js';
import { Link, navigate, useSearch } from '../lib/router.js';
import { useRegistryClient } from '../lib/use-client.js';

const APPROVAL_LABEL: Readonly<Record<string, string>> = {
  PendingManualApproval: 'Pending approval',
  Approved: 'Approved',
  Rejected: 'Rejected',
};

/**
 * `/models/:name[?version=N]`: a registered model — its aliases and approval policy, its
 * versions with stage, aliases and approval — and, for the chosen version, the review
 * actions, its audit trail and its lineage.
 */
export function ModelPage(props: { name: string }): ReactNode {
  const registry = useRegistryClient();
  const search = useSearch();
  const [model, setModel] = useState<RegisteredModel | undefined>(undefined);
  const [versions, setVersions] = useState<ModelVersion[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [reload, setReload] = useState(0);
  const [audit, setAudit] = useState<RegistryChange[] | undefined>(undefined);
  const [wholeModel, setWholeModel] = useState(false);
  const [lineage, setLineage] = useState<Lineage | undefined>(undefined);
  const [sideError, setSideError] = useState<unknown>(undefined);

  useEffect(() => {
    let cancelled = false;
    Promise.all([registry.getModel(props.name), registry.searchVersions(props.name)])
      .then(async ([m, listed]) => {
        // The list has no approvals: read each version's (in parallel).
        const detailed = await Promise.all(listed.map((v) => registry.getVersion(props.name, v.version)));
        if (cancelled) return;
        setModel(m);
        setVersions(detailed);
      })
      .catch((e: unknown) => !cancelled && setError(e));
    return () => {
      cancelled = true;
    };
  }, [registry, props.name, reload]);

  const requested = new URLSearchParams(search).get('version');
  const selected = versions?.find((v) => v.version === requested) ?? versions?.[0];
  const selectedVersion = selected?.version;

  useEffect(() => {
    if (selectedVersion === undefined) return;
    let cancelled = false;
    setSideError(undefined);
    registry
      .audit(props.name, wholeModel ? undefined : selectedVersion)
      .then((a) => !cancelled && setAudit(a))
      .catch((e: unknown) => !cancelled && setSideError(e));
    registry
      .lineage(props.name, selectedVersion)
      .then((l) => !cancelled && setLineage(l))
      .catch((e: unknown) => !cancelled && setSideError(e));
    return () => {
      cancelled = true;
    };
  }, [registry, props.name, selectedVersion, wholeModel, reload]);

  const changed = useCallback(() => setReload((r) => r + 1), []);

  const crumbs = (
    <p className="crumbs">
      <Link href="/models">Models</Link> /
    </p>
  );
  if (error !== undefined) {
    return (
      <section>
        {crumbs}
        <ErrorMessage error={error} />
      </section>
    );
  }
  if (model === undefined || versions === undefined) return <p className="muted loading">Loading model…</p>;
  const policy = model.approval_policy;

  return (
    <section aria-labelledby="model-heading">
      {crumbs}
      <h1 id="model-heading">{model.name}</h1>
      {model.description !== undefined && model.description !== '' && <p>{model.description}</p>}
      <dl className="attributes">
        <dt>Aliases</dt>
        <dd data-testid="model-aliases">
          {(model.aliases ?? []).length === 0
            ? '—'
            : (model.aliases ?? []).map((a) => (
                <span key={a.alias} className="chip alias">
                  @{a.alias} → v{a.version}
                </span>
              ))}
        </dd>
        <dt>Approval policy</dt>
        <dd>
          {policy === undefined || (policy.protected_aliases.length === 0 && policy.protected_stages.length === 0)
            ? 'None: any version may take any alias or stage.'
            : `Approved versions only for ${[...policy.protected_aliases.map((a) => `@${a}`), ...policy.protected_stages].join(', ')}.`}
        </dd>
      </dl>

      <h2>Versions</h2>
      {versions.length === 0 ? (
        <p className="muted">This model has no versions yet.</p>
      ) : (
        <table className="kv wide versions" aria-label="Versions">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Stage</th>
              <th scope="col">Aliases</th>
              <th scope="col">Approval</th>
              <th scope="col">Run</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version} className={v.version === selectedVersion ? 'selected' : undefined}>
                <th scope="row">
                  <button
                    type="button"
                    className="link"
                    aria-pressed={v.version === selectedVersion}
                    onClick={() => navigate(`/models/${encodeURIComponent(model.name)}?version=${encodeURIComponent(v.version)}`)}
                  >
                    Version {v.version}
                  </button>
                </th>
                <td>{v.current_stage ?? 'None'}</td>
                <td>{(v.aliases ?? []).map((a) => `@${a}`).join(', ') || '—'}</td>
                <td>
                  <span className={`approval approval-${(v.approval?.status ?? 'PendingManualApproval').toLowerCase()}`}>
                    {APPROVAL_LABEL[v.approval?.status ?? 'PendingManualApproval']}
                  </span>
                  {v.approval?.actor !== undefined && <span className="muted"> by {v.approval.actor}</span>}
                </td>
                <td>{v.run_id !== undefined && v.run_id !== '' ? <Link href={`/runs/${encodeURIComponent(v.run_id)}`}>{v.run_id.slice(0, 8)}</Link> : '—'}</td>
                <td className="muted">{v.creation_timestamp !== undefined ? new Date(v.creation_timestamp).toLocaleString() : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {selected !== undefined && (
        <>
          <h2 id="version-heading">Version {selected.version}</h2>
          <dl className="attributes">
            <dt>Approval</dt>
            <dd data-testid="version-approval">
              {APPROVAL_LABEL[selected.approval?.status ?? 'PendingManualApproval']}
              {selected.approval?.actor !== undefined && ` by ${selected.approval.actor}`}
              {selected.approval?.timestamp !== undefined && `, ${new Date(selected.approval.timestamp).toLocaleString()}`}
              {selected.approval?.comment !== undefined && ` — “${selected.approval.comment}”`}
            </dd>
            <dt>Source</dt>
            <dd>
              <code>{selected.source}</code>
            </dd>
          </dl>
          <VersionActions key={selected.version} model={model} version={selected} onChanged={changed} />

          <h2>Lineage</h2>
          <ErrorMessage error={sideError} />
          {lineage === undefined ? <p className="muted loading">Loading lineage…</p> : <LineageView lineage={lineage} />}

          <h2>Audit trail</h2>
          <div className="toolbar">
            <label className="check">
              <input type="checkbox" checked={wholeModel} onChange={(e) => setWholeModel(e.target.checked)} /> Every version of {model.name}
            </label>
          </div>
          {audit === undefined ? <p className="muted loading">Loading audit trail…</p> : <AuditTrail entries={audit} showVersion={wholeModel} />}
        </>
      )}
    </section>
  );
}

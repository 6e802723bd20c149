import type { ReactNode } from 'react';
import type { RegistryChange } from '../api/slipway-types.js';

/** The registry's audit trail as a table, newest first: when, who, what changed (from → to) and why. */
export function AuditTrail(props: { entries: readonly RegistryChange[]; showVersion: boolean }): ReactNode {
  if (props.entries.length === 0) return <p className="muted">No changes recorded yet.</p>;
  const rows = [...props.entries].reverse();
  return (
    <div className="table-viewport audit-viewport">
      <table className="kv wide audit" aria-label="Audit trail">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Event</th>
            {props.showVersion && <th scope="col">Version</th>}
            <th scope="col">Change</th>
            <th scope="col">Comment</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.id}>
              <td className="muted">{new Date(e.timestamp).toLocaleString()}</td>
              <td>{e.actor}</td>
              <td>
                <code>{e.type}</code>
              </td>
              {props.showVersion && <td>{e.version ?? '—'}</td>}
              <td>{describeChange(e)}</td>
              <td>{e.comment ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `approval: PendingManualApproval → Approved`, `alias champion → 3`. */
export function describeChange(e: RegistryChange): string {
  if (e.field === undefined && e.from === undefined && e.to === undefined) return '';
  const arrow = e.from !== undefined || e.to !== undefined ? `${e.from ?? '∅'} → ${e.to ?? '∅'}` : '';
  return [e.field, arrow].filter((x) => x !== undefined && x !== '').join(': ');
}

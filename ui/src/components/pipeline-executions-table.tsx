import type { ReactNode } from 'react';
import type { Execution } from '../api/pipelines-client.js';
import { Link } from '../lib/router.js';
import { describeTrigger, formatDuration, formatTime, shortId, StatusBadge } from './pipeline-status.js';

/** Executions, newest first: id (a link, shortened; the full id is its accessible name and tooltip), pipeline and version, status, trigger, actor, start and duration. */
export function ExecutionsTable(props: { executions: readonly Execution[]; showPipeline: boolean; label: string }): ReactNode {
  return (
    <div className="table-viewport pipeline-table">
      <table className="kv wide executions" aria-label={props.label}>
        <thead>
          <tr>
            <th scope="col">Execution</th>
            {props.showPipeline && <th scope="col">Pipeline</th>}
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Trigger</th>
            <th scope="col">By</th>
            <th scope="col">Created</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {props.executions.map((e) => (
            <tr key={e.execution_id} data-status={e.status}>
              <th scope="row">
                <Link href={`/executions/${encodeURIComponent(e.execution_id)}`} className="mono" title={e.execution_id} aria-label={`Execution ${e.execution_id}`}>
                  {shortId(e.execution_id)}
                </Link>
              </th>
              {props.showPipeline && (
                <td>
                  <Link href={`/pipelines/${encodeURIComponent(e.pipeline_name)}`}>{e.pipeline_name}</Link>
                </td>
              )}
              <td>v{e.pipeline_version}</td>
              <td>
                <StatusBadge status={e.status} />
              </td>
              <td>{describeTrigger(e.trigger)}</td>
              <td>{e.actor}</td>
              <td className="muted nowrap">{formatTime(e.created_time)}</td>
              <td className="num">{formatDuration(e.started_time, e.ended_time)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

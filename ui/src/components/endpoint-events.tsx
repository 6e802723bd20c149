import type { ReactNode } from 'react';
import type { EndpointEvent } from '../api/endpoints-client.js';
import { formatTime } from './endpoint-variants.js';

/** The endpoint's event timeline, newest first: when, what, the message, the variant and who. */
export function EndpointEvents(props: { events: readonly EndpointEvent[] }): ReactNode {
  if (props.events.length === 0) return <p className="muted">No events yet.</p>;
  const newestFirst = [...props.events].reverse();
  return (
    <ol className="timeline" aria-label="Events, newest first">
      {newestFirst.map((e) => (
        <li key={e.event_id}>
          <time dateTime={new Date(e.time).toISOString()}>{formatTime(e.time)}</time> <span className="badge">{e.kind}</span> {e.message}
          {e.variant !== undefined && <span className="muted"> · variant {e.variant}</span>}
          <span className="muted"> · {e.actor}</span>
        </li>
      ))}
    </ol>
  );
}

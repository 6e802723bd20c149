import { useState, type ReactNode } from 'react';
import { usePipelinesClient, type Schedule, type Trigger } from '../api/pipelines-client.js';
import { ErrorMessage } from '../components/error-message.js';
import { ActorField, useActor } from '../components/pipeline-actor.js';
import { usePoll } from '../components/pipeline-poll.js';
import { formatTime, StatusBadge } from '../components/pipeline-status.js';
import { Link } from '../lib/router.js';

/**
 * `/schedules`: every schedule with its cron, zone and next fire times (pause/resume), the
 * chosen schedule's fire history (fired with its execution, skipped, missed… with the
 * reason); and every event trigger with its event history (which events started an
 * execution). Refreshed every 10 s so next fire times move on.
 */
export function SchedulesPage(): ReactNode {
  const client = usePipelinesClient();
  const schedules = usePoll(() => client.listSchedules(), [client], 10_000, () => true);
  const triggers = usePoll(() => client.listTriggers(), [client], 10_000, () => true);
  const [chosenSchedule, setChosenSchedule] = useState<string | undefined>(undefined);
  const [chosenTrigger, setChosenTrigger] = useState<string | undefined>(undefined);
  const [actor, setActor] = useActor();
  const [actionError, setActionError] = useState<unknown>(undefined);

  const toggle = async (s: Schedule): Promise<void> => {
    try {
      await client.setSchedulePaused(s.schedule_id, !s.paused, actor);
      setActionError(undefined);
      schedules.reload();
    } catch (e) {
      setActionError(e);
    }
  };

  return (
    <section aria-labelledby="schedules-heading">
      <p className="crumbs">
        <Link href="/pipelines">Pipelines</Link> /
      </p>
      <h1 id="schedules-heading">Schedules and triggers</h1>
      <h2>Schedules</h2>
      <ErrorMessage error={schedules.error} />
      <ErrorMessage error={actionError} />
      {schedules.data === undefined && schedules.error === undefined && <p className="muted loading">Loading schedules…</p>}
      {schedules.data !== undefined && schedules.data.length === 0 && (
        <div className="empty-state">
          <h2>No schedules</h2>
          <p>Give a pipeline an <code>on: schedule:</code> entry and store it, or add one with the CLI:</p>
          <pre>
            <code>{"slipway schedules create housing-train --cron '0 6 * * *' --timezone Europe/Berlin"}</code>
          </pre>
        </div>
      )}
      {schedules.data !== undefined && schedules.data.length > 0 && (
        <>
          <div className="toolbar">
            <ActorField actor={actor} onChange={setActor} />
          </div>
          <div className="table-viewport pipeline-table">
            <table className="kv wide schedules" aria-label="Schedules">
              <thead>
                <tr>
                  <th scope="col">Pipeline</th>
                  <th scope="col">Cron</th>
                  <th scope="col">Next fire times</th>
                  <th scope="col">Overlap</th>
                  <th scope="col">From</th>
                  <th scope="col">State</th>
                  <th scope="col">History</th>
                </tr>
              </thead>
              <tbody>
                {schedules.data.map((s) => (
                  <tr key={s.schedule_id} className={s.schedule_id === chosenSchedule ? 'selected' : undefined}>
                    <th scope="row">
                      <Link href={`/pipelines/${encodeURIComponent(s.pipeline)}`}>{s.pipeline}</Link>
                    </th>
                    <td className="mono">
                      {s.cron} <span className="muted">({s.timezone})</span>
                    </td>
                    <td>{s.paused ? <span className="muted">paused</span> : s.next_fire_times.map((t) => <div key={String(t)}>{formatTime(t)}</div>)}</td>
                    <td>{s.overlap}</td>
                    <td>{s.source}</td>
                    <td>
                      <button type="button" onClick={() => void toggle(s)} aria-label={`${s.paused ? 'Resume' : 'Pause'} schedule ${s.cron} of ${s.pipeline}`}>
                        {s.paused ? 'Resume' : 'Pause'}
                      </button>
                    </td>
                    <td>
                      <button type="button" className="link" aria-pressed={s.schedule_id === chosenSchedule} onClick={() => setChosenSchedule(s.schedule_id)}>
                        Fire history
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {chosenSchedule !== undefined && <FireHistory key={chosenSchedule} scheduleId={chosenSchedule} />}

      <h2>Triggers</h2>
      <ErrorMessage error={triggers.error} />
      {triggers.data === undefined && triggers.error === undefined && <p className="muted loading">Loading triggers…</p>}
      {triggers.data !== undefined && triggers.data.length === 0 && (
        <p className="muted">
          No event triggers. A pipeline&apos;s <code>on: push | webhook | data | registry | pipeline</code> entries appear here once it is stored.
        </p>
      )}
      {triggers.data !== undefined && triggers.data.length > 0 && <TriggersTable triggers={triggers.data} chosen={chosenTrigger} onChoose={setChosenTrigger} />}
      {chosenTrigger !== undefined && <TriggerHistory key={chosenTrigger} name={chosenTrigger} />}
    </section>
  );
}

function FireHistory(props: { scheduleId: string }): ReactNode {
  const client = usePipelinesClient();
  const fires = usePoll(() => client.listFires(props.scheduleId), [client, props.scheduleId], 10_000, () => true);
  return (
    <section aria-label="Fire history">
      <h3>Fire history</h3>
      <ErrorMessage error={fires.error} />
      {fires.data === undefined && fires.error === undefined && <p className="muted loading">Loading fires…</p>}
      {fires.data !== undefined && fires.data.length === 0 && <p className="muted">Not fired yet.</p>}
      {fires.data !== undefined && fires.data.length > 0 && (
        <table className="kv wide" aria-label="Fires">
          <thead>
            <tr>
              <th scope="col">Due</th>
              <th scope="col">Outcome</th>
              <th scope="col">Execution</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {fires.data.map((f) => (
              <tr key={f.due_time}>
                <th scope="row">{formatTime(f.due_time)}</th>
                <td>
                  <StatusBadge status={f.status} />
                </td>
                <td>{f.execution_id !== undefined && <Link href={`/executions/${encodeURIComponent(f.execution_id)}`}>{f.execution_id}</Link>}</td>
                <td className="muted">{f.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function TriggersTable(props: { triggers: readonly Trigger[]; chosen: string | undefined; onChoose: (name: string) => void }): ReactNode {
  return (
    <div className="table-viewport pipeline-table">
      <table className="kv wide triggers" aria-label="Triggers">
        <thead>
          <tr>
            <th scope="col">Trigger</th>
            <th scope="col">Pipeline</th>
            <th scope="col">Type</th>
            <th scope="col">Enabled</th>
            <th scope="col">History</th>
          </tr>
        </thead>
        <tbody>
          {props.triggers.map((t) => (
            <tr key={t.name} className={t.name === props.chosen ? 'selected' : undefined}>
              <th scope="row" className="mono">
                {t.name}
              </th>
              <td>
                <Link href={`/pipelines/${encodeURIComponent(t.pipeline)}`}>{t.pipeline}</Link>
              </td>
              <td>{t.type}</td>
              <td>{t.enabled ? 'yes' : 'no'}</td>
              <td>
                <button type="button" className="link" aria-pressed={t.name === props.chosen} onClick={() => props.onChoose(t.name)} aria-label={`Event history of ${t.name}`}>
                  Event history
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TriggerHistory(props: { name: string }): ReactNode {
  const client = usePipelinesClient();
  const events = usePoll(() => client.listTriggerEvents(props.name), [client, props.name], 10_000, () => true);
  return (
    <section aria-label={`Events of ${props.name}`}>
      <h3>Events of {props.name}</h3>
      <ErrorMessage error={events.error} />
      {events.data === undefined && events.error === undefined && <p className="muted loading">Loading events…</p>}
      {events.data !== undefined && events.data.length === 0 && <p className="muted">No events yet.</p>}
      {events.data !== undefined && events.data.length > 0 && (
        <table className="kv wide" aria-label="Trigger events">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">Outcome</th>
              <th scope="col">Execution</th>
            </tr>
          </thead>
          <tbody>
            {events.data.map((e) => (
              <tr key={e.event_id}>
                <th scope="row">{formatTime(e.time)}</th>
                <td>{e.summary}</td>
                <td>
                  {e.outcome}
                  {e.reason !== undefined && <span className="muted"> — {e.reason}</span>}
                </td>
                <td>{e.execution_id !== undefined && <Link href={`/executions/${encodeURIComponent(e.execution_id)}`}>{e.execution_id}</Link>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

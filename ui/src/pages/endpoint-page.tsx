import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError } from '../api/api-error.js';
import { EndpointsClient, type Endpoint, type InputColumn, type EndpointEvent, type EndpointStats } from '../api/endpoints-client.js';
import { EndpointEvents } from '../components/endpoint-events.js';
import { EndpointRolloutView } from '../components/endpoint-rollout.js';
import { EndpointVariants } from '../components/endpoint-variants.js';
import { ErrorMessage } from '../components/error-message.js';
import { TrafficChart } from '../components/traffic-chart.js';
import { appendSample, KEEP_MS, linesOf, type TrafficSample } from '../components/traffic-series.js';
import { basePath } from '../lib/base-path.js';
import { Link } from '../lib/router.js';

const STATS_EVERY_MS = 1500;
const ENDPOINT_EVERY_MS = 5000;
const ACTOR_KEY = 'slipway.actor';

/** The curl that calls the endpoint from a shell, at this server's address. */
export function curlExample(origin: string, name: string, columns?: readonly InputColumn[]): string {
  const cols = columns ?? [
    { name: 'x1', datatype: 'FP64' },
    { name: 'x2', datatype: 'FP64' },
  ];
  const sample = (datatype: string): unknown => (datatype === 'BOOL' ? false : datatype === 'BYTES' ? 'text' : datatype.startsWith('FP') ? 1.5 : 1);
  const body = JSON.stringify({ dataframe_split: { columns: cols.map((c) => c.name), data: [cols.map((c) => sample(c.datatype))] } }).replace(/'/g, "'\\''");
  return [
    `curl -s ${origin}/endpoints/${encodeURIComponent(name)}/invocations \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '${body}'`,
    `# the x-slipway-variant response header names the variant that answered`,
  ].join('\n');
}

function storedActor(): string {
  try {
    return window.localStorage.getItem(ACTOR_KEY) ?? '';
  } catch {
    return '';
  }
}

/**
 * `/endpoints/<name>`: status, variants with their traffic, the rollout (with a rollback),
 * live charts of this server's stats polled every 1.5 s and kept for five minutes in the
 * browser, the curl to call it, and the event timeline.
 */
export function EndpointPage(props: { name: string }): ReactNode {
  const client = useMemo(() => new EndpointsClient(basePath()), []);
  const [endpoint, setEndpoint] = useState<Endpoint | undefined>(undefined);
  const [events, setEvents] = useState<EndpointEvent[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [samples, setSamples] = useState<TrafficSample[]>([]);
  const [stats, setStats] = useState<EndpointStats | undefined>(undefined);
  const [statsError, setStatsError] = useState<unknown>(undefined);
  const [now, setNow] = useState(() => Date.now());
  const [notice, setNotice] = useState('');
  const [columns, setColumns] = useState<InputColumn[] | undefined>(undefined);
  const ready = endpoint?.variants.some((v) => v.status === 'Ready') === true;

  useEffect(() => {
    if (!ready) return;
    let cancelled = false;
    client
      .inputColumns(props.name)
      .then((c) => !cancelled && setColumns(c))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [client, props.name, ready]);

  const load = useCallback(async (): Promise<void> => {
    try {
      const [e, ev] = await Promise.all([client.get(props.name), client.events(props.name)]);
      setEndpoint(e);
      setEvents(ev);
      setError(undefined);
    } catch (e) {
      setError(e);
    }
  }, [client, props.name]);

  useEffect(() => {
    let cancelled = false;
    const tick = (): void => {
      if (!cancelled) void load();
    };
    tick();
    const timer = window.setInterval(tick, ENDPOINT_EVERY_MS);
    return () => {
      cancelled = true;
      window.clearInterval(timer);
    };
  }, [load]);

  useEffect(() => {
    let cancelled = false;
    const poll = (): void => {
      client
        .stats(props.name)
        .then((s) => {
          if (cancelled) return;
          const at = Date.now();
          setStats(s);
          setSamples((prev) => appendSample(prev, s, at));
          setNow(at);
          setStatsError(undefined);
        })
        .catch((e: unknown) => {
          if (cancelled) return;
          setNow(Date.now());
          setStatsError(e);
        });
    };
    poll();
    const timer = window.setInterval(poll, STATS_EVERY_MS);
    return () => {
      cancelled = true;
      window.clearInterval(timer);
    };
  }, [client, props.name]);

  const rollback = async (reason: string): Promise<void> => {
    const updated = await client.rollback(props.name, reason, storedActor());
    setEndpoint(updated);
    setNotice(`Rolled back: ${updated.rollout?.reason ?? 'the serving variants keep all traffic'}.`);
    void load();
  };

  const notFound = error instanceof ApiError && error.status === 404;
  // The window grows from one minute to five as samples arrive, so early traffic is not a sliver at the edge.
  const from = Math.max(now - KEEP_MS, Math.min(samples[0]?.time ?? now, now - 60_000));
  const total = (stats?.variants ?? []).reduce((sum, v) => sum + (v.requests_per_second ?? 0), 0);
  return (
    <section aria-labelledby="endpoint-heading">
      <p className="crumbs">
        <Link href="/endpoints">Endpoints</Link> /
      </p>
      <h1 id="endpoint-heading">
        {props.name}{' '}
        {endpoint !== undefined && <span className={`status status-${endpoint.status.toLowerCase()}`}>{endpoint.status}</span>}
      </h1>
      <ErrorMessage error={error} />
      {notFound && (
        <p>
          <Link href="/endpoints">See every endpoint</Link>.
        </p>
      )}
      {endpoint === undefined && error === undefined && <p className="muted loading">Loading endpoint…</p>}
      {endpoint !== undefined && (
        <>
          {endpoint.status_reason !== undefined && <p className="status-reason">{endpoint.status_reason}</p>}
          {endpoint.description !== undefined && <p>{endpoint.description}</p>}
          <p role="status" className="notice">
            {notice}
          </p>

          <h2>Variants</h2>
          <EndpointVariants endpoint={endpoint} />

          <h2>Rollout</h2>
          {endpoint.rollout === undefined ? (
            <p className="muted">No rollout yet: a new variant set (<code>slipway endpoints update</code>) rolls out blue-green or as a canary.</p>
          ) : (
            <EndpointRolloutView rollout={endpoint.rollout} now={now} onRollback={rollback} />
          )}
        </>
      )}

      {!notFound && (
        <>
          <h2>Live traffic</h2>
          <p className="muted chart-caption">
            Measured by this server over the last {stats?.window_seconds ?? 60} s, polled every {STATS_EVERY_MS / 1000} s; the charts keep the
            last {KEEP_MS / 60_000} minutes in this browser. Now: <strong className="total-rate">{total.toFixed(2)} req/s</strong>
          </p>
          <ErrorMessage error={statsError} />
          <div className="traffic-charts">
            <TrafficChart title="Request rate" metric="rate" lines={linesOf(samples, 'rate')} from={from} to={now} />
            <TrafficChart title="Error rate" metric="errors" lines={linesOf(samples, 'errors')} from={from} to={now} />
            <TrafficChart title="Latency p50" metric="p50" lines={linesOf(samples, 'p50')} from={from} to={now} />
            <TrafficChart title="Latency p99" metric="p99" lines={linesOf(samples, 'p99')} from={from} to={now} />
          </div>
          {stats !== undefined && stats.shadow.length > 0 && (
            <table className="kv" aria-label="Shadow traffic">
              <thead>
                <tr>
                  <th scope="col">Shadow</th>
                  <th scope="col">Mirrored</th>
                  <th scope="col">Failed</th>
                  <th scope="col">Outputs differ</th>
                </tr>
              </thead>
              <tbody>
                {stats.shadow.map((s) => (
                  <tr key={s.variant}>
                    <th scope="row">{s.variant}</th>
                    <td>{s.requests}</td>
                    <td>{s.errors}</td>
                    <td>{s.mismatches}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          <h2>Call it</h2>
          <div className="help">
            <pre tabIndex={0} aria-label="curl example">
              <code>{curlExample(`${window.location.origin}${basePath()}`, props.name, columns)}</code>
            </pre>
            <p className="muted">{columns === undefined ? 'Use your model’s input columns; ' : 'The columns are the model’s signature, the values placeholders; '}<code>dataframe_records</code>, <code>instances</code>, <code>inputs</code>, CSV and OIP v2 work too.</p>
          </div>

          <h2>Events</h2>
          {events === undefined ? <p className="muted">Loading events…</p> : <EndpointEvents events={events} />}
        </>
      )}
    </section>
  );
}

import { useEffect, useRef, useState, type ReactNode } from 'react';
import { usePipelinesClient } from '../api/pipelines-client.js';
import { ErrorMessage } from './error-message.js';

const POLL_MS = 1000;
/** The most log text kept in the page; older text is dropped from the top (the server keeps it all). */
const MAX_CHARS = 2_000_000;

/**
 * One attempt's log, following it live: reads `GET /executions/{id}/logs` from the last
 * `next_offset` until the server says the log is `complete` (the attempt ended and all of
 * it was read), asking again every second while it is not. Stays scrolled to the bottom
 * while you are at the bottom; scroll up to read and it stops following.
 */
export function StepLog(props: { executionId: string; step: string; instance: string | undefined; attempt: number }): ReactNode {
  const client = usePipelinesClient();
  const [text, setText] = useState('');
  const [complete, setComplete] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const box = useRef<HTMLPreElement>(null);
  const atBottom = useRef(true);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let offset = 0;
    setText('');
    setComplete(false);
    setError(undefined);
    const read = async (): Promise<void> => {
      try {
        const chunk = await client.readLogs(props.executionId, { step: props.step, instance: props.instance, attempt: props.attempt, offset });
        if (cancelled) return;
        offset = chunk.next_offset;
        if (chunk.text !== '') setText((t) => (t + chunk.text).slice(-MAX_CHARS));
        setError(undefined);
        if (chunk.complete) {
          setComplete(true);
          return;
        }
        // More may be there already (a big log comes in chunks): read on at once.
        timer = setTimeout(() => void read(), chunk.text === '' ? POLL_MS : 0);
      } catch (e) {
        if (cancelled) return;
        setError(e);
        timer = setTimeout(() => void read(), POLL_MS * 3);
      }
    };
    void read();
    return () => {
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [client, props.executionId, props.step, props.instance, props.attempt]);

  useEffect(() => {
    const el = box.current;
    if (el !== null && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [text]);

  return (
    <div className="step-log">
      <p className="muted log-state" aria-live="polite">
        {complete ? 'Log complete.' : 'Following the log live…'}
      </p>
      <pre
        ref={box}
        className="log-text"
        tabIndex={0}
        aria-label={`Log of ${props.step}${props.instance === undefined ? '' : ` [${props.instance}]`}, attempt ${props.attempt}`}
        data-testid="step-log"
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {text === '' ? (complete ? '(empty log)' : '') : text}
      </pre>
      <ErrorMessage error={error} />
    </div>
  );
}

import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/api-error.js';

/**
 * Loads a value, and loads it again every `intervalMs` while `keepPolling(value)` says so
 * (an execution still running); `reload()` loads it at once (after a button). The last
 * value stays shown while the next one loads, so the page does not flicker. A failed poll
 * shows its error and is tried again (not a 4xx: asking again would not help).
 */
export function usePoll<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
  intervalMs: number,
  keepPolling: (value: T) => boolean,
): { data: T | undefined; error: unknown; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const keepRef = useRef(keepPolling);
  keepRef.current = keepPolling;

  // A new subject (deps) starts empty.
  useEffect(() => {
    setData(undefined);
    setError(undefined);
  }, deps);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    loadRef
      .current()
      .then((value) => {
        if (cancelled) return;
        setData(value);
        setError(undefined);
        if (keepRef.current(value)) timer = setTimeout(() => setTick((t) => t + 1), intervalMs);
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        setError(e);
        // A 4xx will not get better by asking again; a network error or 5xx may.
        if (e instanceof ApiError && e.status < 500) return;
        timer = setTimeout(() => setTick((t) => t + 1), intervalMs * 2);
      });
    return () => {
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [...deps, tick, intervalMs]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, reload };
}

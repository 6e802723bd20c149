import { useId, useState, type ReactNode } from 'react';

const ACTOR_KEY = 'slipway.actor';

function storedActor(): string {
  try {
    return window.localStorage.getItem(ACTOR_KEY) ?? '';
  } catch {
    return '';
  }
}

/** The name writes are signed with (`X-Slipway-Actor`), remembered in this browser (the registry pages share it). */
export function useActor(): [string, (name: string) => void] {
  const [actor, setActor] = useState(storedActor);
  const set = (name: string): void => {
    setActor(name);
    try {
      window.localStorage.setItem(ACTOR_KEY, name);
    } catch {
      // Private mode: remembered for this page only.
    }
  };
  return [actor, set];
}

export function ActorField(props: { actor: string; onChange: (name: string) => void; hint?: string }): ReactNode {
  const id = useId();
  return (
    <span className="actor-field">
      <label htmlFor={id}>Your name</label>
      <input id={id} type="text" value={props.actor} onChange={(e) => props.onChange(e.target.value)} placeholder={props.hint ?? 'recorded as the actor'} autoComplete="name" />
    </span>
  );
}

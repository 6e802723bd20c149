import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

/**
 * A hand-written client-side router over the History API: three routes do not need a
 * library. Links are real `<a href>` elements (keyboard and middle-click work); a plain
 * left click is turned into `pushState`, and the server answers `index.html` for any
 * client route, so reloads and shared URLs work too.
 * @module
 */

export type Route =
  | { readonly page: 'experiments' }
  | { readonly page: 'runs'; readonly experimentId: string }
  | { readonly page: 'run'; readonly runId: string }
  | { readonly page: 'not-found'; readonly path: string };

/** The route a path names. */
export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { page: 'experiments' };
  const experiment = /^\/experiments\/([^/]+)$/.exec(path);
  if (experiment?.[1] !== undefined) return { page: 'runs', experimentId: decodeURIComponent(experiment[1]) };
  const run = /^\/runs\/([^/]+)$/.exec(path);
  if (run?.[1] !== undefined) return { page: 'run', runId: decodeURIComponent(run[1]) };
  return { page: 'not-found', path };
}

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

export function navigate(href: string): void {
  window.history.pushState(null, '', href);
  window.scrollTo(0, 0);
  for (const listener of listeners) listener();
}

/** The current location's path, re-rendering on navigation. */
export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname, () => '/');
}

export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children: ReactNode }): ReactNode {
  const { href, onClick, ...rest } = props;
  const click = (e: MouseEvent<HTMLAnchorElement>): void => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={click} {...rest} />;
}

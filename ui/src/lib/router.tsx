import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';
import { withBase, withoutBase } from './base-path.js';

/**
 * A hand-written client-side router over the History API: a handful of routes do not need a
 * library. Paths are app paths (`/runs/1`); the base path (`--static-prefix`) is added to
 * hrefs and removed from the location here, so pages never see it. Links are real `<a href>` elements (keyboard and middle-click work); a plain
 * left click is turned into `pushState`, and the server answers `index.html` for any
 * client route, so reloads and shared URLs work too.
 * @module
 */

export type Route =
  | { readonly page: 'experiments' }
  | { readonly page: 'runs'; readonly experimentId: string }
  | { readonly page: 'run'; readonly runId: string }
  | { readonly page: 'compare' }
  | { readonly page: 'models' }
  | { readonly page: 'model'; readonly name: string }
  | { readonly page: 'endpoints' }
  | { readonly page: 'endpoint'; readonly name: string }
  | { readonly page: 'pipelines' }
  | { readonly page: 'pipeline'; readonly name: string }
  | { readonly page: 'executions' }
  | { readonly page: 'execution'; readonly executionId: string }
  | { readonly page: 'schedules' }
  | { readonly page: 'approvals' }
  | { readonly page: 'not-found'; readonly path: string };

/** The route a path names. */
export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { page: 'experiments' };
  const experiment = /^\/experiments\/([^/]+)$/.exec(path);
  if (experiment?.[1] !== undefined) return { page: 'runs', experimentId: decodeURIComponent(experiment[1]) };
  if (path === '/compare') return { page: 'compare' };
  if (path === '/models') return { page: 'models' };
  const model = /^\/models\/([^/]+)$/.exec(path);
  if (model?.[1] !== undefined) return { page: 'model', name: decodeURIComponent(model[1]) };
  if (path === '/endpoints') return { page: 'endpoints' };
  const endpoint = /^\/endpoints\/([^/]+)$/.exec(path);
  if (endpoint?.[1] !== undefined) return { page: 'endpoint', name: decodeURIComponent(endpoint[1]) };
  const run = /^\/runs\/([^/]+)$/.exec(path);
  if (run?.[1] !== undefined) return { page: 'run', runId: decodeURIComponent(run[1]) };
  if (path === '/pipelines') return { page: 'pipelines' };
  const pipeline = /^\/pipelines\/([^/]+)$/.exec(path);
  if (pipeline?.[1] !== undefined) return { page: 'pipeline', name: decodeURIComponent(pipeline[1]) };
  if (path === '/executions') return { page: 'executions' };
  const execution = /^\/executions\/([^/]+)$/.exec(path);
  if (execution?.[1] !== undefined) return { page: 'execution', executionId: decodeURIComponent(execution[1]) };
  if (path === '/schedules') return { page: 'schedules' };
  if (path === '/approvals') return { page: 'approvals' };
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

/** Goes to an app path (`/runs/1?x=y`), under the base path. */
export function navigate(href: string): void {
  window.history.pushState(null, '', withBase(href));
  window.scrollTo(0, 0);
  for (const listener of listeners) listener();
}

/** The current location's app path (without the base path), re-rendering on navigation. */
export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => withoutBase(window.location.pathname), () => '/');
}

/** The current location's query string (`?runs=…`), re-rendering on navigation. */
export function useSearch(): string {
  return useSyncExternalStore(subscribe, () => window.location.search, () => '');
}

export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children: ReactNode }): ReactNode {
  const { href, onClick, ...rest } = props;
  const click = (e: MouseEvent<HTMLAnchorElement>): void => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={withBase(href)} onClick={click} {...rest} />;
}

import type { ReactNode } from 'react';
import { ExperimentsPage } from './pages/experiments-page.js';
import { RunPage } from './pages/run-page.js';
import { RunsPage } from './pages/runs-page.js';
import { Link, matchRoute, usePathname } from './lib/router.js';

/** The shell: a header with the product name and the page the URL names. */
export function App(): ReactNode {
  const route = matchRoute(usePathname());
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          Slipway
        </Link>
        <nav aria-label="Main">
          <Link href="/" aria-current={route.page === 'experiments' ? 'page' : undefined}>
            Experiments
          </Link>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'experiments' && <ExperimentsPage />}
        {route.page === 'runs' && <RunsPage key={route.experimentId} experimentId={route.experimentId} />}
        {route.page === 'run' && <RunPage key={route.runId} runId={route.runId} />}
        {route.page === 'not-found' && (
          <section>
            <h1>Page not found</h1>
            <p>
              Nothing lives at <code>{route.path}</code>. <Link href="/">Go to the experiments</Link>.
            </p>
          </section>
        )}
      </main>
    </>
  );
}

import type { ReactNode } from 'react';
import { ComparePage } from './pages/compare-page.js';
import { EndpointPage } from './pages/endpoint-page.js';
import { EndpointsPage } from './pages/endpoints-page.js';
import { ExperimentsPage } from './pages/experiments-page.js';
import { ModelPage } from './pages/model-page.js';
import { ModelsPage } from './pages/models-page.js';
import { ApprovalsPage } from './pages/approvals-page.js';
import { ExecutionPage } from './pages/execution-page.js';
import { ExecutionsPage } from './pages/executions-page.js';
import { PipelinePage } from './pages/pipeline-page.js';
import { PipelinesPage } from './pages/pipelines-page.js';
import { RunPage } from './pages/run-page.js';
import { SchedulesPage } from './pages/schedules-page.js';
import { RunsPage } from './pages/runs-page.js';
import { Link, matchRoute, usePathname } from './lib/router.js';

const PIPELINE_PAGES: ReadonlySet<string> = new Set(['pipelines', 'pipeline', 'executions', 'execution', 'schedules']);

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
          <Link href="/models" aria-current={route.page === 'models' ? 'page' : undefined}>
            Models
          </Link>
          <Link href="/pipelines" aria-current={PIPELINE_PAGES.has(route.page) ? 'page' : undefined}>
            Pipelines
          </Link>
          <Link href="/approvals" aria-current={route.page === 'approvals' ? 'page' : undefined}>
            Approvals
          </Link>
          <Link href="/endpoints" aria-current={route.page === 'endpoints' || route.page === 'endpoint' ? 'page' : undefined}>
            Endpoints
          </Link>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'experiments' && <ExperimentsPage />}
        {route.page === 'runs' && <RunsPage key={route.experimentId} experimentId={route.experimentId} />}
        {route.page === 'run' && <RunPage key={route.runId} runId={route.runId} />}
        {route.page === 'compare' && <ComparePage />}
        {route.page === 'pipelines' && <PipelinesPage />}
        {route.page === 'pipeline' && <PipelinePage key={route.name} name={route.name} />}
        {route.page === 'executions' && <ExecutionsPage />}
        {route.page === 'execution' && <ExecutionPage key={route.executionId} executionId={route.executionId} />}
        {route.page === 'schedules' && <SchedulesPage />}
        {route.page === 'approvals' && <ApprovalsPage />}
        {route.page === 'models' && <ModelsPage />}
        {route.page === 'model' && <ModelPage key={route.name} name={route.name} />}
        {route.page === 'endpoints' && <EndpointsPage />}
        {route.page === 'endpoint' && <EndpointPage key={route.name} name={route.name} />}
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

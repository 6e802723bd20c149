import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArtifactStore } from '../../src/artifacts/local-artifact-store.js';
import { WebhookService } from '../../src/core/webhooks/webhook-service.js';
import { buildApp } from '../../src/server/build-app.js';
import { SqlWebhookStore } from '../../src/store-sql/sql-webhook-store.js';
import { HttpWebhookSender } from '../../src/webhooks/http-webhook-sender.js';
import type { EndpointFixture } from './endpoint-fixture.js';

export interface ListeningEndpointApi {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops listening and removes the artifact directory (the fixture is the caller's to close). */
  close(): Promise<void>;
}

/** The fixture's endpoint service (with tracking and registry) behind the HTTP API on a free local port, no controller. */
export async function listenEndpointApi(f: EndpointFixture): Promise<ListeningEndpointApi> {
  const artifactsDir = mkdtempSync(join(tmpdir(), 'slipway-endpoint-api-'));
  const webhooks = new WebhookService({ store: await SqlWebhookStore.open(f.database.database), sender: new HttpWebhookSender() });
  const app = await buildApp(
    { tracking: f.tracking, registry: f.registry, webhooks, artifacts: await LocalArtifactStore.open(artifactsDir), endpoints: f.service },
    { bodyLimit: 1024 * 1024, logLevel: 'silent' },
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`,
    close: async () => {
      await app.close();
      rmSync(artifactsDir, { recursive: true, force: true });
    },
  };
}

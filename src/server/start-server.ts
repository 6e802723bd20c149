import type { FastifyInstance } from 'fastify';
import { LocalArtifactStore } from '../artifacts/local-artifact-store.js';
import { TrackingService } from '../core/tracking/tracking-service.js';
import { buildApp } from './build-app.js';
import { RegistryService } from '../core/registry/registry-service.js';
import { openStores } from './open-stores.js';
import type { ServerConfig } from './server-config.js';

/** A listening Slipway server. */
export interface RunningServer {
  /** `http://host:port` as bound (the real port when 0 was asked for). */
  readonly url: string;
  readonly app: FastifyInstance;
  /** Stops accepting connections, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

/** The composition root: opens the adapters the config names, builds the app and listens. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const stores = await openStores(config.backendStoreUri, { defaultArtifactRoot: config.defaultArtifactRoot });
  let app: FastifyInstance | undefined;
  try {
    const artifacts = await LocalArtifactStore.open(config.artifactsDirectory);
    const tracking = new TrackingService(stores.tracking);
    const registry = new RegistryService(stores);
    app = await buildApp(
      { tracking, registry, artifacts },
      { bodyLimit: config.bodyLimit, logLevel: config.logLevel, accessLog: config.accessLog },
    );
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    await app?.close();
    await stores.close();
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  app.log.info(`Slipway listening on ${url} (store ${stores.description}, artifacts ${config.artifactsDirectory})`);
  const running = app;
  let closing: Promise<void> | undefined;
  return {
    url,
    app: running,
    close() {
      closing ??= (async () => {
        await running.close();
        await stores.close();
      })();
      return closing;
    },
  };
}

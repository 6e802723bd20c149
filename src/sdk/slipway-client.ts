import { ApprovalsClient } from './approvals/approvals-client.js';
import { resolveClientConfig, type SlipwayClientOptions } from './client-options.js';
import { EndpointsClient } from './endpoints/endpoints-client.js';
import { HttpTransport } from './http-transport.js';
import { PipelinesClient } from './pipelines/pipelines-client.js';
import { RegistryClient } from './registry/registry-client.js';
import { SchedulesClient } from './schedules/schedules-client.js';
import { TriggersClient } from './triggers/triggers-client.js';
import { WebhooksClient } from './webhooks/webhooks-client.js';

/**
 * A client for one Slipway server. Each area of the API is a small client of its own
 * (`client.registry`, `client.webhooks`, `client.pipelines`; tracking and deployments will sit
 * beside them), all sharing one {@link HttpTransport}.
 *
 * ```ts
 * const client = new SlipwayClient({ trackingUri: 'http://127.0.0.1:5000', actor: 'alice' });
 * await client.registry.approveModelVersion('housing', 3, { comment: 'holdout RMSE ok' });
 * await client.registry.setAlias('housing', 'champion', 3);
 * ```
 */
export class SlipwayClient {
  readonly transport: HttpTransport;
  readonly registry: RegistryClient;
  /** Registry webhooks and their delivery log. */
  readonly webhooks: WebhooksClient;
  /** Pipelines, their executions and step logs. */
  readonly pipelines: PipelinesClient;
  /** Approval requests of `slipway/approval` steps, and deciding them. */
  readonly approvals: ApprovalsClient;
  /** Pipeline schedules and their fire history. */
  readonly schedules: SchedulesClient;
  /** Event triggers (webhook, push, data, registry, pipeline) and their event history. */
  readonly triggers: TriggersClient;
  /** Serving endpoints: variants, rollouts, rollbacks, events, and where a model version serves. */
  readonly endpoints: EndpointsClient;

  /** Resolves the options (and their environment defaults) at once; throws SlipwayConfigError for unusable ones. */
  constructor(options: SlipwayClientOptions = {}) {
    this.transport = new HttpTransport(resolveClientConfig(options));
    this.registry = new RegistryClient(this.transport);
    this.webhooks = new WebhooksClient(this.transport);
    this.pipelines = new PipelinesClient(this.transport);
    this.approvals = new ApprovalsClient(this.transport);
    this.schedules = new SchedulesClient(this.transport);
    this.triggers = new TriggersClient(this.transport);
    this.endpoints = new EndpointsClient(this.transport);
  }

  /** The server's URL, without credentials. */
  get trackingUri(): string {
    return this.transport.baseUrl;
  }

  /** Who the audit trail records for this client's changes. */
  get actor(): string | undefined {
    return this.transport.actor;
  }
}

/**
 * Slipway's TypeScript SDK: a typed HTTP client for a Slipway server. It talks HTTP only
 * (Node's global `fetch`) and shares no code with the server.
 * @module
 */
export { SlipwayClient } from './slipway-client.js';
export {
  DEFAULT_TIMEOUT_MS,
  DEFAULT_TRACKING_URI,
  redactUri,
  resolveClientConfig,
  type ResolvedClientConfig,
  type SlipwayClientOptions,
} from './client-options.js';
export { HttpTransport, type HttpMethod, type HttpRequest, type QueryValue } from './http-transport.js';
export {
  SlipwayApiError,
  SlipwayClientError,
  SlipwayConfigError,
  SlipwayConnectionError,
  SlipwayProtocolError,
  type ConnectionFailure,
} from './errors.js';
export { collect, iterate, type Page } from './paging.js';
export {
  RegistryClient,
  type AuditQuery,
  type CreateModelVersionOptions,
  type IterateOptions,
  type SearchOptions,
} from './registry/registry-client.js';
export * from './registry/registry-types.js';
export {
  WebhooksClient,
  type CreateWebhookOptions,
  type ListDeliveriesOptions,
  type ListWebhooksOptions,
  type UpdateWebhookOptions,
} from './webhooks/webhooks-client.js';
export * from './webhooks/webhook-types.js';

/**
 * Slipway's TypeScript SDK (`import … from 'slipway/sdk'`): a typed HTTP client for a
 * Slipway server, and `definePipeline` for pipelines written in TypeScript. The client
 * talks HTTP only (Node's global `fetch`) and shares no code with the server; the
 * pipeline definition layer it re-exports is pure (no file system, no server).
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
export { ApprovalsClient, type ListApprovalsOptions } from './approvals/approvals-client.js';
export * from './approvals/approval-types.js';
export {
  DEFAULT_POLL_INTERVAL_MS,
  PipelinesClient,
  pipelineIssues,
  type ExecutionFilter,
  type LogsQuery,
  type PageOptions,
  type PollOptions,
  type StartExecutionOptions,
  type UpsertPipelineOptions,
  type UpsertPipelineResult,
  type WaitOptions,
} from './pipelines/pipelines-client.js';
export * from './pipelines/pipeline-types.js';
export { SchedulesClient, type CreateScheduleOptions, type ListSchedulesOptions } from './schedules/schedules-client.js';
export * from './schedules/schedule-types.js';
export { TriggersClient, type CreateTriggerOptions, type ListTriggersOptions } from './triggers/triggers-client.js';
export type { Trigger, TriggerEvent, TriggerOutcome, TriggerType } from './triggers/trigger-types.js';
export {
  EndpointsClient,
  endpointOutcome,
  isSettled,
  type CreateEndpointOptions,
  type EndpointOutcome,
  type EndpointWaitOptions,
  type ListEndpointsOptions,
  type RolloutOptions,
  type UpdateEndpointOptions,
  type VariantOptions,
} from './endpoints/endpoints-client.js';
export type * from './endpoints/endpoint-types.js';
// Pipelines in TypeScript: `import { definePipeline } from 'slipway/sdk'`.
export {
  definePipeline,
  type CacheInput,
  type DefinedPipeline,
  type MatrixInput,
  type OutputInput,
  type ParamInput,
  type PipelineInput,
  type PipelineParams,
  type PipelineReferenceError,
  type RetryInput,
  type RunStepInput,
  type StepInput,
  type UsesStepInput,
} from '../pipelines/define-pipeline.js';
export { isPipelineDefinitionError, PipelineDefinitionError, type PipelineIssue } from '../core/pipelines/pipeline-issues.js';
export type { ParamSpec, ParamType, ParamValue, PipelineDefinition, StepDefinition } from '../core/pipelines/pipeline-model.js';

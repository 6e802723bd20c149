import type { Endpoint, EndpointEvent, Rollout, Variant } from '../../core/endpoints/endpoint.js';
import type { Deployment } from '../../core/endpoints/endpoint-service.js';
import type { Wire } from '../mlflow/wire-format.js';

/**
 * Endpoints, their events and deployments as Slipway's API sends them: snake_case, times
 * in milliseconds since the epoch, unset fields left out.
 * @module
 */

export function wireEndpoint(e: Endpoint): Wire {
  const out: Wire = {
    name: e.name,
    endpoint_id: e.id,
    tags: { ...e.tags },
    status: e.status,
    variants: e.variants.map(wireVariant),
    creation_time: e.creationTime,
    last_update_time: e.lastUpdateTime,
    revision: e.revision,
  };
  if (e.description !== undefined) out.description = e.description;
  if (e.statusReason !== undefined) out.status_reason = e.statusReason;
  if (e.rollout !== undefined) out.rollout = wireRollout(e.rollout);
  return out;
}

export function wireVariant(v: Variant): Wire {
  const out: Wire = {
    name: v.name,
    model_uri: v.modelUri,
    model_name: v.modelName,
    model_version: v.modelVersion,
    weight: v.weight,
    runtime: v.runtime ?? 'auto',
    status: v.status,
  };
  if (v.shadow !== undefined) out.shadow = { sample_percent: v.shadow.samplePercent };
  if (v.statusReason !== undefined) out.status_reason = v.statusReason;
  if (v.servingRuntime !== undefined) out.serving_runtime = v.servingRuntime;
  if (v.runtimeReason !== undefined) out.runtime_reason = v.runtimeReason;
  if (v.servingSince !== undefined) out.serving_since = v.servingSince;
  return out;
}

/** The policy's fields sit beside the progress; `target_percent` is the share the target has now. */
export function wireRollout(r: Rollout): Wire {
  const out: Wire = {
    rollout_id: r.id,
    strategy: r.policy.strategy,
    steps: [...r.policy.steps],
    bake_seconds: r.policy.bakeSeconds,
    min_requests: r.policy.rollback.minRequests,
    phase: r.phase,
    step: r.step,
    target_percent: r.phase === 'Completed' ? 100 : r.step >= 0 && r.phase === 'Baking' ? (r.policy.steps[r.step] ?? 0) : 0,
    target: r.target.map(wireVariant),
    started_time: r.startedTime,
  };
  if (r.policy.rollback.maxErrorRate !== undefined) out.max_error_rate = r.policy.rollback.maxErrorRate;
  if (r.policy.rollback.maxP99Ms !== undefined) out.max_p99_ms = r.policy.rollback.maxP99Ms;
  if (r.stepStartedTime !== undefined) out.step_started_time = r.stepStartedTime;
  if (r.endedTime !== undefined) out.ended_time = r.endedTime;
  if (r.reason !== undefined) out.reason = r.reason;
  return out;
}

export function wireEndpointEvent(e: EndpointEvent): Wire {
  const out: Wire = {
    event_id: e.id,
    endpoint_id: e.endpointId,
    endpoint_name: e.endpointName,
    time: e.time,
    kind: e.kind,
    message: e.message,
    actor: e.actor,
    details: e.details,
  };
  if (e.rolloutId !== undefined) out.rollout_id = e.rolloutId;
  if (e.variant !== undefined) out.variant = e.variant;
  return out;
}

export function wireDeployment(d: Deployment): Wire {
  const out: Wire = {
    endpoint_name: d.endpointName,
    endpoint_status: d.endpointStatus,
    variant: d.variant,
    variant_status: d.variantStatus,
    model_name: d.modelName,
    model_version: d.modelVersion,
    model_uri: d.modelUri,
    weight: d.weight,
    traffic_percent: d.trafficPercent,
    in_rollout: d.inRollout,
  };
  if (d.shadow !== undefined) out.shadow = { sample_percent: d.shadow.samplePercent };
  if (d.servingSince !== undefined) out.serving_since = d.servingSince;
  return out;
}

/**
 * `slipway/deploy`: puts a model version behind an endpoint through the endpoint service —
 * creates the endpoint when it does not exist, else rolls the version out to it
 * (blue/green or canary, with automatic rollback thresholds) — and waits until the endpoint
 * settles. The step fails (class `user`) when the endpoint ends `Failed` or the rollout is
 * rolled back or fails, with the controller's reason.
 *
 * Safe to run again (a retry, a resume after a restart): an endpoint that already serves
 * the version is left alone, and a rollout to it still in progress is waited for, not
 * started twice. A deploy that times out or is cancelled rolls its rollout back.
 * @module
 */

import type { EndpointService } from '../../core/endpoints/endpoint-service.js';
import type { Endpoint, Variant } from '../../core/endpoints/endpoint.js';
import type { RolloutPolicyInput, VariantInput } from '../../core/endpoints/read-endpoint-spec.js';
import { ErrorCode } from '../../core/errors/error-code.js';
import { isSlipwayError } from '../../core/errors/slipway-error.js';
import { parseDuration } from '../../core/pipelines/parse-duration.js';
import { BuiltinStepError, text, type BuiltinContext, type BuiltinResult } from './builtin-context.js';
import { modelUriOf, resolveModelSource } from './model-source.js';
import { watchInterruption } from './watch-interruption.js';

const DEFAULT_TIMEOUT_SECONDS = 30 * 60;

export async function runDeploy(context: BuiltinContext): Promise<BuiltinResult> {
  const endpoints = context.endpoints;
  if (endpoints === undefined) throw new BuiltinStepError('slipway/deploy needs a server with endpoints (this engine has none)', 'infrastructure');
  const name = text(context.inputs.endpoint) ?? '';
  const modelUri = modelUriOf(context);
  const model = await resolveModelSource(context, modelUri);
  if (model.name === undefined || model.version === undefined) throw new BuiltinStepError(`'${modelUri}' is not a registered model version (models:/<name>/<version> or models:/<name>@<alias>)`);
  const variantName = text(context.inputs.variant);
  const runtime = text(context.inputs.runtime);
  const variant: VariantInput = { ...(variantName === undefined ? {} : { name: variantName }), modelUri, ...(runtime === undefined ? {} : { runtime }) };
  const timeoutMs = (parseDuration(text(context.inputs.timeout) ?? String(DEFAULT_TIMEOUT_SECONDS)) ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  const actor = context.execution.actor;
  const servesIt = (v: Variant): boolean => v.shadow === undefined && v.modelName === model.name && v.modelVersion === model.version;
  const watch = watchInterruption(context);
  let rolloutId: string | undefined;
  try {
    let current = await existing(endpoints, name);
    if (current === undefined) {
      try {
        context.log(`creating endpoint '${name}' serving ${model.name}/${model.version}`);
        current = await endpoints.create({ name, variants: [variant], tags: { 'slipway.pipeline': context.execution.pipelineName } }, actor);
      } catch (e) {
        // Created meanwhile by someone else: roll out to it instead.
        if (!(isSlipwayError(e) && e.code === ErrorCode.RESOURCE_ALREADY_EXISTS)) throw e;
        current = await endpoints.get(name);
      }
    }
    if (current.status !== 'Creating') {
      const adopted = current.rollout !== undefined && ['Warming', 'Baking'].includes(current.rollout.phase) && current.rollout.target.some(servesIt) ? current.rollout : undefined;
      if (adopted !== undefined) {
        context.log(`endpoint '${name}' is already rolling out ${model.name}/${model.version} (rollout ${adopted.id}); waiting for it`);
        rolloutId = adopted.id;
      } else {
        if (current.status === 'Updating' || current.status === 'Deleting') {
          context.log(`endpoint '${name}' is ${current.status}; waiting for it to settle first`);
          current = await endpoints.waitUntilSettled(name, { timeoutMs, signal: watch.signal });
        }
        const live = current.variants.filter((v) => v.shadow === undefined);
        if (current.status === 'InService' && live.length === 1 && servesIt(live[0]!) && live[0]!.status === 'Ready') {
          context.log(`endpoint '${name}' already serves ${model.name}/${model.version}; nothing to roll out`);
          return { outputs: outputsOf(current, live[0]!, '') };
        }
        const policy = rolloutPolicy(context);
        context.log(`rolling out ${model.name}/${model.version} to endpoint '${name}' (${policy.strategy ?? 'blue-green'}${policy.steps === undefined ? '' : `, steps ${policy.steps.join('/')} %`})`);
        const updated = await endpoints.update(name, { variants: [variant], rollout: policy }, actor);
        rolloutId = updated.rollout?.id;
      }
    }
    const settled = await endpoints.waitUntilSettled(name, { timeoutMs, signal: watch.signal });
    return { outputs: outcome(settled, rolloutId, servesIt, context) };
  } catch (e) {
    const why = watch.reason();
    if (why === 'stop') throw e; // the server is stopping: the step runs again after the restart and waits for the same rollout
    if (rolloutId !== undefined && (why === 'cancel' || (isSlipwayError(e) && e.code === ErrorCode.DEADLINE_EXCEEDED))) {
      await endpoints.rollback(name, actor, why === 'cancel' ? 'the deploy step was cancelled' : 'the deploy step timed out').then(
        () => context.log(`rolled back rollout ${rolloutId}`),
        () => undefined,
      );
    }
    if (why === 'cancel') throw new BuiltinStepError('cancelled while deploying', 'cancelled');
    if (isSlipwayError(e)) throw new BuiltinStepError(`could not deploy ${model.name}/${model.version} to endpoint '${name}': ${e.message}`);
    throw e;
  } finally {
    watch.stop();
  }
}

async function existing(endpoints: EndpointService, name: string): Promise<Endpoint | undefined> {
  try {
    return await endpoints.get(name);
  } catch (e) {
    if (isSlipwayError(e) && e.code === ErrorCode.RESOURCE_DOES_NOT_EXIST) return undefined;
    throw e;
  }
}

function rolloutPolicy(context: BuiltinContext): RolloutPolicyInput {
  const inputs = context.inputs;
  const bake = text(inputs.bake);
  const steps = inputs.steps;
  const number = (key: string): number | undefined => (typeof inputs[key] === 'number' ? inputs[key] : undefined);
  return {
    strategy: text(inputs.strategy),
    steps: Array.isArray(steps) ? steps.map(Number) : undefined,
    bakeSeconds: bake === undefined ? undefined : parseDuration(bake),
    maxErrorRate: number('max-error-rate'),
    maxP99Ms: number('max-p99-ms'),
    minRequests: number('min-requests'),
  };
}

/** The outputs of a settled endpoint, or the step's failure. */
function outcome(settled: Endpoint, rolloutId: string | undefined, servesIt: (v: Variant) => boolean, context: BuiltinContext): Record<string, string> {
  const name = settled.name;
  if (rolloutId !== undefined) {
    const rollout = settled.rollout;
    if (rollout?.id !== rolloutId) throw new BuiltinStepError(`the rollout ${rolloutId} on endpoint '${name}' was replaced by another one (${rollout?.id ?? 'none'})`);
    if (rollout.phase === 'RolledBack') throw new BuiltinStepError(`endpoint '${name}' rolled the new version back: ${rollout.reason ?? 'no reason given'}`);
    if (rollout.phase === 'Failed') throw new BuiltinStepError(`the rollout to endpoint '${name}' failed: ${rollout.reason ?? settled.statusReason ?? 'no reason given'}`);
  }
  if (settled.status === 'Failed') throw new BuiltinStepError(`endpoint '${name}' failed: ${settled.statusReason ?? 'no reason given'}`);
  const serving = settled.variants.find(servesIt);
  if (serving === undefined) throw new BuiltinStepError(`endpoint '${name}' settled ${settled.status} without serving the version`);
  context.log(`endpoint '${name}' is ${settled.status}, serving ${serving.modelName}/${serving.modelVersion} as variant '${serving.name}'`);
  return outputsOf(settled, serving, rolloutId ?? '');
}

function outputsOf(endpoint: Endpoint, variant: Variant, rolloutId: string): Record<string, string> {
  return {
    endpoint: endpoint.name,
    url: `/endpoints/${endpoint.name}/invocations`,
    'model-name': variant.modelName,
    version: variant.modelVersion,
    variant: variant.name,
    'rollout-id': rolloutId,
    status: endpoint.status,
  };
}

/**
 * `slipway/register-model`: registers a new version of a registered model (created if
 * missing) from the model a step logged (the logged model whose source run is the step's
 * run, else `runs:/<run>/<artifact-path>`), or from a directory output of a step
 * (`model-dir: ${{ steps.train.artifacts.model }}`). The version gets the given tags plus
 * `slipway.execution_id` and `slipway.pipeline`, and a lineage link from the execution.
 * @module
 */

import { LINEAGE_NODE_KINDS, lineageNodeId } from '../../core/entities/lineage.js';
import { isSlipwayError } from '../../core/errors/slipway-error.js';
import type { JsonValue } from '../../core/pipelines/pipeline-model.js';
import { stepRow } from '../engine/step-rows.js';
import { BuiltinStepError, text, type BuiltinContext, type BuiltinResult } from './builtin-context.js';

export async function runRegisterModel(context: BuiltinContext): Promise<BuiltinResult> {
  const name = text(context.inputs.name) ?? '';
  const { source, runId } = await sourceOf(context);
  context.log(`registering ${source} as a new version of '${name}'`);
  try {
    await context.registry.getRegisteredModel(name);
  } catch (e) {
    if (!isSlipwayError(e) || e.code !== 'RESOURCE_DOES_NOT_EXIST') throw e;
    await context.registry.createRegisteredModel({ name }, context.execution.actor).catch((err: unknown) => {
      if (!isSlipwayError(err) || err.code !== 'RESOURCE_ALREADY_EXISTS') throw err;
      return undefined;
    });
  }
  const tagInput = context.inputs.tags;
  const tags =
    tagInput !== null && typeof tagInput === 'object' && !Array.isArray(tagInput)
      ? Object.entries(tagInput as Readonly<Record<string, JsonValue>>).map(([key, value]) => ({ key, value: text(value) ?? '' }))
      : [];
  tags.push({ key: 'slipway.execution_id', value: context.execution.executionId }, { key: 'slipway.pipeline', value: context.execution.pipelineName });
  let version;
  try {
    version = await context.registry.createModelVersion(
      { name, source, runId, description: text(context.inputs.description), tags },
      context.execution.actor,
    );
  } catch (e) {
    if (isSlipwayError(e)) throw new BuiltinStepError(`could not register '${name}': ${e.message}`);
    throw e;
  }
  await context.registryStore.addLineageLink({
    from: lineageNodeId(LINEAGE_NODE_KINDS.PIPELINE_EXECUTION, context.execution.executionId),
    to: lineageNodeId(LINEAGE_NODE_KINDS.MODEL_VERSION, `${name}/${version.version}`),
    relation: 'produced',
  });
  context.log(`registered '${name}' version ${version.version}`);
  return { outputs: { name, version: String(version.version) } };
}

async function sourceOf(context: BuiltinContext): Promise<{ source: string; runId?: string | undefined }> {
  const dir = text(context.inputs['model-dir']);
  if (dir !== undefined) {
    const found = context.artifactByLocalPath.get(dir.replace(/\/+$/, ''));
    if (found === undefined) {
      throw new BuiltinStepError(
        `'model-dir' must be a directory output of an upstream step (\${{ steps.<id>.artifacts.<name> }}), not '${dir}'`,
      );
    }
    return { source: found.uri, runId: found.runId };
  }
  const stepId = text(context.inputs.step) ?? '';
  const row = stepRow(context.execution, stepId);
  if (row?.status !== 'succeeded' || row.runId === undefined) {
    throw new BuiltinStepError(`step '${stepId}' did not succeed with an MLflow run, so it has no model to register`);
  }
  const runId = row.runId;
  const run = await context.tracking.getRun(runId);
  const models = await context.tracking.searchLoggedModels({
    experimentIds: [run.info.experimentId],
    filter: `source_run_id = '${runId}'`,
    maxResults: 1,
    orderBy: [{ fieldName: 'creation_timestamp', ascending: false }],
  });
  const model = models.items[0];
  if (model !== undefined) return { source: `models:/${model.modelId}`, runId };
  const path = text(context.inputs['artifact-path']) ?? 'model';
  const root = run.info.artifactUri.replace(/\/+$/, '');
  const listed = await context.artifacts.list(`${root.replace(/^mlflow-artifacts:\/*/, '')}/${path}`).catch(() => []);
  if (listed.length === 0) {
    throw new BuiltinStepError(`step '${stepId}' logged no model, and its run has no artifact '${path}' to register`);
  }
  return { source: `runs:/${runId}/${path}`, runId };
}

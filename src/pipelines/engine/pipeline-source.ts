/**
 * Turns an upsert's source (YAML text, a pipeline document as JSON, or the normalised
 * model that `definePipeline` returns) into a validated definition.
 * @module
 */

import { checkPipelineDocument } from '../../core/pipelines/compile-pipeline.js';
import type { UpsertPipelineInput } from '../../core/pipelines/execution-model.js';
import { PipelineDefinitionError } from '../../core/pipelines/pipeline-issues.js';
import type { PipelineDefinition, StepDefinition } from '../../core/pipelines/pipeline-model.js';
import { parsePipelineYaml } from '../parse-pipeline-yaml.js';

export interface ParsedSource {
  readonly definition: PipelineDefinition;
  readonly sourceText?: string | undefined;
}

export function parsePipelineSource(input: UpsertPipelineInput): ParsedSource {
  const file = input.fileName ?? (input.sourceFormat === 'yaml' ? 'pipeline.yaml' : 'pipeline.json');
  if (input.sourceFormat === 'yaml') {
    if (typeof input.source !== 'string') throw sourceError(file, 'a YAML source must be text');
    return { definition: parsePipelineYaml(input.source, file), sourceText: input.source };
  }
  let document: unknown = input.source;
  if (typeof document === 'string') {
    try {
      document = JSON.parse(document);
    } catch (e) {
      throw sourceError(file, `invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (isModel(document)) document = modelToDocument(document);
  const { definition, issues } = checkPipelineDocument(document);
  if (definition === undefined) throw new PipelineDefinitionError(issues.map((issue) => ({ ...issue, file })));
  return { definition };
}

function sourceError(file: string, message: string): PipelineDefinitionError {
  return new PipelineDefinitionError([{ message, path: '', segments: [], file }]);
}

/** A normalised model (what `definePipeline` returns) rather than a document: its steps have a `kind`. */
function isModel(value: unknown): value is PipelineDefinition {
  const steps = (value as { steps?: unknown } | null)?.steps;
  return Array.isArray(steps) && steps.length > 0 && steps.every((s) => typeof (s as { kind?: unknown } | null)?.kind === 'string');
}

/**
 * The YAML-shaped document of a model, so that a model sent over the API goes through
 * exactly the same reader and checks as a YAML file (and hashes the same).
 */
export function modelToDocument(model: PipelineDefinition): Record<string, unknown> {
  return {
    name: model.name,
    ...(model.description === undefined ? {} : { description: model.description }),
    params: model.params,
    env: model.env,
    steps: model.steps.map(stepDocument),
  };
}

function stepDocument(step: StepDefinition): Record<string, unknown> {
  const doc: Record<string, unknown> = { id: step.id };
  if (step.name !== undefined) doc.name = step.name;
  doc.needs = step.needs;
  if (step.if !== undefined) doc.if = step.if;
  doc.env = step.env;
  if (step.timeoutMinutes !== undefined) doc['timeout-minutes'] = step.timeoutMinutes;
  if (step.retry !== undefined) {
    doc.retry = {
      'max-attempts': step.retry.maxAttempts,
      backoff: {
        'initial-seconds': step.retry.backoff.initialSeconds,
        factor: step.retry.backoff.factor,
        'max-seconds': step.retry.backoff.maxSeconds,
        jitter: step.retry.backoff.jitter,
      },
      'retry-on': step.retry.retryOn,
    };
  }
  doc.cache = {
    enabled: step.cache.enabled,
    ...(step.cache.expireAfterSeconds === undefined ? {} : { 'expire-after': step.cache.expireAfterSeconds }),
  };
  if (step.matrix !== undefined) {
    doc.matrix = {
      ...step.matrix.axes,
      ...(step.matrix.include.length === 0 ? {} : { include: step.matrix.include }),
      ...(step.matrix.exclude.length === 0 ? {} : { exclude: step.matrix.exclude }),
      ...(step.matrix.maxParallel === undefined ? {} : { 'max-parallel': step.matrix.maxParallel }),
    };
  }
  if (step.kind === 'run') {
    doc.run = step.run;
    if (step.workingDirectory !== undefined) doc['working-directory'] = step.workingDirectory;
    doc.outputs = step.outputs;
    doc.metrics = step.metrics;
  } else {
    doc.uses = step.uses;
    doc.with = step.with;
  }
  return doc;
}

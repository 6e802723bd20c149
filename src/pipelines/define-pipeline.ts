/**
 * Pipelines in TypeScript: `definePipeline({...})` builds the same model as a YAML file and
 * runs the same validation, with compile-time checks of step and output references on top
 * (see `define-pipeline-types.ts`).
 *
 * ```ts
 * export default definePipeline({
 *   name: 'housing',
 *   params: { n_estimators: { type: 'int', default: 150 } },
 *   steps: {
 *     prepare: { run: 'python prepare.py', outputs: { data: 'data/' } },
 *     train: {
 *       needs: ['prepare'],
 *       run: 'python train.py --data ${{ steps.prepare.artifacts.data }} --n ${{ params.n_estimators }}',
 *       metrics: { rmse: 'rmse=([0-9.]+)' },
 *     },
 *   },
 * });
 * ```
 *
 * Step fields are camelCase (`timeoutMinutes`, `workingDirectory`, `retry.maxAttempts`,
 * `cache.expireAfter`, `matrix.maxParallel`); built-in steps' `with:` inputs keep their
 * names (`'min-improvement'`), which are the same in YAML and TypeScript.
 * @module
 */

import { checkPipelineDocument } from '../core/pipelines/compile-pipeline.js';
import {
  PipelineDefinitionError,
  formatDocumentPath,
  isPipelineDefinitionError,
  type DocumentPath,
  type PipelineIssue,
} from '../core/pipelines/pipeline-issues.js';
import type { PipelineDefinition } from '../core/pipelines/pipeline-model.js';
import type { CheckPipeline, ParamInput, ParamValues, PipelineInput, StepInput } from './define-pipeline-types.js';

export type * from './define-pipeline-types.js';

/** Where a defined pipeline keeps the document it was compiled from (shared across copies). */
const DOCUMENT = Symbol.for('slipway.pipeline.document');

declare const paramTypes: unique symbol;

/** A pipeline made by {@link definePipeline}: the validated model, typed by its params. */
export type DefinedPipeline<P = unknown> = PipelineDefinition & {
  /** Type-level only: the param values an execution takes. */
  readonly [paramTypes]?: ParamValues<P>;
};

/** The param values an execution of `T` (a `definePipeline` result) takes. */
export type PipelineParams<T> = T extends DefinedPipeline<infer P> ? ParamValues<P> : never;

/** camelCase field → the YAML key. */
const YAML_KEYS: Readonly<Record<string, string>> = {
  timeoutMinutes: 'timeout-minutes',
  workingDirectory: 'working-directory',
  maxAttempts: 'max-attempts',
  retryOn: 'retry-on',
  initialSeconds: 'initial-seconds',
  maxSeconds: 'max-seconds',
  expireAfter: 'expire-after',
  maxParallel: 'max-parallel',
  catchUp: 'catch-up',
};
const TS_KEYS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(YAML_KEYS).map(([camel, kebab]) => [kebab, camel]),
);

/**
 * Defines a pipeline. Throws a {@link PipelineDefinitionError} (paths such as
 * `steps.train.needs[0]`) when the definition is invalid, so a bad pipeline file fails
 * as soon as it is loaded.
 */
export function definePipeline<
  const P extends Readonly<Record<string, ParamInput>> = Record<never, ParamInput>,
  const S extends Readonly<Record<string, StepInput>> = Record<string, StepInput>,
>(input: PipelineInput<P, S> & NoInfer<CheckPipeline<P, S>>): DefinedPipeline<P> {
  const document = pipelineDocument(input);
  const definition = compileTypeScriptDocument(document);
  Object.defineProperty(definition, DOCUMENT, { value: document, enumerable: false });
  return definition;
}

/** Whether `value` was made by `definePipeline` (of any copy of Slipway). */
export function isDefinedPipeline(value: unknown): value is DefinedPipeline {
  return value !== null && typeof value === 'object' && DOCUMENT in value;
}

/** The document a defined pipeline was compiled from. */
export function definedPipelineDocument(pipeline: DefinedPipeline): unknown {
  return (pipeline as unknown as Record<symbol, unknown>)[DOCUMENT];
}

/**
 * Compiles a document built from `definePipeline` input; issue paths are given in the
 * TypeScript form (`steps.train.timeoutMinutes`).
 */
export function compileTypeScriptDocument(document: unknown, file?: string): PipelineDefinition {
  const { definition, issues } = checkPipelineDocument(document);
  if (definition !== undefined) return definition;
  throw new PipelineDefinitionError(issues.map((issue) => toTypeScriptIssue(issue, document, file)));
}

/** Re-expresses an issue of a compiled document in terms of the TypeScript input. */
export function toTypeScriptIssue(issue: PipelineIssue, document: unknown, file?: string): PipelineIssue {
  const segments = typeScriptPath(issue.segments, document);
  const message = issue.message.replace(/'([a-z]+(?:-[a-z]+)+)'/g, (quoted, key: string) =>
    Object.hasOwn(TS_KEYS, key) ? `'${TS_KEYS[key] ?? key}'` : quoted,
  );
  return {
    ...issue,
    message,
    path: formatDocumentPath(segments),
    segments,
    ...(file === undefined ? {} : { file }),
  };
}

/** Adds `file` to every issue of a definition error thrown while a pipeline file loaded. */
export function withFile(error: unknown, file: string): unknown {
  if (!isPipelineDefinitionError(error)) return error;
  return new PipelineDefinitionError(error.issues.map((issue) => ({ ...issue, file })));
}

function typeScriptPath(segments: DocumentPath, document: unknown): DocumentPath {
  const [root, index, ...rest] = segments;
  const steps = (document as { steps?: unknown } | null)?.steps;
  const renamed = rest.map((s) => (typeof s === 'string' && Object.hasOwn(TS_KEYS, s) ? (TS_KEYS[s] ?? s) : s));
  if (root === 'steps' && typeof index === 'number' && Array.isArray(steps)) {
    const id = (steps[index] as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string') {
      // The id is the key of the step in the TypeScript input.
      return renamed[0] === 'id' ? ['steps', id] : ['steps', id, ...renamed];
    }
  }
  return segments;
}

/** The YAML-shaped document for `definePipeline` input. */
function pipelineDocument(input: PipelineInput<unknown, unknown>): Record<string, unknown> {
  const document: Record<string, unknown> = { ...(input as unknown as Record<string, unknown>) };
  const steps = input.steps;
  if (steps !== null && typeof steps === 'object' && !Array.isArray(steps)) {
    document.steps = Object.entries(steps as Record<string, unknown>).map(([id, step]) =>
      step !== null && typeof step === 'object' && !Array.isArray(step)
        ? { id, ...renameStep(step as Record<string, unknown>) }
        : step,
    );
  }
  const on = input.on;
  if (on !== null && typeof on === 'object' && Array.isArray(on.schedule)) {
    document.on = { ...on, schedule: on.schedule.map((entry: unknown) => renameKeys(entry, false)) };
  }
  return document;
}

function renameStep(step: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(step)) {
    const yamlKey = YAML_KEYS[key] ?? key;
    if (key === 'retry' || key === 'cache' || key === 'matrix') out[yamlKey] = renameKeys(value, key === 'retry');
    else out[yamlKey] = value;
  }
  return out;
}

function renameKeys(value: unknown, nested: boolean): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[YAML_KEYS[key] ?? key] = nested && key === 'backoff' ? renameKeys(item, false) : item;
  }
  return out;
}

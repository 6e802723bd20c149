/**
 * The canonical JSON form of a pipeline: the validated model with object keys sorted at
 * every level and no whitespace. Two definitions that mean the same thing (whatever their
 * key order, layout, shorthands or source language) have the same canonical form, so its
 * SHA-256 (`src/pipelines/pipeline-hash.ts`) identifies a pipeline version.
 *
 * List order is kept: the order of steps, needs, options and metrics is part of the
 * definition (it is what a user sees, and the tie-break of the execution order).
 * @module
 */

import { sortKeys } from './expressions/expression-values.js';
import type { JsonValue, PipelineDefinition } from './pipeline-model.js';

export function canonicalPipelineJson(definition: PipelineDefinition): string {
  return JSON.stringify(sortKeys(definition as unknown as JsonValue));
}

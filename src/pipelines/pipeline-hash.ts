/**
 * The content hash of a pipeline: SHA-256 (hex) of its canonical JSON. Pipelines are
 * stored as versions keyed by this hash, so re-submitting an unchanged definition (in any
 * key order, layout or language) is not a new version.
 * @module
 */

import { createHash } from 'node:crypto';
import { canonicalPipelineJson } from '../core/pipelines/canonical-pipeline-json.js';
import type { PipelineDefinition } from '../core/pipelines/pipeline-model.js';

export function hashPipeline(definition: PipelineDefinition): string {
  return createHash('sha256').update(canonicalPipelineJson(definition), 'utf8').digest('hex');
}

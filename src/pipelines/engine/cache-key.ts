/**
 * The cache key of a `run:` step: SHA-256 over the step's canonical definition, what its
 * templates resolved to (command, environment without secrets, working directory, output
 * paths; upstream artifacts appear as placeholders, not as this attempt's local paths), its
 * matrix values, the digests of the upstream artifacts it reads, and the digest of its code:
 * the files its `code:` patterns match (`declared-code.ts`), or else the whole code
 * snapshot. Anything that can change what the step computes changes the key.
 * @module
 */

import { createHash } from 'node:crypto';
import { sortKeys } from '../../core/pipelines/expressions/expression-values.js';
import type { JsonValue, StepDefinition } from '../../core/pipelines/pipeline-model.js';

export interface CacheKeyInput {
  readonly step: StepDefinition;
  readonly resolved: Readonly<Record<string, JsonValue>>;
  readonly matrix?: Readonly<Record<string, JsonValue>> | undefined;
  /** `<step>[#<instance index>]/<artifact>` → digest. */
  readonly inputDigests: Readonly<Record<string, string>>;
  /** The declared code's digest when the step has `code:`, else the whole snapshot's. */
  readonly codeDigest: string;
}

export function cacheKey(input: CacheKeyInput): string {
  const material = {
    v: 1,
    step: input.step as unknown as JsonValue,
    resolved: input.resolved,
    matrix: input.matrix ?? null,
    inputs: input.inputDigests,
    code: input.codeDigest,
  };
  return createHash('sha256').update(JSON.stringify(sortKeys(material))).digest('hex');
}

/** The per-step canonical JSON, to tell whether a step changed between two versions. */
export function canonicalStep(step: StepDefinition): string {
  return JSON.stringify(sortKeys(step as unknown as JsonValue));
}

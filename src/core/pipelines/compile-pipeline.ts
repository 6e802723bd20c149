/**
 * The one entry point from a pipeline document (parsed YAML, or what `definePipeline`
 * builds) to a validated {@link PipelineDefinition}: shape, graph, expressions and
 * built-in inputs, all problems reported together.
 * @module
 */

import { IssueList, PipelineDefinitionError, type PipelineIssue } from './pipeline-issues.js';
import type { PipelineDefinition } from './pipeline-model.js';
import { readPipelineDocument } from './read-pipeline-document.js';
import { validatePipeline } from './validate-pipeline.js';

export interface PipelineCheck {
  /** Present when there is no issue. */
  readonly definition?: PipelineDefinition;
  readonly issues: readonly PipelineIssue[];
}

/** Reads and validates a pipeline document, returning the issues instead of throwing. */
export function checkPipelineDocument(document: unknown): PipelineCheck {
  const issues = new IssueList();
  const { definition, sources } = readPipelineDocument(document, issues);
  // Cross-references are checked even after shape problems, so one pass reports both.
  validatePipeline(definition, issues, sources);
  return issues.empty ? { definition, issues: [] } : { issues: issues.issues };
}

/**
 * Reads and validates a pipeline document. Throws a {@link PipelineDefinitionError}
 * listing every issue (with document paths; a file loader adds lines and columns).
 */
export function compilePipeline(document: unknown): PipelineDefinition {
  const { definition, issues } = checkPipelineDocument(document);
  if (definition === undefined) throw new PipelineDefinitionError(issues);
  return definition;
}

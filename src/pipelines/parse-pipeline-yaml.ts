/**
 * YAML pipeline definitions: parsed with the `yaml` package (YAML 1.2, so `on`, `yes` and
 * `no` stay strings), validated by the core, every issue placed at `file:line:column`.
 * @module
 */

import { LineCounter, parseDocument } from 'yaml';
import { checkPipelineDocument } from '../core/pipelines/compile-pipeline.js';
import { PipelineDefinitionError, sortIssues, type PipelineIssue } from '../core/pipelines/pipeline-issues.js';
import type { PipelineDefinition } from '../core/pipelines/pipeline-model.js';
import { locateIssue } from './yaml-locations.js';

/** Aliases may be expanded at most this many times (a "billion laughs" guard). */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses and validates a YAML pipeline definition. Throws a
 * {@link PipelineDefinitionError} whose issues carry `file`, `line` and `column`.
 */
export function parsePipelineYaml(source: string, file: string): PipelineDefinition {
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const issues: PipelineIssue[] = document.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return {
        message: `invalid YAML: ${error.message.split('\n')[0] ?? error.message}`,
        path: '',
        segments: [],
        file,
        line,
        column: col,
      };
    });
    throw new PipelineDefinitionError(sortIssues(issues));
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    throw new PipelineDefinitionError([
      { message: `invalid YAML: ${e instanceof Error ? e.message : String(e)}`, path: '', segments: [], file },
    ]);
  }
  const check = checkPipelineDocument(data);
  if (check.definition !== undefined) return check.definition;
  throw new PipelineDefinitionError(
    sortIssues(check.issues.map((issue) => locateIssue(issue, document, source, lineCounter, file))),
  );
}

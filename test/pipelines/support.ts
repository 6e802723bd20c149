import { isPipelineDefinitionError } from '../../src/core/pipelines/pipeline-issues.js';
import { parsePipelineYaml } from '../../src/pipelines/parse-pipeline-yaml.js';

/** Strips the indentation common to every non-blank line, and the first newline. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** The message lines of the error `run` throws (a PipelineDefinitionError). */
export function errorLines(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    if (isPipelineDefinitionError(e)) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected a PipelineDefinitionError');
}

/** The issues of a YAML definition, as `file:line:column: message` lines. */
export function yamlErrors(source: string, file = 'pipeline.yaml'): string[] {
  return errorLines(() => parsePipelineYaml(dedent(source), file));
}

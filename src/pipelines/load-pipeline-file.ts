/**
 * Loads a pipeline file: `.yaml`/`.yml` (parsed and validated, issues at
 * `file:line:column`), or `.ts`/`.mts`/`.cts`/`.js`/`.mjs`/`.cjs` whose default export is
 * a `definePipeline(...)` result (imported; TypeScript through `tsx`'s `tsImport`, so no
 * build step is needed). Either way the result is the validated model and its content
 * hash.
 * @module
 */

import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PipelineDefinitionError, isPipelineDefinitionError } from '../core/pipelines/pipeline-issues.js';
import type { PipelineDefinition } from '../core/pipelines/pipeline-model.js';
import { compileTypeScriptDocument, definedPipelineDocument, isDefinedPipeline, withFile } from './define-pipeline.js';
import { parsePipelineYaml } from './parse-pipeline-yaml.js';
import { hashPipeline } from './pipeline-hash.js';

export interface LoadedPipeline {
  /** The file as given. */
  readonly file: string;
  readonly definition: PipelineDefinition;
  /** SHA-256 (hex) of the canonical JSON of the definition. */
  readonly hash: string;
}

export const YAML_EXTENSIONS = ['.yaml', '.yml'];
export const TYPESCRIPT_EXTENSIONS = ['.ts', '.mts', '.cts'];
export const JAVASCRIPT_EXTENSIONS = ['.js', '.mjs', '.cjs'];

/**
 * Loads and validates a pipeline file. Throws a {@link PipelineDefinitionError} for a file
 * that cannot be read, parsed or validated, each issue naming the file (and, for YAML and
 * TypeScript syntax errors, the line and column).
 */
export async function loadPipelineFile(file: string): Promise<LoadedPipeline> {
  const extension = extname(file).toLowerCase();
  let definition: PipelineDefinition;
  if (YAML_EXTENSIONS.includes(extension)) {
    definition = parsePipelineYaml(await readText(file), file);
  } else if (TYPESCRIPT_EXTENSIONS.includes(extension) || JAVASCRIPT_EXTENSIONS.includes(extension)) {
    definition = await importPipeline(file, TYPESCRIPT_EXTENSIONS.includes(extension));
  } else {
    throw fileError(
      file,
      `unsupported pipeline file type '${extension || '(none)'}' (expected ${[...YAML_EXTENSIONS, ...TYPESCRIPT_EXTENSIONS, ...JAVASCRIPT_EXTENSIONS].join(', ')})`,
    );
  }
  return { file, definition, hash: hashPipeline(definition) };
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw fileError(file, `cannot read the file: ${describeError(e)}`);
  }
}

async function importPipeline(file: string, typescript: boolean): Promise<PipelineDefinition> {
  const url = pathToFileURL(resolve(file)).href;
  await readText(file); // a clear error for a missing file, before the module loader's
  let module: unknown;
  try {
    if (typescript) {
      const { tsImport } = await import('tsx/esm/api');
      module = await tsImport(url, { parentURL: import.meta.url });
    } else {
      module = await import(url);
    }
  } catch (e) {
    if (isPipelineDefinitionError(e)) throw withFile(e, file);
    throw importError(file, e);
  }
  let exported = (module as { default?: unknown } | null)?.default;
  // A .ts file outside an ES module package (no "type": "module") is compiled as CommonJS,
  // so its `export default` arrives one level down.
  const nested = (exported as { default?: unknown } | null | undefined)?.default;
  if (!isDefinedPipeline(exported) && isDefinedPipeline(nested)) exported = nested;
  if (!isDefinedPipeline(exported)) {
    throw fileError(
      file,
      exported === undefined
        ? 'the file has no default export (write `export default definePipeline({...})`)'
        : 'the default export is not a pipeline (write `export default definePipeline({...})`)',
    );
  }
  // Validated again by this copy of Slipway, which may be newer than the file's.
  try {
    return compileTypeScriptDocument(definedPipelineDocument(exported), file);
  } catch (e) {
    throw withFile(e, file);
  }
}

/** An esbuild syntax error names `file:line:column`; keep that position. */
function importError(file: string, e: unknown): PipelineDefinitionError {
  const message = describeError(e);
  const located = /:(\d+):(\d+): ERROR: (.+)/.exec(message);
  if (located !== null) {
    const [, line = '0', column = '0', text = message] = located;
    return new PipelineDefinitionError([
      { message: text, path: '', segments: [], file, line: Number(line), column: Number(column) + 1 },
    ]);
  }
  return fileError(file, `cannot load the pipeline: ${message}`);
}

function fileError(file: string, message: string): PipelineDefinitionError {
  return new PipelineDefinitionError([{ message, path: '', segments: [], file }]);
}

function describeError(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' && code.startsWith('E') && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}

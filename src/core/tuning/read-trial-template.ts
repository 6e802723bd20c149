/**
 * Reads the part of a tune step's `with:` that each trial runs: `run`, `env`,
 * `working-directory`, `outputs` and `metrics`, with the same shapes and rules as a `run:`
 * step's keys (see `read-pipeline-document.ts`; its reader is private to that file, and
 * importing it here would make a cycle once `builtin-steps.ts` imports this module).
 * @module
 */

import { didYouMean, quoteList, type DocumentPath } from '../pipelines/pipeline-issues.js';
import type { MetricDefinition, StepOutput } from '../pipelines/pipeline-model.js';
import { isMap, typeName, type InputReader } from './input-reader.js';
import type { TrialTemplate } from './tune-spec.js';

/** The inputs of a tune step that are evaluated per trial, where `${{ trial.… }}` is available. */
export const TRIAL_TEMPLATE_INPUTS: readonly string[] = ['run', 'env', 'working-directory', 'outputs'];

const OUTPUT_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const METRIC_NAME = /^[A-Za-z0-9_.\-/ ]{1,250}$/;
/** `${{ trial.params.<name> }}` and `trial.params['<name>']` references, to check the names. */
const PARAM_REFERENCE = /\btrial\.params(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*'([^']*)'\s*\])/g;

export function readTrialTemplate(
  inputs: Readonly<Record<string, unknown>>,
  path: DocumentPath,
  reader: InputReader,
  parameterNames: readonly string[] | undefined,
): TrialTemplate | undefined {
  const okBefore = reader.ok;
  reader.ok = true;
  let run: string | undefined;
  if (inputs.run === undefined) reader.report(path, "slipway/tune needs input 'run' (the command each trial runs)");
  else run = reader.string(inputs.run, [...path, 'run'], "'run'");
  const env: Record<string, string> = {};
  if (inputs.env !== undefined && inputs.env !== null) {
    const map = reader.map(inputs.env, [...path, 'env'], "'env'");
    for (const [name, value] of Object.entries(map ?? {})) {
      if (!ENV_NAME.test(name)) reader.report([...path, 'env', name], `invalid environment variable name '${name}'`, { target: 'key' });
      else if (typeof value === 'string') env[name] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') env[name] = String(value);
      else reader.report([...path, 'env', name], `env '${name}' must be a string, a number or a boolean, not ${typeName(value)}`);
    }
  }
  let workingDirectory: string | undefined;
  if (inputs['working-directory'] !== undefined) {
    workingDirectory = relativePath(inputs['working-directory'], [...path, 'working-directory'], "'working-directory'", reader);
  }
  const outputs = inputs.outputs === undefined || inputs.outputs === null ? {} : readOutputs(inputs.outputs, [...path, 'outputs'], reader);
  const metrics = inputs.metrics === undefined || inputs.metrics === null ? [] : readMetrics(inputs.metrics, [...path, 'metrics'], reader);
  if (parameterNames !== undefined) {
    const texts: [string, DocumentPath][] = [
      ...(run === undefined ? [] : [[run, [...path, 'run']] as [string, DocumentPath]]),
      ...Object.entries(env).map(([name, text]): [string, DocumentPath] => [text, [...path, 'env', name]]),
    ];
    for (const [text, at] of texts) {
      for (const match of text.matchAll(PARAM_REFERENCE)) {
        const name = match[1] ?? match[2] ?? '';
        if (!parameterNames.includes(name)) {
          reader.report(at, `'trial.params.${name}' names no parameter${didYouMean(name, parameterNames) || ` (the parameters are ${quoteList(parameterNames)})`}`);
        }
      }
    }
  }
  const ok = reader.ok;
  reader.ok = okBefore && ok;
  if (!ok || run === undefined) return undefined;
  return { run, env, ...(workingDirectory === undefined ? {} : { workingDirectory }), outputs, metrics };
}

function relativePath(value: unknown, path: DocumentPath, what: string, reader: InputReader): string | undefined {
  const text = reader.string(value, path, what);
  if (text === undefined) return undefined;
  if (/^(?:[/\\]|[A-Za-z]:[/\\])/.test(text) || text.split(/[/\\]/).includes('..')) {
    reader.report(path, `${what} must be a relative path inside the step's workspace, not '${text}'`);
    return undefined;
  }
  return text;
}

function readOutputs(value: unknown, path: DocumentPath, reader: InputReader): Record<string, StepOutput> {
  const outputs: Record<string, StepOutput> = {};
  const map = reader.map(value, path, "'outputs' (a map of names to paths)");
  for (const [name, raw] of Object.entries(map ?? {})) {
    const at = [...path, name];
    if (!OUTPUT_NAME.test(name)) {
      reader.report(at, `invalid output name '${name}' (letters, digits, '_' and '-', starting with a letter or '_')`, { target: 'key' });
      continue;
    }
    if (typeof raw === 'string') {
      const file = relativePath(raw, at, `the path of output '${name}'`, reader);
      if (file !== undefined) outputs[name] = { type: file.endsWith('/') ? 'dir' : 'file', path: file };
      continue;
    }
    const spec = reader.map(raw, at, `output '${name}' (a path or a map)`);
    if (spec === undefined) continue;
    reader.checkKeys(spec, ['path', 'type', 'description'], at, `output '${name}'`);
    const type = spec.type === undefined ? undefined : reader.oneOf(spec.type, ['file', 'dir', 'value'] as const, [...at, 'type'], `the type of output '${name}'`);
    if (spec.type !== undefined && type === undefined) continue;
    const description = typeof spec.description === 'string' ? { description: spec.description } : {};
    if (spec.description !== undefined && typeof spec.description !== 'string') {
      reader.report([...at, 'description'], `description must be a string, not ${typeName(spec.description)}`);
    }
    if (type === 'value' || (type === undefined && spec.path === undefined)) {
      if (spec.path !== undefined) reader.report([...at, 'path'], `a 'value' output has no path (the step writes '${name}=…' to $SLIPWAY_OUTPUT)`);
      else outputs[name] = { type: 'value', ...description };
      continue;
    }
    if (spec.path === undefined) {
      reader.report(at, `${type === 'dir' ? 'a directory' : 'a file'} output needs a 'path'`);
      continue;
    }
    const file = relativePath(spec.path, [...at, 'path'], `the path of output '${name}'`, reader);
    if (file !== undefined) outputs[name] = { type: type ?? (file.endsWith('/') ? 'dir' : 'file'), path: file, ...description };
  }
  return outputs;
}

function readMetrics(value: unknown, path: DocumentPath, reader: InputReader): MetricDefinition[] {
  const entries: { name: unknown; regex: unknown; namePath: DocumentPath; regexPath: DocumentPath }[] = [];
  if (Array.isArray(value)) {
    (value as unknown[]).forEach((item, i) => {
      const map = reader.map(item, [...path, i], "a metric (a map with 'name' and 'regex')");
      if (map === undefined) return;
      reader.checkKeys(map, ['name', 'regex'], [...path, i], 'a metric');
      for (const key of ['name', 'regex']) if (map[key] === undefined) reader.report([...path, i], `a metric needs '${key}'`);
      if (map.name !== undefined && map.regex !== undefined) {
        entries.push({ name: map.name, regex: map.regex, namePath: [...path, i, 'name'], regexPath: [...path, i, 'regex'] });
      }
    });
  } else if (isMap(value)) {
    for (const [name, regex] of Object.entries(value)) entries.push({ name, regex, namePath: [...path, name], regexPath: [...path, name] });
  } else {
    reader.report(path, `'metrics' must be a list of {name, regex} or a map of names to regexes, not ${typeName(value)}`);
    return [];
  }
  const metrics: MetricDefinition[] = [];
  for (const entry of entries) {
    const name = reader.string(entry.name, entry.namePath, 'a metric name');
    const regex = reader.string(entry.regex, entry.regexPath, `the regex of metric '${String(entry.name)}'`);
    if (name === undefined || regex === undefined) continue;
    if (!METRIC_NAME.test(name)) {
      reader.report(entry.namePath, `invalid metric name '${name}'`);
    } else if (metrics.some((m) => m.name === name)) {
      reader.report(entry.namePath, `metric '${name}' is defined twice`);
    } else {
      const problem = regexProblem(regex);
      if (problem === undefined) metrics.push({ name, regex });
      else reader.report(entry.regexPath, `the regex of metric '${name}' ${problem}`);
    }
  }
  return metrics;
}

/** As `metricRegexProblem` of the pipeline reader: it compiles and has exactly one group. */
function regexProblem(regex: string): string | undefined {
  let compiled: RegExp;
  try {
    compiled = new RegExp(regex);
  } catch (e) {
    return `does not compile: ${e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e)}`;
  }
  const groups = (new RegExp(`${compiled.source}|`).exec('')?.length ?? 1) - 1;
  return groups === 1 ? undefined : `must have exactly one capture group (the value), not ${groups}`;
}

/**
 * Reads a pipeline *document* (the plain data a YAML file parses to, or that
 * `definePipeline` builds) into the model, checking the shape of every field: known keys,
 * types, names, ranges, regexes, durations. Cross-references (needs, expressions, built-in
 * inputs) are checked afterwards by `validate-pipeline.ts`.
 *
 * The reader keeps going after a problem, so one pass reports everything it can; a field
 * that is wrong is left out of the model.
 * @module
 */

import { BUILTIN_STEPS } from './builtin-steps.js';
import { expandMatrix } from './expand-matrix.js';
import { hasPlaceholder, parseTemplate } from './expressions/template.js';
import { didYouMean, quoteList, type DocumentPath, type IssueList } from './pipeline-issues.js';
import {
  FAILURE_CLASSES,
  PARAM_TYPES,
  type BackoffPolicy,
  type CachePolicy,
  type FailureClass,
  type JsonValue,
  type MatrixSpec,
  type MetricDefinition,
  type ParamSpec,
  type ParamType,
  type ParamValue,
  type PipelineDefinition,
  type RetryPolicy,
  type StepDefinition,
  type StepOutput,
  type StepResources,
} from './pipeline-model.js';
import { parseDuration } from './parse-duration.js';
import { parseMemory } from './resource-quantities.js';
import { readPipelineTriggers } from './read-pipeline-triggers.js';

/** Where parts of a step came from, when that is not just `steps[i].<key>`. */
export interface StepSource {
  readonly path: DocumentPath;
  /** One path per `needs` entry (`steps[i].needs` for the `needs: prep` shorthand). */
  readonly needs: readonly DocumentPath[];
  /** The path of each output's `path` string. */
  readonly outputPaths: ReadonlyMap<string, DocumentPath>;
}

export interface ReadPipelineResult {
  readonly definition: PipelineDefinition;
  /** Parallel to `definition.steps`. */
  readonly sources: readonly StepSource[];
}

export const PIPELINE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const METRIC_NAME = /^[A-Za-z0-9_.\-/ ]{1,250}$/;

/** The most combinations a matrix may have (GitHub Actions' limit). */
export const MAX_MATRIX_COMBINATIONS = 256;
export const MAX_RETRY_ATTEMPTS = 100;

export const DEFAULT_BACKOFF: BackoffPolicy = { initialSeconds: 10, factor: 2, maxSeconds: 600, jitter: 0.2 };
const MATRIX_RESERVED = new Set(['include', 'exclude', 'max-parallel']);

const PIPELINE_KEYS = ['name', 'description', 'params', 'env', 'steps', 'on'];
const PARAM_KEYS = ['type', 'default', 'description', 'options'];
const STEP_KEYS = [
  'id',
  'name',
  'run',
  'uses',
  'with',
  'needs',
  'if',
  'env',
  'working-directory',
  'timeout-minutes',
  'retry',
  'cache',
  'outputs',
  'metrics',
  'matrix',
  'resources',
  'code',
];
const RETRY_KEYS = ['max-attempts', 'backoff', 'retry-on'];
const BACKOFF_KEYS = ['initial-seconds', 'factor', 'max-seconds', 'jitter'];
const CACHE_KEYS = ['enabled', 'expire-after'];
const OUTPUT_KEYS = ['path', 'type', 'description'];
const METRIC_KEYS = ['name', 'regex'];
const RESOURCE_KEYS = ['cpu', 'memory', 'gpu'];

/** Keys people bring from other tools, and what Slipway calls them. */
const KEY_HINTS: Readonly<Record<string, string>> = {
  jobs: "pipelines have 'steps' (a list), not 'jobs'",
  inputs: "pipeline parameters are declared under 'params'",
  parameters: "pipeline parameters are declared under 'params'",
  'depends-on': "use 'needs'",
  depends_on: "use 'needs'",
  dependsOn: "use 'needs'",
  when: "use 'if'",
  timeout: "use 'timeout-minutes'",
  retries: "use 'retry'",
  'runs-on': 'where steps run is chosen by the executor, not the definition',
  strategy: "put the matrix directly under 'matrix' (with 'max-parallel' inside it)",
  'continue-on-error': "not supported; use 'if: always()' on the steps that follow",
  required: 'a param without a default is required',
  choices: "use 'options'",
  requests: "give the hints directly: 'resources: {cpu: 2, memory: 4Gi}'",
  limits: "give the hints directly: 'resources: {cpu: 2, memory: 4Gi}'",
  gpus: "use 'gpu'",
  mem: "use 'memory'",
};

const isMap = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return 'a string';
}

/** Reads a pipeline document into the model, reporting every problem to `issues`. */
export function readPipelineDocument(document: unknown, issues: IssueList): ReadPipelineResult {
  const reader = new DocumentReader(issues);
  return reader.read(document);
}

class DocumentReader {
  constructor(private readonly issues: IssueList) {}

  private report(path: DocumentPath, message: string, options?: { target?: 'key' | 'value'; offset?: number }): void {
    this.issues.add(path, message, options);
  }

  private expectMap(value: unknown, path: DocumentPath, what: string): Record<string, unknown> | undefined {
    if (isMap(value)) return value;
    this.report(path, `${what} must be a map, not ${typeName(value)}`);
    return undefined;
  }

  private checkKeys(map: Record<string, unknown>, allowed: readonly string[], path: DocumentPath, what: string): void {
    for (const key of Object.keys(map)) {
      if (allowed.includes(key)) continue;
      const hint = Object.hasOwn(KEY_HINTS, key) ? ` (${KEY_HINTS[key]})` : didYouMean(key, allowed);
      this.report([...path, key], `unknown key '${key}' in ${what}${hint || ` (expected ${quoteList(allowed, 'or')})`}`, {
        target: 'key',
      });
    }
  }

  private string(value: unknown, path: DocumentPath, what: string, options?: { nonEmpty?: boolean }): string | undefined {
    if (typeof value !== 'string') {
      this.report(path, `${what} must be a string, not ${typeName(value)}`);
      return undefined;
    }
    if (options?.nonEmpty === true && value.trim() === '') {
      this.report(path, `${what} must not be empty`);
      return undefined;
    }
    return value;
  }

  /** A string, or a number/boolean turned into one (env values, as GitHub Actions does). */
  private scalarText(value: unknown, path: DocumentPath, what: string): string | undefined {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    this.report(path, `${what} must be a string, a number or a boolean, not ${typeName(value)}`);
    return undefined;
  }

  private positiveNumber(
    value: unknown,
    path: DocumentPath,
    what: string,
    options?: { integer?: boolean; min?: number; max?: number },
  ): number | undefined {
    const min = options?.min ?? 0;
    const integer = options?.integer === true;
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      this.report(path, `${what} must be ${integer ? 'an integer' : 'a number'}, not ${typeName(value)}`);
      return undefined;
    }
    if (value < min || (min === 0 && value === 0) || (options?.max !== undefined && value > options.max)) {
      const range =
        options?.max !== undefined ? `between ${min} and ${options.max}` : min === 0 ? 'greater than 0' : `at least ${min}`;
      this.report(path, `${what} must be ${range}, not ${value}`);
      return undefined;
    }
    return value;
  }

  read(document: unknown): ReadPipelineResult {
    const empty: ReadPipelineResult = { definition: { name: '', params: {}, env: {}, steps: [] }, sources: [] };
    if (document === null || document === undefined) {
      this.report([], 'the pipeline definition is empty');
      return empty;
    }
    const root = this.expectMap(document, [], 'a pipeline definition');
    if (root === undefined) return empty;
    this.checkKeys(root, PIPELINE_KEYS, [], 'the pipeline');

    let name = '';
    if (root.name === undefined) {
      this.report([], "the pipeline needs a 'name'");
    } else {
      const value = this.string(root.name, ['name'], "the pipeline's name");
      if (value !== undefined) {
        if (PIPELINE_NAME.test(value)) name = value;
        else {
          this.report(
            ['name'],
            `invalid pipeline name '${value}' (letters, digits, '_', '.', '-', starting with a letter or digit, at most 100)`,
          );
        }
      }
    }
    const description = root.description === undefined ? undefined : this.string(root.description, ['description'], 'description');
    const params = root.params === undefined || root.params === null ? {} : this.readParams(root.params);
    const env = root.env === undefined || root.env === null ? {} : this.readEnv(root.env, ['env']);

    const steps: StepDefinition[] = [];
    const sources: StepSource[] = [];
    if (root.steps === undefined || root.steps === null) {
      this.report([], "the pipeline needs 'steps'");
    } else if (!Array.isArray(root.steps)) {
      this.report(
        ['steps'],
        `'steps' must be a list of steps (each with an 'id'), not ${typeName(root.steps)}`,
      );
    } else if (root.steps.length === 0) {
      this.report(['steps'], "'steps' must not be empty");
    } else {
      (root.steps as unknown[]).forEach((raw, index) => {
        const read = this.readStep(raw, ['steps', index]);
        if (read !== undefined) {
          steps.push(read.step);
          sources.push(read.source);
        }
      });
    }

    const on = readPipelineTriggers(root.on, this.issues, params);
    return {
      definition: { name, ...(description === undefined ? {} : { description }), params, env, steps, ...(on === undefined ? {} : { on }) },
      sources,
    };
  }

  private readParams(value: unknown): Record<string, ParamSpec> {
    const map = this.expectMap(value, ['params'], "'params'");
    const params: Record<string, ParamSpec> = {};
    if (map === undefined) return params;
    for (const [name, raw] of Object.entries(map)) {
      const path = ['params', name];
      if (!IDENTIFIER.test(name)) {
        this.report(path, `invalid param name '${name}' (letters, digits, '_' and '-', starting with a letter or '_')`, {
          target: 'key',
        });
        continue;
      }
      const spec = this.readParam(name, raw, path);
      if (spec !== undefined) params[name] = spec;
    }
    return params;
  }

  private readParam(name: string, raw: unknown, path: DocumentPath): ParamSpec | undefined {
    const map = this.expectMap(raw, path, `param '${name}'`);
    if (map === undefined) return undefined;
    this.checkKeys(map, PARAM_KEYS, path, `param '${name}'`);
    if (map.type === undefined) {
      this.report(path, `param '${name}' needs a 'type' (${quoteList(PARAM_TYPES, 'or')})`);
      return undefined;
    }
    const typeText = this.string(map.type, [...path, 'type'], `the type of param '${name}'`);
    if (typeText === undefined) return undefined;
    if (!(PARAM_TYPES as readonly string[]).includes(typeText)) {
      const aliases: Record<string, string> = { integer: 'int', number: 'float', boolean: 'bool', str: 'string', double: 'float' };
      const hint = aliases[typeText] === undefined ? didYouMean(typeText, PARAM_TYPES) : ` (did you mean '${aliases[typeText]}'?)`;
      this.report([...path, 'type'], `unknown param type '${typeText}'${hint || ` (expected ${quoteList(PARAM_TYPES, 'or')})`}`);
      return undefined;
    }
    const type = typeText as ParamType;
    const description =
      map.description === undefined ? undefined : this.string(map.description, [...path, 'description'], 'description');

    let options: string[] | undefined;
    if (type === 'choice') {
      if (map.options === undefined) {
        this.report(path, `choice param '${name}' needs 'options'`);
        return undefined;
      }
      options = this.readOptions(map.options, [...path, 'options'], name);
      if (options === undefined) return undefined;
    } else if (map.options !== undefined) {
      this.report([...path, 'options'], `'options' only goes with type 'choice' (param '${name}' is ${type})`);
    }

    let defaultValue: ParamValue | undefined;
    if (map.default !== undefined && map.default !== null) {
      const problem = paramValueProblem(type, map.default, options);
      if (problem === undefined) defaultValue = map.default as ParamValue;
      else this.report([...path, 'default'], `the default of param '${name}' ${problem}`);
    }
    return {
      type,
      ...(defaultValue === undefined ? {} : { default: defaultValue }),
      ...(description === undefined ? {} : { description }),
      ...(options === undefined ? {} : { options }),
    };
  }

  private readOptions(value: unknown, path: DocumentPath, param: string): string[] | undefined {
    if (!Array.isArray(value) || value.length === 0) {
      this.report(path, `the options of param '${param}' must be a non-empty list`);
      return undefined;
    }
    const options: string[] = [];
    let ok = true;
    (value as unknown[]).forEach((item, i) => {
      if (typeof item !== 'string') {
        this.report([...path, i], `options are strings; ${typeName(item)} must be quoted`);
        ok = false;
      } else if (options.includes(item)) {
        this.report([...path, i], `option '${item}' is listed twice`);
        ok = false;
      } else {
        options.push(item);
      }
    });
    return ok ? options : undefined;
  }

  private readEnv(value: unknown, path: DocumentPath): Record<string, string> {
    const map = this.expectMap(value, path, "'env'");
    const env: Record<string, string> = {};
    if (map === undefined) return env;
    for (const [name, raw] of Object.entries(map)) {
      if (!ENV_NAME.test(name)) {
        this.report([...path, name], `invalid environment variable name '${name}'`, { target: 'key' });
        continue;
      }
      const text = this.scalarText(raw, [...path, name], `env '${name}'`);
      if (text !== undefined) env[name] = text;
    }
    return env;
  }

  private readStep(raw: unknown, path: DocumentPath): { step: StepDefinition; source: StepSource } | undefined {
    const map = this.expectMap(raw, path, 'a step');
    if (map === undefined) return undefined;

    let id: string | undefined;
    if (map.id === undefined) {
      this.report(path, "a step needs an 'id'");
    } else {
      id = this.string(map.id, [...path, 'id'], "a step's id");
      if (id !== undefined && !IDENTIFIER.test(id)) {
        this.report([...path, 'id'], `invalid step id '${id}' (letters, digits, '_' and '-', starting with a letter or '_')`);
      }
    }
    const label = id === undefined ? 'this step' : `step '${id}'`;
    this.checkKeys(map, STEP_KEYS, path, label);

    const hasRun = map.run !== undefined;
    const hasUses = map.uses !== undefined;
    if (hasRun && hasUses) {
      this.report([...path, 'uses'], `${label} has both 'run' and 'uses'; give one`);
    } else if (!hasRun && !hasUses) {
      this.report(path, `${label} needs 'run' (a shell command) or 'uses' (a built-in step)`);
    }

    const name = map.name === undefined ? undefined : this.string(map.name, [...path, 'name'], `the name of ${label}`);
    const needsRead = this.readNeeds(map.needs, [...path, 'needs'], label);
    const condition = this.readCondition(map.if, [...path, 'if'], label);
    const env = map.env === undefined || map.env === null ? {} : this.readEnv(map.env, [...path, 'env']);
    const timeoutMinutes =
      map['timeout-minutes'] === undefined
        ? undefined
        : this.positiveNumber(map['timeout-minutes'], [...path, 'timeout-minutes'], `'timeout-minutes' of ${label}`);
    const retry = map.retry === undefined ? undefined : this.readRetry(map.retry, [...path, 'retry'], label);
    const cache = map.cache === undefined ? { enabled: false } : this.readCache(map.cache, [...path, 'cache'], label);
    const matrix = map.matrix === undefined ? undefined : this.readMatrix(map.matrix, [...path, 'matrix'], label);

    const common = {
      id: id ?? '',
      ...(name === undefined ? {} : { name }),
      needs: needsRead.needs,
      ...(condition === undefined ? {} : { if: condition }),
      env,
      ...(timeoutMinutes === undefined ? {} : { timeoutMinutes }),
      ...(retry === undefined ? {} : { retry }),
      cache,
      ...(matrix === undefined ? {} : { matrix }),
    };
    const outputPaths = new Map<string, DocumentPath>();
    let step: StepDefinition | undefined;

    if (hasUses && !hasRun) {
      for (const key of ['outputs', 'metrics', 'working-directory', 'resources', 'code'] as const) {
        if (map[key] !== undefined) {
          const why =
            key === 'outputs'
              ? ' (built-in steps declare their own outputs)'
              : key === 'resources' || key === 'code'
                ? ' (built-in steps run inside the server)'
                : '';
          this.report([...path, key], `'${key}' only goes with 'run' steps${why}`, { target: 'key' });
        }
      }
      const uses = this.string(map.uses, [...path, 'uses'], `'uses' of ${label}`);
      if (uses !== undefined && !BUILTIN_STEPS.has(uses)) {
        this.report(
          [...path, 'uses'],
          `unknown built-in step '${uses}'${didYouMean(uses, BUILTIN_STEPS.keys())}; the built-in steps are ${quoteList([...BUILTIN_STEPS.keys()])}`,
        );
      }
      let inputs: Record<string, JsonValue> = {};
      if (map.with !== undefined && map.with !== null) {
        const withMap = this.expectMap(map.with, [...path, 'with'], `'with' of ${label}`);
        if (withMap !== undefined) inputs = this.readJsonMap(withMap, [...path, 'with']);
      }
      if (uses !== undefined) step = { kind: 'uses', ...common, uses, with: inputs };
    } else if (hasRun) {
      if (map.with !== undefined) {
        this.report([...path, 'with'], `'with' only goes with 'uses' steps (pass values to a 'run' step with 'env')`, {
          target: 'key',
        });
      }
      const run = this.string(map.run, [...path, 'run'], `'run' of ${label}`, { nonEmpty: true });
      const workingDirectory =
        map['working-directory'] === undefined
          ? undefined
          : this.relativePath(map['working-directory'], [...path, 'working-directory'], "'working-directory'");
      const outputs =
        map.outputs === undefined || map.outputs === null ? {} : this.readOutputs(map.outputs, [...path, 'outputs'], outputPaths);
      const metrics = map.metrics === undefined || map.metrics === null ? [] : this.readMetrics(map.metrics, [...path, 'metrics']);
      const resources =
        map.resources === undefined || map.resources === null ? undefined : this.readResources(map.resources, [...path, 'resources'], label);
      const code = map.code === undefined || map.code === null ? undefined : this.readCode(map.code, [...path, 'code'], label);
      if (run !== undefined) {
        step = {
          kind: 'run',
          ...common,
          run,
          ...(workingDirectory === undefined ? {} : { workingDirectory }),
          outputs,
          metrics,
          // Only when given, so the canonical JSON (and hash) of a step without them is unchanged.
          ...(resources === undefined ? {} : { resources }),
          ...(code === undefined ? {} : { code }),
        };
      }
    }
    if (step === undefined || id === undefined) return undefined;
    return { step, source: { path, needs: needsRead.paths, outputPaths } };
  }

  private readNeeds(value: unknown, path: DocumentPath, label: string): { needs: string[]; paths: DocumentPath[] } {
    if (value === undefined || value === null) return { needs: [], paths: [] };
    if (typeof value === 'string') return { needs: [value], paths: [path] };
    if (!Array.isArray(value)) {
      this.report(path, `'needs' of ${label} must be a step id or a list of step ids, not ${typeName(value)}`);
      return { needs: [], paths: [] };
    }
    const needs: string[] = [];
    const paths: DocumentPath[] = [];
    (value as unknown[]).forEach((item, i) => {
      if (typeof item === 'string') {
        needs.push(item);
        paths.push([...path, i]);
      } else {
        this.report([...path, i], `'needs' lists step ids; ${typeName(item)} is not one`);
      }
    });
    return { needs, paths };
  }

  private readCondition(value: unknown, path: DocumentPath, label: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    const text = this.string(value, path, `'if' of ${label}`, { nonEmpty: true });
    return text;
  }

  private readRetry(value: unknown, path: DocumentPath, label: string): RetryPolicy | undefined {
    if (typeof value === 'number') {
      const maxAttempts = this.positiveNumber(value, path, `'retry' of ${label} (the number of attempts)`, {
        integer: true,
        min: 1,
        max: MAX_RETRY_ATTEMPTS,
      });
      return maxAttempts === undefined ? undefined : { maxAttempts, backoff: DEFAULT_BACKOFF, retryOn: [...FAILURE_CLASSES] };
    }
    const map = this.expectMap(value, path, `'retry' of ${label} (a number of attempts or a map)`);
    if (map === undefined) return undefined;
    this.checkKeys(map, RETRY_KEYS, path, "'retry'");
    const maxAttempts =
      map['max-attempts'] === undefined
        ? 3
        : this.positiveNumber(map['max-attempts'], [...path, 'max-attempts'], "'max-attempts'", {
            integer: true,
            min: 1,
            max: MAX_RETRY_ATTEMPTS,
          });
    const backoff = map.backoff === undefined ? DEFAULT_BACKOFF : this.readBackoff(map.backoff, [...path, 'backoff']);
    let retryOn: FailureClass[] | undefined = [...FAILURE_CLASSES];
    if (map['retry-on'] !== undefined) {
      const raw = map['retry-on'];
      const list = typeof raw === 'string' ? [raw] : raw;
      if (!Array.isArray(list) || list.length === 0) {
        this.report([...path, 'retry-on'], `'retry-on' must be a failure class or a list of them (${quoteList(FAILURE_CLASSES)})`);
        retryOn = undefined;
      } else {
        retryOn = [];
        for (const [i, item] of (list as unknown[]).entries()) {
          const itemPath = typeof raw === 'string' ? [...path, 'retry-on'] : [...path, 'retry-on', i];
          if (typeof item === 'string' && (FAILURE_CLASSES as readonly string[]).includes(item)) {
            if (!retryOn.includes(item as FailureClass)) retryOn.push(item as FailureClass);
          } else {
            const text = typeof item === 'string' ? `'${item}'` : typeName(item);
            this.report(itemPath, `unknown failure class ${text} (expected ${quoteList(FAILURE_CLASSES, 'or')})`);
            retryOn = undefined;
            break;
          }
        }
      }
    }
    if (maxAttempts === undefined || backoff === undefined || retryOn === undefined) return undefined;
    return { maxAttempts, backoff, retryOn: FAILURE_CLASSES.filter((c) => retryOn.includes(c)) };
  }

  private readBackoff(value: unknown, path: DocumentPath): BackoffPolicy | undefined {
    const map = this.expectMap(value, path, "'backoff'");
    if (map === undefined) return undefined;
    this.checkKeys(map, BACKOFF_KEYS, path, "'backoff'");
    const get = (key: string, fallback: number, options?: { min?: number }): number | undefined =>
      map[key] === undefined ? fallback : this.positiveNumber(map[key], [...path, key], `'${key}'`, options);
    const initialSeconds = get('initial-seconds', DEFAULT_BACKOFF.initialSeconds);
    const factor = get('factor', DEFAULT_BACKOFF.factor, { min: 1 });
    const maxSeconds = get('max-seconds', Math.max(DEFAULT_BACKOFF.maxSeconds, initialSeconds ?? 0));
    let jitter: number | undefined = DEFAULT_BACKOFF.jitter;
    const rawJitter = map.jitter;
    if (typeof rawJitter === 'boolean') jitter = rawJitter ? 1 : 0;
    else if (rawJitter !== undefined) {
      if (typeof rawJitter === 'number' && rawJitter >= 0 && rawJitter <= 1) jitter = rawJitter;
      else {
        this.report([...path, 'jitter'], "'jitter' must be a number between 0 and 1 (the randomised fraction of each delay) or a boolean");
        jitter = undefined;
      }
    }
    if (initialSeconds !== undefined && maxSeconds !== undefined && maxSeconds < initialSeconds) {
      this.report([...path, 'max-seconds'], `'max-seconds' (${maxSeconds}) is less than 'initial-seconds' (${initialSeconds})`);
      return undefined;
    }
    if (initialSeconds === undefined || factor === undefined || maxSeconds === undefined || jitter === undefined) return undefined;
    return { initialSeconds, factor, maxSeconds, jitter };
  }

  private readCache(value: unknown, path: DocumentPath, label: string): CachePolicy {
    if (typeof value === 'boolean') return { enabled: value };
    const map = this.expectMap(value, path, `'cache' of ${label} (a boolean or a map)`);
    if (map === undefined) return { enabled: false };
    this.checkKeys(map, CACHE_KEYS, path, "'cache'");
    let enabled = true;
    if (map.enabled !== undefined) {
      if (typeof map.enabled === 'boolean') enabled = map.enabled;
      else this.report([...path, 'enabled'], `'enabled' must be a boolean, not ${typeName(map.enabled)}`);
    }
    const rawExpire = map['expire-after'];
    if (rawExpire === undefined || rawExpire === null) return { enabled };
    const seconds = typeof rawExpire === 'string' || typeof rawExpire === 'number' ? parseDuration(rawExpire) : undefined;
    if (seconds === undefined) {
      const shown = typeof rawExpire === 'string' ? `'${rawExpire}'` : typeName(rawExpire);
      this.report(
        [...path, 'expire-after'],
        `invalid duration ${shown} for 'expire-after' (ISO-8601 like 'P30D' or 'PT12H', or '30d', '2h', '15m', '45s')`,
      );
      return { enabled };
    }
    return { enabled, expireAfterSeconds: seconds };
  }

  /** `{cpu, memory, gpu}`: cores (> 0), a memory quantity (`2Gi`, kept as bytes), GPUs (integer ≥ 0). */
  private readResources(value: unknown, path: DocumentPath, label: string): StepResources | undefined {
    const map = this.expectMap(value, path, `'resources' of ${label} (a map of 'cpu', 'memory' and 'gpu')`);
    if (map === undefined) return undefined;
    this.checkKeys(map, RESOURCE_KEYS, path, "'resources'");
    if (!RESOURCE_KEYS.some((key) => map[key] !== undefined && map[key] !== null)) {
      this.report(path, `'resources' of ${label} gives no hint: set 'cpu', 'memory' or 'gpu' (or leave 'resources' out)`);
      return undefined;
    }
    let ok = true;
    let cpu: number | undefined;
    if (map.cpu !== undefined && map.cpu !== null) {
      if (typeof map.cpu === 'string') {
        this.report([...path, 'cpu'], `'cpu' must be a number of cores (0.5 for half a core, 2 for two), not '${map.cpu}'`);
      } else {
        cpu = this.positiveNumber(map.cpu, [...path, 'cpu'], "'cpu' (cores)");
      }
      if (cpu === undefined) ok = false;
    }
    let memoryBytes: number | undefined;
    if (map.memory !== undefined && map.memory !== null) {
      if (typeof map.memory !== 'string') {
        const shown = typeof map.memory === 'number' ? `the number ${map.memory}` : typeName(map.memory);
        this.report([...path, 'memory'], `'memory' must be a quantity with a unit such as '512Mi' or '2Gi', not ${shown}`);
      } else {
        const parsed = parseMemory(map.memory);
        if ('bytes' in parsed) memoryBytes = parsed.bytes;
        else this.report([...path, 'memory'], `invalid memory '${map.memory}': ${parsed.problem}`);
      }
      if (memoryBytes === undefined) ok = false;
    }
    let gpu: number | undefined;
    if (map.gpu !== undefined && map.gpu !== null) {
      if (typeof map.gpu === 'number' && Number.isSafeInteger(map.gpu) && map.gpu >= 0) gpu = map.gpu;
      else {
        const shown = typeof map.gpu === 'number' ? String(map.gpu) : typeof map.gpu === 'string' ? `'${map.gpu}'` : typeName(map.gpu);
        this.report([...path, 'gpu'], `'gpu' must be a whole number of GPUs (0 or more), not ${shown}`);
        ok = false;
      }
    }
    if (!ok) return undefined;
    return {
      ...(cpu === undefined ? {} : { cpu }),
      ...(memoryBytes === undefined ? {} : { memoryBytes }),
      ...(gpu === undefined ? {} : { gpu }),
    };
  }

  /** A path or glob, or a list of them, relative to the code directory; literal (no expressions). */
  private readCode(value: unknown, path: DocumentPath, label: string): string[] | undefined {
    const items: { value: unknown; path: DocumentPath }[] =
      typeof value === 'string'
        ? [{ value, path }]
        : Array.isArray(value)
          ? (value as unknown[]).map((item, i) => ({ value: item, path: [...path, i] }))
          : [];
    if (typeof value !== 'string' && !Array.isArray(value)) {
      this.report(path, `'code' of ${label} must be a path or glob, or a list of them (relative to the code directory), not ${typeName(value)}`);
      return undefined;
    }
    if (items.length === 0) {
      this.report(path, `'code' of ${label} must not be empty (leave it out to use the whole code directory)`);
      return undefined;
    }
    const code: string[] = [];
    let ok = true;
    for (const item of items) {
      const text = this.string(item.value, item.path, `a 'code' entry`, { nonEmpty: true });
      if (text === undefined) {
        ok = false;
      } else if (hasPlaceholder(text)) {
        this.report(item.path, `'code' entries are literal paths or globs; expressions are not evaluated here`);
        ok = false;
      } else if (text.startsWith('!')) {
        this.report(item.path, `'code' entries name the files to include; '${text}' (a negated glob) is not supported`);
        ok = false;
      } else if (/^(?:[/\\]|[A-Za-z]:[/\\])/.test(text) || text.split(/[/\\]/).includes('..')) {
        this.report(item.path, `a 'code' entry must be a path or glob relative to the code directory, not '${text}'`);
        ok = false;
      } else if (code.includes(text)) {
        this.report(item.path, `'${text}' is listed twice in 'code'`);
        ok = false;
      } else {
        code.push(text);
      }
    }
    return ok ? code : undefined;
  }

  private relativePath(value: unknown, path: DocumentPath, what: string): string | undefined {
    const text = this.string(value, path, what, { nonEmpty: true });
    if (text === undefined) return undefined;
    if (/^(?:[/\\]|[A-Za-z]:[/\\])/.test(text) || text.split(/[/\\]/).includes('..')) {
      this.report(path, `${what} must be a relative path inside the step's workspace, not '${text}'`);
      return undefined;
    }
    return text;
  }

  private readOutputs(value: unknown, path: DocumentPath, outputPaths: Map<string, DocumentPath>): Record<string, StepOutput> {
    const map = this.expectMap(value, path, "'outputs' (a map of names to paths)");
    const outputs: Record<string, StepOutput> = {};
    if (map === undefined) return outputs;
    for (const [name, raw] of Object.entries(map)) {
      const outputPath = [...path, name];
      if (!IDENTIFIER.test(name)) {
        this.report(outputPath, `invalid output name '${name}' (letters, digits, '_' and '-', starting with a letter or '_')`, {
          target: 'key',
        });
        continue;
      }
      if (typeof raw === 'string') {
        const file = this.relativePath(raw, outputPath, `the path of output '${name}'`);
        if (file !== undefined) {
          outputs[name] = { type: file.endsWith('/') ? 'dir' : 'file', path: file };
          outputPaths.set(name, outputPath);
        }
        continue;
      }
      const spec = this.expectMap(raw, outputPath, `output '${name}' (a path or a map)`);
      if (spec === undefined) continue;
      this.checkKeys(spec, OUTPUT_KEYS, outputPath, `output '${name}'`);
      const description =
        spec.description === undefined ? undefined : this.string(spec.description, [...outputPath, 'description'], 'description');
      const described = description === undefined ? {} : { description };
      let type: StepOutput['type'] | undefined;
      if (spec.type !== undefined) {
        if (spec.type === 'file' || spec.type === 'dir' || spec.type === 'value') type = spec.type;
        else {
          this.report([...outputPath, 'type'], `unknown output type ${typeof spec.type === 'string' ? `'${spec.type}'` : typeName(spec.type)} (expected 'file', 'dir' or 'value')`);
          continue;
        }
      }
      if (type === 'value' || (type === undefined && spec.path === undefined)) {
        if (spec.path !== undefined) {
          this.report([...outputPath, 'path'], `a 'value' output has no path (the step writes '${name}=…' to $SLIPWAY_OUTPUT)`);
          continue;
        }
        outputs[name] = { type: 'value', ...described };
        continue;
      }
      if (spec.path === undefined) {
        this.report(outputPath, `${type === 'dir' ? 'a directory' : 'a file'} output needs a 'path'`);
        continue;
      }
      const file = this.relativePath(spec.path, [...outputPath, 'path'], `the path of output '${name}'`);
      if (file === undefined) continue;
      outputs[name] = { type: type ?? (file.endsWith('/') ? 'dir' : 'file'), path: file, ...described };
      outputPaths.set(name, [...outputPath, 'path']);
    }
    return outputs;
  }

  private readMetrics(value: unknown, path: DocumentPath): MetricDefinition[] {
    const entries: { name: unknown; regex: unknown; namePath: DocumentPath; regexPath: DocumentPath }[] = [];
    if (Array.isArray(value)) {
      (value as unknown[]).forEach((item, i) => {
        const map = this.expectMap(item, [...path, i], "a metric (a map with 'name' and 'regex')");
        if (map === undefined) return;
        this.checkKeys(map, METRIC_KEYS, [...path, i], 'a metric');
        for (const key of METRIC_KEYS) {
          if (map[key] === undefined) this.report([...path, i], `a metric needs '${key}'`);
        }
        if (map.name !== undefined && map.regex !== undefined) {
          entries.push({ name: map.name, regex: map.regex, namePath: [...path, i, 'name'], regexPath: [...path, i, 'regex'] });
        }
      });
    } else if (isMap(value)) {
      for (const [name, regex] of Object.entries(value)) {
        entries.push({ name, regex, namePath: [...path, name], regexPath: [...path, name] });
      }
    } else {
      this.report(path, `'metrics' must be a list of {name, regex} or a map of names to regexes, not ${typeName(value)}`);
      return [];
    }
    const metrics: MetricDefinition[] = [];
    const seen = new Set<string>();
    for (const entry of entries) {
      const name = this.string(entry.name, entry.namePath, 'a metric name');
      const regex = this.string(entry.regex, entry.regexPath, `the regex of metric '${String(entry.name)}'`, { nonEmpty: true });
      if (name === undefined || regex === undefined) continue;
      if (!METRIC_NAME.test(name)) {
        this.report(entry.namePath, `invalid metric name '${name}'`, entry.namePath === entry.regexPath ? { target: 'key' } : undefined);
        continue;
      }
      if (seen.has(name)) {
        this.report(entry.namePath, `metric '${name}' is defined twice`);
        continue;
      }
      seen.add(name);
      const problem = metricRegexProblem(regex);
      if (problem !== undefined) {
        this.report(entry.regexPath, `the regex of metric '${name}' ${problem}`);
        continue;
      }
      metrics.push({ name, regex });
    }
    return metrics;
  }

  private readMatrix(value: unknown, path: DocumentPath, label: string): MatrixSpec | undefined {
    const map = this.expectMap(value, path, `'matrix' of ${label}`);
    if (map === undefined) return undefined;
    const axes: Record<string, readonly JsonValue[] | string> = {};
    let ok = true;
    for (const [axis, raw] of Object.entries(map)) {
      if (MATRIX_RESERVED.has(axis)) continue;
      const axisPath = [...path, axis];
      if (!IDENTIFIER.test(axis)) {
        this.report(axisPath, `invalid matrix axis name '${axis}'`, { target: 'key' });
        ok = false;
        continue;
      }
      if (typeof raw === 'string') {
        let whole = false;
        try {
          whole = parseTemplate(raw).whole !== undefined;
        } catch {
          whole = hasPlaceholder(raw); // the validator reports the syntax error with its position
        }
        if (!whole) {
          this.report(axisPath, `matrix axis '${axis}' must be a list or one '\${{ … }}' expression that yields a list`);
          ok = false;
          continue;
        }
        axes[axis] = raw;
      } else if (Array.isArray(raw)) {
        if (raw.length === 0) {
          this.report(axisPath, `matrix axis '${axis}' must not be empty`);
          ok = false;
          continue;
        }
        const values = this.readJsonList(raw as unknown[], axisPath);
        if (values === undefined) ok = false;
        else axes[axis] = values;
      } else {
        this.report(axisPath, `matrix axis '${axis}' must be a list or one '\${{ … }}' expression, not ${typeName(raw)}`);
        ok = false;
      }
    }
    const include = this.readCombinations(map.include, [...path, 'include'], 'include');
    const exclude = this.readCombinations(map.exclude, [...path, 'exclude'], 'exclude');
    if (include === undefined || exclude === undefined) ok = false;
    let maxParallel: number | undefined;
    if (map['max-parallel'] !== undefined) {
      maxParallel = this.positiveNumber(map['max-parallel'], [...path, 'max-parallel'], "'max-parallel'", { integer: true, min: 1 });
      if (maxParallel === undefined) ok = false;
    }
    if (!ok || include === undefined || exclude === undefined) return undefined;
    if (Object.keys(axes).length === 0 && include.length === 0) {
      this.report(path, `the matrix of ${label} has no axis`);
      return undefined;
    }
    exclude.forEach((combination, i) => {
      for (const key of Object.keys(combination)) {
        if (!Object.hasOwn(axes, key)) {
          this.report([...path, 'exclude', i, key], `'exclude' names '${key}', which is not a matrix axis`, { target: 'key' });
          ok = false;
        }
      }
    });
    if (!ok) return undefined;
    const spec: MatrixSpec = { axes, include, exclude, ...(maxParallel === undefined ? {} : { maxParallel }) };
    if (Object.values(axes).every((a) => typeof a !== 'string')) {
      const count = countStaticCombinations(spec);
      if (count > MAX_MATRIX_COMBINATIONS) {
        this.report(path, `the matrix of ${label} has ${count} combinations; at most ${MAX_MATRIX_COMBINATIONS} are allowed`);
        return undefined;
      }
      if (count === 0) {
        this.report(path, `the matrix of ${label} excludes every combination`);
        return undefined;
      }
    }
    return spec;
  }

  private readCombinations(value: unknown, path: DocumentPath, what: string): Record<string, JsonValue>[] | undefined {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.report(path, `'${what}' must be a list of maps, not ${typeName(value)}`);
      return undefined;
    }
    const out: Record<string, JsonValue>[] = [];
    let ok = true;
    (value as unknown[]).forEach((item, i) => {
      const map = this.expectMap(item, [...path, i], `an '${what}' entry`);
      if (map === undefined) {
        ok = false;
        return;
      }
      const json = this.readJsonMap(map, [...path, i]);
      for (const [key, v] of Object.entries(json)) {
        if (typeof v === 'string' && hasPlaceholder(v)) {
          this.report([...path, i, key], `'${what}' values are literal; expressions are not evaluated here`);
          ok = false;
        }
      }
      out.push(json);
    });
    return ok ? out : undefined;
  }

  private readJsonList(values: unknown[], path: DocumentPath): JsonValue[] | undefined {
    const out: JsonValue[] = [];
    let ok = true;
    values.forEach((item, i) => {
      const json = this.toJson(item, [...path, i]);
      if (json === undefined) ok = false;
      else out.push(json);
    });
    return ok ? out : undefined;
  }

  private readJsonMap(map: Record<string, unknown>, path: DocumentPath): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(map)) {
      const json = this.toJson(item, [...path, key]);
      if (json !== undefined) out[key] = json;
    }
    return out;
  }

  private toJson(value: unknown, path: DocumentPath): JsonValue | undefined {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'number') {
      if (Number.isFinite(value)) return value;
      this.report(path, `${String(value)} is not a JSON number`);
      return undefined;
    }
    if (Array.isArray(value)) return this.readJsonList(value as unknown[], path);
    if (isMap(value) && Object.getPrototypeOf(value) === Object.prototype) return this.readJsonMap(value, path);
    this.report(path, `${typeName(value)} is not a JSON value`);
    return undefined;
  }
}

/** Why a value is not a valid value of a param, e.g. `must be an integer, not a string`. */
export function paramValueProblem(type: ParamType, value: unknown, options?: readonly string[]): string | undefined {
  switch (type) {
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value) ? undefined : `must be an integer, not ${describe(value)}`;
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `must be a number, not ${describe(value)}`;
    case 'bool':
      return typeof value === 'boolean' ? undefined : `must be true or false, not ${describe(value)}`;
    case 'string':
      return typeof value === 'string' ? undefined : `must be a string, not ${describe(value)} (quote it)`;
    case 'choice':
      if (typeof value !== 'string') return `must be one of ${quoteList(options ?? [], 'or')}, not ${describe(value)}`;
      return options === undefined || options.includes(value)
        ? undefined
        : `must be one of ${quoteList(options, 'or')}, not '${value}'`;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeName(value)} (${String(value)})`;
  return typeName(value);
}

/** Why a metric regex cannot be used: it does not compile, or has not exactly one group. */
export function metricRegexProblem(regex: string): string | undefined {
  let compiled: RegExp;
  try {
    compiled = new RegExp(regex);
  } catch (e) {
    return `does not compile: ${e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e)}`;
  }
  // An alternation with the empty string always matches, and exposes every group.
  const groups = (new RegExp(`${compiled.source}|`).exec('')?.length ?? 1) - 1;
  if (groups !== 1) {
    return `must have exactly one capture group (the value), not ${groups}${groups > 1 ? "; make the others non-capturing with '(?:…)'" : ''}`;
  }
  return undefined;
}

/** How many combinations a matrix with static axes has after include and exclude. */
function countStaticCombinations(spec: MatrixSpec): number {
  let count = Object.keys(spec.axes).length === 0 ? 0 : 1;
  for (const values of Object.values(spec.axes)) count *= typeof values === 'string' ? 1 : values.length;
  if (count > MAX_MATRIX_COMBINATIONS * 16) return count;
  return expandStaticMatrix(spec).length;
}

function expandStaticMatrix(spec: MatrixSpec): readonly Readonly<Record<string, JsonValue>>[] {
  const axes: Record<string, readonly JsonValue[]> = {};
  for (const [axis, values] of Object.entries(spec.axes)) if (typeof values !== 'string') axes[axis] = values;
  return expandMatrix(spec, axes);
}

/**
 * Cross-reference checks of a pipeline read by `read-pipeline-document.ts`: the step graph,
 * every `${{ … }}` expression (resolved against params, upstream steps, matrix axes) and
 * every built-in step's `with:` inputs.
 * @module
 */

import { BUILTIN_STEPS, type BuiltinInput, type BuiltinStep } from './builtin-steps.js';
import {
  checkCondition,
  checkTemplate,
  type ExpressionScope,
  type StaticType,
  type StepSymbols,
} from './expressions/check-expression.js';
import type { StaticKind } from './expressions/expression-functions.js';
import { hasPlaceholder } from './expressions/template.js';
import { checkStepGraph, type GraphCheck } from './pipeline-graph.js';
import { didYouMean, quoteList, type DocumentPath, type IssueList } from './pipeline-issues.js';
import type { JsonValue, PipelineDefinition, StepDefinition } from './pipeline-model.js';
import type { StepSource } from './read-pipeline-document.js';
import { checkScheduleParams } from './read-schedule-specs.js';
import { TUNE_STEP } from '../tuning/tune-builtin-step.js';
import { TRIAL_TEMPLATE_INPUTS } from '../tuning/read-trial-template.js';
import { tuneStepSymbols } from '../tuning/tune-step-symbols.js';

/** Checks `definition`; `sources` (from the reader) place the issues precisely. */
export function validatePipeline(
  definition: PipelineDefinition,
  issues: IssueList,
  sources?: readonly StepSource[],
): GraphCheck {
  const stepPath = (i: number): DocumentPath => sources?.[i]?.path ?? ['steps', i];
  const graph = checkStepGraph(
    definition,
    issues,
    definition.steps.map((_, i) => stepPath(i)),
    definition.steps.map((step, i) => sources?.[i]?.needs ?? step.needs.map((_, j) => [...stepPath(i), 'needs', j])),
  );

  const symbols = new Map<string, StepSymbols>();
  const stepsById = new Map<string, StepDefinition>();
  for (const step of definition.steps) {
    if (symbols.has(step.id)) continue;
    symbols.set(step.id, stepSymbols(step));
    stepsById.set(step.id, step);
  }

  const checkString = (source: string, path: DocumentPath, scope: ExpressionScope): StaticType => {
    const result = checkTemplate(source, scope);
    for (const issue of result.issues) issues.add(path, issue.message, { offset: issue.offset });
    return result.type;
  };

  const pipelineScope: ExpressionScope = { params: definition.params, steps: symbols, place: "the pipeline's env" };
  for (const [name, value] of Object.entries(definition.env)) checkString(value, ['env', name], pipelineScope);

  definition.steps.forEach((step, i) => {
    const path = stepPath(i);
    const upstream = graph.upstream.get(step.id) ?? new Set<string>();
    const matrixAxes = step.matrix === undefined ? undefined : matrixAxisNames(step.matrix);
    const scope: ExpressionScope = {
      params: definition.params,
      steps: symbols,
      upstream,
      step: step.id,
      place: `step '${step.id}'`,
      ...(matrixAxes === undefined ? {} : { matrixAxes }),
    };
    const outerScope: ExpressionScope = { params: definition.params, steps: symbols, upstream, step: step.id, place: `step '${step.id}'` };

    if (step.if !== undefined) {
      const result = checkCondition(step.if, { ...outerScope, condition: true });
      for (const issue of result.issues) issues.add([...path, 'if'], issue.message, { offset: issue.offset });
    }
    for (const [name, value] of Object.entries(step.env)) checkString(value, [...path, 'env', name], scope);
    if (step.matrix !== undefined) {
      for (const [axis, values] of Object.entries(step.matrix.axes)) {
        if (typeof values !== 'string') continue;
        const type = checkString(values, [...path, 'matrix', axis], outerScope);
        if (type.kind !== 'any' && type.kind !== 'list') {
          issues.add([...path, 'matrix', axis], `matrix axis '${axis}' must yield a list, but ${type.label ?? `this is a ${type.kind}`}${type.label === undefined ? '' : ` is a ${type.kind}`} (use fromJSON() to parse a JSON list)`);
        }
      }
    }
    if (step.kind === 'run') {
      checkString(step.run, [...path, 'run'], scope);
      if (step.workingDirectory !== undefined) checkString(step.workingDirectory, [...path, 'working-directory'], scope);
      for (const [name, output] of Object.entries(step.outputs)) {
        if (output.type === 'value') continue;
        const outputPath = sources?.[i]?.outputPaths.get(name) ?? [...path, 'outputs', name];
        checkString(output.path, outputPath, scope);
      }
    } else {
      const builtin = BUILTIN_STEPS.get(step.uses);
      if (step.uses === TUNE_STEP.name && step.matrix !== undefined) issues.add([...path, 'matrix'], 'a slipway/tune step cannot have a matrix (its trials are its instances)');
      if (builtin !== undefined) {
        // Problems with `with:` as a whole point at it, or at `uses:` when there is no `with:`.
        const missingAt = Object.keys(step.with).length === 0 ? [...path, 'uses'] : [...path, 'with'];
        checkBuiltinInputs(builtin, step.with, [...path, 'with'], {
          issues,
          checkString: (source, at) => checkString(source, at, isTrialTemplatePath(step, at.slice(path.length)) ? { ...scope, trial: true } : scope),
          context: {
            stepId: step.id,
            upstream,
            steps: stepsById,
            report: (relative, message) => issues.add(relative.length === 0 ? missingAt : [...path, 'with', ...relative], message),
          },
          missingAt,
        });
      }
    }
  });
  checkScheduleParams(definition, issues);
  return graph;
}

/** The names a step's `matrix.<name>` may use: its axes and the keys its includes add. */
function matrixAxisNames(matrix: NonNullable<StepDefinition['matrix']>): ReadonlySet<string> {
  const names = new Set(Object.keys(matrix.axes));
  for (const entry of matrix.include) for (const key of Object.keys(entry)) names.add(key);
  return names;
}

/** Whether `relative` (`['with', 'run']`, …) is in a tune step's trial template, where `trial` is available. */
function isTrialTemplatePath(step: StepDefinition, relative: DocumentPath): boolean {
  return step.kind === 'uses' && step.uses === TUNE_STEP.name && relative[0] === 'with' && TRIAL_TEMPLATE_INPUTS.includes(String(relative[1]));
}

function stepSymbols(step: StepDefinition): StepSymbols {
  const fanOut = step.matrix !== undefined;
  if (step.kind === 'run') {
    const outputs = new Map<string, StaticKind>();
    const artifacts = new Set<string>();
    for (const [name, output] of Object.entries(step.outputs)) {
      if (output.type === 'value') outputs.set(name, 'string');
      else artifacts.add(name);
    }
    return { kind: 'run', outputs, artifacts, metrics: new Set(step.metrics.map((m) => m.name)), fanOut };
  }
  if (step.uses === TUNE_STEP.name) return { kind: 'uses', ...tuneStepSymbols(step.with), fanOut };
  const builtin = BUILTIN_STEPS.get(step.uses);
  const outputs = new Map<string, StaticKind>(Object.entries(builtin?.outputs ?? {}).map(([name, o]) => [name, o.type]));
  return { kind: 'uses', outputs, artifacts: new Set(), metrics: new Set(), fanOut, open: builtin === undefined };
}

interface BuiltinCheckEnvironment {
  readonly issues: IssueList;
  readonly checkString: (source: string, path: DocumentPath) => StaticType;
  readonly context: Parameters<NonNullable<BuiltinStep['check']>>[1];
  /** Where to report a missing required input. */
  readonly missingAt: DocumentPath;
}

function checkBuiltinInputs(
  builtin: BuiltinStep,
  inputs: Readonly<Record<string, JsonValue>>,
  path: DocumentPath,
  environment: BuiltinCheckEnvironment,
): void {
  checkFields(builtin.inputs, inputs, path, environment, builtin.name, environment.missingAt);
  // The cross-input rules look only at values of the right type, so they run regardless.
  builtin.check?.(inputs, environment.context);
}

/** Checks a map of inputs against its fields. */
function checkFields(
  fields: Readonly<Record<string, BuiltinInput>>,
  values: Readonly<Record<string, JsonValue>>,
  path: DocumentPath,
  environment: BuiltinCheckEnvironment,
  what: string,
  missingAt: DocumentPath,
): void {
  const names = Object.keys(fields);
  for (const [key, value] of Object.entries(values)) {
    const field = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (field === undefined) {
      environment.issues.add(
        [...path, key],
        `${what} has no input '${key}'${didYouMean(key, names) || ` (its inputs are ${quoteList(names)})`}`,
        { target: 'key' },
      );
      continue;
    }
    checkInput(field, value, [...path, key], environment, `'${key}'`);
  }
  for (const [key, field] of Object.entries(fields)) {
    if (field.required === true && values[key] === undefined) {
      environment.issues.add(missingAt, `${what} needs input '${key}' (${field.description})`);
    }
  }
}

const ACCEPTS: Readonly<Record<Exclude<BuiltinInput['type'], 'object' | 'json'>, readonly StaticKind[]>> = {
  string: ['string', 'number', 'boolean', 'any'],
  number: ['number', 'string', 'any'],
  int: ['number', 'string', 'any'],
  bool: ['boolean', 'string', 'any'],
  'string-map': ['object', 'any'],
  'string-list': ['list', 'string', 'any'],
};

function checkInput(
  field: BuiltinInput,
  value: JsonValue,
  path: DocumentPath,
  environment: BuiltinCheckEnvironment,
  what: string,
): void {
  const { issues } = environment;
  if (typeof value === 'string' && hasPlaceholder(value)) {
    const type = environment.checkString(value, path);
    if (field.type !== 'json' && field.type !== 'object' && !ACCEPTS[field.type].includes(type.kind)) {
      issues.add(path, `${what} expects ${expected(field)}, but ${type.label ?? 'the expression'} is ${article(type.kind)}`);
    }
    return;
  }
  switch (field.type) {
    case 'json':
      checkNestedTemplates(value, path, environment);
      return;
    case 'string':
      if (typeof value === 'string' || typeof value === 'number') {
        if (field.enum !== undefined && !field.enum.includes(String(value))) {
          issues.add(path, `${what} must be one of ${quoteList(field.enum, 'or')}, not '${String(value)}'`);
        }
        return;
      }
      break;
    case 'number':
      if (typeof value === 'number') return;
      break;
    case 'int':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return;
      break;
    case 'bool':
      if (typeof value === 'boolean') return;
      break;
    case 'string-list':
      if (typeof value === 'string') return;
      if (Array.isArray(value)) {
        (value as readonly JsonValue[]).forEach((item, i) => {
          if (typeof item === 'string') {
            if (hasPlaceholder(item)) environment.checkString(item, [...path, i]);
          } else issues.add([...path, i], `${what} lists strings, not ${article(kindOf(item))}`);
        });
        return;
      }
      break;
    case 'string-map':
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const [key, item] of Object.entries(value)) {
          if (typeof item === 'string') {
            if (hasPlaceholder(item)) environment.checkString(item, [...path, key]);
          } else if (typeof item !== 'number' && typeof item !== 'boolean') {
            issues.add([...path, key], `${what} maps names to strings, not to ${article(kindOf(item))}`);
          }
        }
        return;
      }
      break;
    case 'object':
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        checkFields(field.fields ?? {}, value as Readonly<Record<string, JsonValue>>, path, environment, what, path);
        return;
      }
      break;
  }
  issues.add(path, `${what} expects ${expected(field)}, not ${article(kindOf(value))}`);
}

function checkNestedTemplates(value: JsonValue, path: DocumentPath, environment: BuiltinCheckEnvironment): void {
  if (typeof value === 'string') {
    if (hasPlaceholder(value)) environment.checkString(value, path);
  } else if (Array.isArray(value)) {
    (value as readonly JsonValue[]).forEach((item, i) => checkNestedTemplates(item, [...path, i], environment));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) checkNestedTemplates(item, [...path, key], environment);
  }
}

function expected(field: BuiltinInput): string {
  switch (field.type) {
    case 'string':
      return field.enum === undefined ? 'a string' : `one of ${quoteList(field.enum, 'or')}`;
    case 'number':
      return 'a number';
    case 'int':
      return 'an integer';
    case 'bool':
      return 'true or false';
    case 'string-map':
      return 'a map of names to strings';
    case 'string-list':
      return 'a string or a list of strings';
    case 'object':
      return `a map with ${quoteList(Object.keys(field.fields ?? {}))}`;
    case 'json':
      return 'a JSON value';
  }
}

function kindOf(value: JsonValue): StaticKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'object';
  return typeof value as StaticKind;
}

function article(kind: StaticKind): string {
  switch (kind) {
    case 'object':
      return 'a map';
    case 'list':
      return 'a list';
    case 'null':
      return 'null';
    case 'any':
      return 'a value';
    case 'boolean':
      return 'a boolean';
    case 'number':
      return 'a number';
    default:
      return 'a string';
  }
}

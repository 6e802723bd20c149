/**
 * Evaluates expressions and templates against an execution's values. The executor builds
 * an {@link ExpressionContext} per step (and per matrix instance); definitions reaching it
 * have been checked statically (`check-expression.ts`), so what can still fail here is what
 * depends on the run: a reference to a step that was skipped, `fromJSON` of bad text.
 * @module
 */

import type { JsonValue, ParamValue } from '../pipeline-model.js';
import { referenceChain, type Expression } from './expression-ast.js';
import { ExpressionError } from './expression-error.js';
import { EXPRESSION_FUNCTIONS, type StatusView } from './expression-functions.js';
import { compare, isTruthy, toText } from './expression-values.js';
import { parseCondition, parseTemplate } from './template.js';

export type StepResult = 'success' | 'failure' | 'cancelled' | 'skipped';

/** What an upstream step left behind. A matrix step's values are lists, one per instance. */
export interface StepState {
  readonly result: StepResult;
  readonly outputs?: Readonly<Record<string, JsonValue>>;
  /** Absolute paths of the step's file and directory outputs. */
  readonly artifacts?: Readonly<Record<string, JsonValue>>;
  readonly metrics?: Readonly<Record<string, JsonValue>>;
}

export interface ExpressionContext {
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly pipeline: { readonly name: string };
  readonly execution: { readonly id: string };
  /** The upstream steps (a step that is not here has not run). */
  readonly steps?: Readonly<Record<string, StepState>>;
  readonly matrix?: Readonly<Record<string, JsonValue>>;
  /** A trial of a `slipway/tune` step: its number (from 1) and parameters. */
  readonly trial?: { readonly number: number; readonly params: Readonly<Record<string, JsonValue>> };
  /** For the status functions of an `if:` condition; see {@link statusOf}. */
  readonly status?: StatusView;
}

const STEP_VALUE_FIELDS = new Set(['outputs', 'artifacts', 'metrics']);

/** The status view of a step whose upstream steps ended with `results`. */
export function statusOf(results: readonly StepResult[], cancelled = false): StatusView {
  return {
    anyFailed: results.includes('failure'),
    allSucceeded: results.every((r) => r === 'success'),
    cancelled,
  };
}

/** Evaluates a parsed expression; `source` is the string its offsets refer to. */
export function evaluateExpression(expression: Expression, context: ExpressionContext, source = ''): JsonValue {
  const evaluate = (node: Expression): JsonValue => {
    switch (node.kind) {
      case 'literal':
        return node.value;
      case 'context':
        return contextValue(node.name, context, node.start);
      case 'property':
      case 'index': {
        guardSkippedStep(node, context, source);
        const object = evaluate(node.object);
        const key = node.kind === 'property' ? node.name : evaluate(node.index);
        return member(object, key);
      }
      case 'call': {
        const fn = Object.hasOwn(EXPRESSION_FUNCTIONS, node.name) ? EXPRESSION_FUNCTIONS[node.name] : undefined;
        if (fn === undefined) throw new ExpressionError(`unknown function '${node.name}'`, node.start);
        if (node.args.length < fn.minArgs || node.args.length > fn.maxArgs) {
          throw new ExpressionError(`wrong number of arguments: ${fn.signature}`, node.start);
        }
        return fn.call(node.args.map(evaluate), context.status, node.start);
      }
      case 'not':
        return !isTruthy(evaluate(node.operand));
      case 'comparison':
        return compare(node.operator, evaluate(node.left), evaluate(node.right));
      case 'logical': {
        const left = evaluate(node.left);
        if (node.operator === '&&') return isTruthy(left) ? evaluate(node.right) : left;
        return isTruthy(left) ? left : evaluate(node.right);
      }
    }
  };
  return evaluate(expression);
}

/**
 * Evaluates a template: a string that is exactly one `${{ … }}` gives the expression's
 * typed value; any other string is interpolated. `where` (such as `steps[3].run`) prefixes
 * the message of an error, so it says what failed and where.
 */
export function evaluateTemplate(source: string, context: ExpressionContext, where?: string): JsonValue {
  return located(where, () => {
    const template = parseTemplate(source);
    if (template.whole !== undefined) return evaluateExpression(template.whole, context, source);
    return template.parts
      .map((part) => (part.kind === 'text' ? part.text : toText(evaluateExpression(part.expression, context, source))))
      .join('');
  });
}

/** Interpolates a template into a string (for `run:`, `env:` and paths). */
export function interpolate(source: string, context: ExpressionContext, where?: string): string {
  return toText(evaluateTemplate(source, context, where));
}

/**
 * Evaluates `with:` inputs: every string in the value (in lists and maps too) is a
 * template. `where` is the path of `value` (`steps[3].with`); an error names the path of
 * the string that failed.
 */
export function evaluateInputs(value: JsonValue, context: ExpressionContext, where?: string): JsonValue {
  if (typeof value === 'string') return evaluateTemplate(value, context, where);
  if (Array.isArray(value)) {
    return (value as readonly JsonValue[]).map((v, i) => evaluateInputs(v, context, where === undefined ? undefined : `${where}[${i}]`));
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = evaluateInputs(item, context, where === undefined ? undefined : `${where}.${key}`);
    }
    return out;
  }
  return value;
}

/**
 * Whether a step runs. No condition means `success()`; a condition that calls no status
 * function is `success() && (condition)`, as in GitHub Actions. `context.status` is
 * required.
 */
export function evaluateCondition(source: string | undefined, context: ExpressionContext, where?: string): boolean {
  const status = context.status ?? statusOf([]);
  const withStatus = { ...context, status };
  const succeeded = status.allSucceeded && !status.cancelled;
  if (source === undefined || source.trim() === '') return succeeded;
  return located(where, () => {
    const expression = parseCondition(source);
    if (!callsStatusFunction(expression) && !succeeded) return false;
    return isTruthy(evaluateExpression(expression, withStatus, source));
  });
}

function located<T>(where: string | undefined, run: () => T): T {
  if (where === undefined) return run();
  try {
    return run();
  } catch (e) {
    if (e instanceof ExpressionError) throw new ExpressionError(`${where}: ${e.message}`, e.offset);
    throw e;
  }
}

/** Whether an expression calls `success()`, `failure()`, `always()` or `cancelled()`. */
export function callsStatusFunction(expression: Expression): boolean {
  switch (expression.kind) {
    case 'call':
      return EXPRESSION_FUNCTIONS[expression.name]?.status === true || expression.args.some(callsStatusFunction);
    case 'not':
      return callsStatusFunction(expression.operand);
    case 'comparison':
    case 'logical':
      return callsStatusFunction(expression.left) || callsStatusFunction(expression.right);
    case 'property':
      return callsStatusFunction(expression.object);
    case 'index':
      return callsStatusFunction(expression.object) || callsStatusFunction(expression.index);
    default:
      return false;
  }
}

function contextValue(name: string, context: ExpressionContext, offset: number): JsonValue {
  switch (name) {
    case 'params':
      return context.params;
    case 'pipeline':
      return context.pipeline;
    case 'execution':
      return context.execution;
    case 'matrix':
      if (context.matrix === undefined) throw new ExpressionError("'matrix' is only available in a step with a matrix", offset);
      return context.matrix;
    case 'trial':
      if (context.trial === undefined) throw new ExpressionError("'trial' is only available in a trial of a slipway/tune step", offset);
      return context.trial;
    case 'steps': {
      const steps: Record<string, JsonValue> = {};
      for (const [id, state] of Object.entries(context.steps ?? {})) {
        steps[id] = {
          result: state.result,
          outputs: state.outputs ?? {},
          artifacts: state.artifacts ?? {},
          metrics: state.metrics ?? {},
        };
      }
      return steps;
    }
    default:
      throw new ExpressionError(`unknown context '${name}'`, offset);
  }
}

/** `steps.<id>.outputs` (or artifacts, metrics) of a step that was skipped or never ran. */
function guardSkippedStep(node: Expression, context: ExpressionContext, source: string): void {
  const chain = referenceChain(node);
  if (chain?.root !== 'steps' || chain.segments.length < 2) return;
  const [id, field] = chain.segments;
  if (typeof id !== 'string' || typeof field !== 'string' || !STEP_VALUE_FIELDS.has(field)) return;
  const reference = source.slice(chain.span.start, chain.span.end) || `steps.${id}.${field}`;
  const state = context.steps?.[id];
  if (state === undefined) {
    throw new ExpressionError(`step '${id}' has not run, so '${reference}' has no value`, chain.span.start);
  }
  if (state.result === 'skipped') {
    throw new ExpressionError(`step '${id}' was skipped, so '${reference}' has no value`, chain.span.start);
  }
}

function member(object: JsonValue, key: JsonValue): JsonValue {
  if (Array.isArray(object)) {
    const list = object as readonly JsonValue[];
    return typeof key === 'number' && Number.isInteger(key) ? (list.at(key) ?? null) : null;
  }
  if (object !== null && typeof object === 'object') {
    const name = toText(key);
    return Object.hasOwn(object, name) ? ((object as Readonly<Record<string, JsonValue>>)[name] ?? null) : null;
  }
  return null;
}

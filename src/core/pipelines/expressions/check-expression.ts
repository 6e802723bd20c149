/**
 * The static checker: resolves every reference in an expression against the pipeline
 * (params, upstream steps and their outputs, artifacts and metrics, matrix axes), checks
 * function names and arities, and flags comparisons whose outcome is fixed by their types
 * (`params.n_estimators == 'many'`, a choice compared with a value that is not an option).
 * @module
 */

import type { ParamSpec } from '../pipeline-model.js';
import { didYouMean, quoteList } from '../pipeline-issues.js';
import { referenceChain, type Expression, type ReferenceChain } from './expression-ast.js';
import { ExpressionError } from './expression-error.js';
import { EXPRESSION_FUNCTIONS, type StaticKind } from './expression-functions.js';
import { toNumber } from './expression-values.js';
import { parseCondition, parseTemplate } from './template.js';

export interface StaticType {
  readonly kind: StaticKind;
  /** The value of a literal. */
  readonly literal?: string | number | boolean | null;
  /** The options of a `choice` param. */
  readonly options?: readonly string[];
  /** How to name the value in a message: `int param 'n_estimators'`. */
  readonly label?: string;
}

/** What the checker knows about a step. */
export interface StepSymbols {
  readonly kind: 'run' | 'uses';
  /** Value outputs (`steps.<id>.outputs.<key>`) and their types. */
  readonly outputs: ReadonlyMap<string, StaticKind>;
  /** File and directory outputs (`steps.<id>.artifacts.<name>`). */
  readonly artifacts: ReadonlySet<string>;
  readonly metrics: ReadonlySet<string>;
  /** A matrix step: each of its values is a list, one item per instance. */
  readonly fanOut: boolean;
  /** Nothing is known about its outputs (a step whose `uses:` is unknown): accept any. */
  readonly open?: boolean;
}

export interface ExpressionScope {
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** Every step of the pipeline. */
  readonly steps: ReadonlyMap<string, StepSymbols>;
  /** The steps that run before this place (transitively via `needs`); absent: no `steps`. */
  readonly upstream?: ReadonlySet<string>;
  /** The step being checked, if any. */
  readonly step?: string;
  /** The matrix axes of this step; absent: no `matrix` here. */
  readonly matrixAxes?: ReadonlySet<string>;
  /**
   * A `slipway/tune` step's trial template (`run`, `env`, `working-directory`, output
   * paths): `trial.params.<name>` and `trial.number` are available. The parameter names
   * are checked by the tune step's reader (`read-trial-template.ts`), which knows them.
   */
  readonly trial?: boolean;
  /** An `if:` condition: the status functions are allowed. */
  readonly condition?: boolean;
  /** How to name this place in a message: `the pipeline's env`, `an 'if' condition`. */
  readonly place: string;
}

export interface CheckIssue {
  readonly message: string;
  /** Offset in the checked string. */
  readonly offset: number;
}

export interface CheckResult {
  readonly issues: readonly CheckIssue[];
  /** The value's type: the expression's for a whole `${{ … }}`, else `string`. */
  readonly type: StaticType;
}

const CONTEXTS = ['params', 'steps', 'matrix', 'execution', 'pipeline'];
const STEP_FIELDS = ['outputs', 'artifacts', 'metrics', 'result'];
const CONTEXT_HINTS: Readonly<Record<string, string>> = {
  inputs: " (pipeline parameters are 'params.<name>')",
  needs: " (a step's values are 'steps.<id>.outputs.<key>')",
  jobs: " (a step's values are 'steps.<id>.outputs.<key>')",
  env: ' (read environment variables in the shell: $NAME)',
  github: " (use 'execution.id' and 'pipeline.name')",
};
const ANY: StaticType = { kind: 'any' };
const STRING: StaticType = { kind: 'string' };

/** Checks a template (a string that may contain `${{ … }}`). */
export function checkTemplate(source: string, scope: ExpressionScope): CheckResult {
  let template;
  try {
    template = parseTemplate(source);
  } catch (e) {
    return syntaxFailure(e);
  }
  const issues: CheckIssue[] = [];
  let type: StaticType = STRING;
  for (const part of template.parts) {
    if (part.kind !== 'expression') continue;
    const checked = checkExpression(part.expression, scope, source);
    issues.push(...checked.issues);
    if (template.whole !== undefined) type = checked.type;
  }
  return { issues, type };
}

/** Checks an `if:` condition (`${{ … }}` or a bare expression). */
export function checkCondition(source: string, scope: ExpressionScope): CheckResult {
  let expression;
  try {
    expression = parseCondition(source);
  } catch (e) {
    return syntaxFailure(e);
  }
  return checkExpression(expression, { ...scope, condition: true }, source);
}

function syntaxFailure(e: unknown): CheckResult {
  if (e instanceof ExpressionError) {
    return { issues: [{ message: `invalid expression: ${e.message}`, offset: e.offset }], type: ANY };
  }
  throw e;
}

/** Checks a parsed expression; `source` is the string its offsets refer to. */
export function checkExpression(expression: Expression, scope: ExpressionScope, source: string): CheckResult {
  const issues: CheckIssue[] = [];
  const report = (message: string, offset: number): StaticType => {
    issues.push({ message, offset });
    return ANY;
  };

  const check = (node: Expression): StaticType => {
    switch (node.kind) {
      case 'literal':
        return { kind: node.value === null ? 'null' : (typeof node.value as StaticKind), literal: node.value };
      case 'context':
      case 'property':
      case 'index': {
        if (node.kind === 'index') check(node.index);
        const chain = referenceChain(node);
        if (chain === undefined) {
          // A member of a computed value, e.g. fromJSON(x).a: nothing to resolve statically.
          if (node.kind !== 'context') check(node.object);
          return ANY;
        }
        return resolveReference(chain, scope, source, report);
      }
      case 'call': {
        const argumentTypes = node.args.map(check);
        const fn = Object.hasOwn(EXPRESSION_FUNCTIONS, node.name) ? EXPRESSION_FUNCTIONS[node.name] : undefined;
        if (fn === undefined) {
          return report(
            `unknown function '${node.name}'${didYouMean(node.name, Object.keys(EXPRESSION_FUNCTIONS))}`,
            node.start,
          );
        }
        if (fn.status === true && scope.condition !== true) {
          return report(`${node.name}() can only be used in an 'if' condition`, node.start);
        }
        if (node.args.length < fn.minArgs || node.args.length > fn.maxArgs) {
          return report(`${node.name}() takes ${arity(fn.minArgs, fn.maxArgs)}: ${fn.signature}`, node.start);
        }
        if (node.name === 'fromJSON') {
          const [arg] = argumentTypes;
          if (typeof arg?.literal === 'string') {
            try {
              JSON.parse(arg.literal);
            } catch {
              return report(`fromJSON(): '${arg.literal}' is not valid JSON`, node.start);
            }
          }
        }
        return { kind: fn.result };
      }
      case 'not':
        check(node.operand);
        return { kind: 'boolean' };
      case 'comparison': {
        const left = check(node.left);
        const right = check(node.right);
        const problem = orderingProblem(node.operator, left, node.left) ?? orderingProblem(node.operator, right, node.right);
        if (problem !== undefined) report(problem.message, problem.at);
        const literal = literalProblem(node.operator, left, right) ?? literalProblem(node.operator, right, left);
        if (literal !== undefined) report(literal, (right.literal !== undefined ? node.right : node.left).start);
        return { kind: 'boolean' };
      }
      case 'logical': {
        const left = check(node.left);
        const right = check(node.right);
        return left.kind === right.kind ? { kind: left.kind } : ANY;
      }
    }
  };

  const type = check(expression);
  return { issues, type };
}

function arity(min: number, max: number): string {
  if (min === max) return min === 0 ? 'no arguments' : `${min} argument${min === 1 ? '' : 's'}`;
  return max === Infinity ? `at least ${min} argument${min === 1 ? '' : 's'}` : `${min} to ${max} arguments`;
}

/** A list or a map cannot be ordered. */
function orderingProblem(operator: string, type: StaticType, node: Expression): { message: string; at: number } | undefined {
  if (operator === '==' || operator === '!=' || (type.kind !== 'list' && type.kind !== 'object')) return undefined;
  return { message: `${type.label ?? `a ${type.kind}`} cannot be compared with '${operator}'`, at: node.start };
}

/** Why comparing `a` with the literal `b` has a fixed outcome, if it does. */
function literalProblem(operator: string, a: StaticType, b: StaticType): string | undefined {
  if (b.literal === undefined || a.literal !== undefined) return undefined;
  const ordering = operator !== '==' && operator !== '!=';
  const outcome = operator === '!=' ? 'true' : 'false';
  if (typeof b.literal === 'string' && a.options !== undefined && !ordering && !a.options.includes(b.literal)) {
    return `'${b.literal}' is not an option of ${a.label ?? 'this choice'} (${quoteList(a.options, 'or')}), so this comparison is always ${outcome}`;
  }
  if (typeof b.literal === 'string' && (a.kind === 'number' || a.kind === 'boolean') && Number.isNaN(toNumber(b.literal))) {
    const hint = a.kind === 'boolean' ? ` (write ${b.literal === 'true' || b.literal === 'false' ? b.literal : 'true or false'} without quotes)` : '';
    return `${a.label ?? `a ${a.kind}`} compared with the string '${b.literal}' is always ${outcome}${hint}`;
  }
  return undefined;
}

type Report = (message: string, offset: number) => StaticType;

function resolveReference(chain: ReferenceChain, scope: ExpressionScope, source: string, report: Report): StaticType {
  const at = chain.span.start;
  const text = source.slice(chain.span.start, chain.span.end);
  const [first, second, third] = chain.segments;
  const noProperties = (type: StaticType, depth: number): StaticType => {
    if (chain.segments.length <= depth) return type;
    if (type.kind === 'any' || type.kind === 'list' || type.kind === 'object') return ANY;
    return report(`'${source.slice(chain.span.start, chain.span.end)}': ${type.label ?? `a ${type.kind}`} has no properties`, at);
  };

  switch (chain.root) {
    case 'params': {
      if (first === undefined) return chain.segments.length === 0 ? { kind: 'object' } : ANY;
      const name = String(first);
      const spec = Object.hasOwn(scope.params, name) ? scope.params[name] : undefined;
      if (spec === undefined) {
        const known = Object.keys(scope.params);
        return report(
          `unknown param '${name}'${didYouMean(name, known) || (known.length === 0 ? ' (the pipeline declares no params)' : '')}`,
          at,
        );
      }
      return noProperties(paramType(name, spec), 1);
    }
    case 'steps': {
      if (scope.upstream === undefined) {
        return report(`'steps' is not available in ${scope.place}`, at);
      }
      if (first === undefined) return chain.segments.length === 0 ? { kind: 'object' } : ANY;
      const id = String(first);
      const step = scope.steps.get(id);
      if (step === undefined) {
        return report(`unknown step '${id}'${didYouMean(id, scope.steps.keys())}`, at);
      }
      if (!scope.upstream.has(id)) {
        if (id === scope.step) return report(`step '${id}' cannot refer to its own values`, at);
        const who = scope.step === undefined ? scope.place : `step '${scope.step}'`;
        return report(`${who} refers to step '${id}', which is not upstream of it (add '${id}' to needs)`, at);
      }
      if (second === undefined) return chain.segments.length === 1 ? { kind: 'object' } : ANY;
      const field = String(second);
      if (!STEP_FIELDS.includes(field)) {
        return report(`unknown property '${field}' of step '${id}' (expected ${quoteList(STEP_FIELDS, 'or')})`, at);
      }
      if (field === 'result') return noProperties({ kind: 'string', label: `the result of step '${id}'` }, 2);
      if (third === undefined) return chain.segments.length === 2 ? { kind: 'object' } : ANY;
      if (step.open === true) return ANY;
      const key = String(third);
      const wrap = (kind: StaticKind, label: string): StaticType => (step.fanOut ? { kind: 'list', label: `${label} (a list: the step has a matrix)` } : { kind, label });
      if (field === 'outputs') {
        const kind = step.outputs.get(key);
        if (kind !== undefined) return noProperties(wrap(kind, `output '${key}' of step '${id}'`), 3);
        if (step.artifacts.has(key)) {
          return report(`'${key}' is a file or directory output of step '${id}': use steps.${id}.artifacts.${key}`, at);
        }
        return report(`step '${id}' has no output '${key}'${known(step.outputs.keys(), 'value outputs')}`, at);
      }
      if (field === 'artifacts') {
        if (step.artifacts.has(key)) return noProperties(wrap('string', `artifact '${key}' of step '${id}'`), 3);
        if (step.outputs.has(key)) {
          return report(`'${key}' is a value output of step '${id}': use steps.${id}.outputs.${key}`, at);
        }
        return report(`step '${id}' has no file or directory output '${key}'${known(step.artifacts, 'file or directory outputs')}`, at);
      }
      if (step.metrics.has(key)) return noProperties(wrap('number', `metric '${key}' of step '${id}'`), 3);
      return report(`step '${id}' has no metric '${key}'${known(step.metrics, 'metrics')}`, at);
    }
    case 'matrix': {
      if (scope.matrixAxes === undefined) {
        return report(
          scope.condition === true ? "'matrix' is not available in an 'if' condition" : `'matrix' is only available in a step with a matrix`,
          at,
        );
      }
      if (first === undefined) return chain.segments.length === 0 ? { kind: 'object' } : ANY;
      const axis = String(first);
      if (!scope.matrixAxes.has(axis)) return report(`unknown matrix axis '${axis}'${didYouMean(axis, scope.matrixAxes)}`, at);
      return ANY;
    }
    case 'trial': {
      if (scope.trial !== true) {
        return report("'trial' is only available in the trial template of a slipway/tune step (its run, env, working-directory and outputs)", at);
      }
      if (first === undefined) return chain.segments.length === 0 ? { kind: 'object' } : ANY;
      if (first === 'number') return noProperties({ kind: 'number', label: 'the trial number' }, 1);
      if (first !== 'params') return report(`unknown property '${String(first)}' of 'trial' (expected 'params' or 'number')`, at);
      return ANY;
    }
    case 'execution':
    case 'pipeline': {
      const field = chain.root === 'execution' ? 'id' : 'name';
      if (first === undefined) return chain.segments.length === 0 ? { kind: 'object' } : ANY;
      if (first !== field) return report(`unknown property '${String(first)}' of '${chain.root}' (only '${field}')`, at);
      return noProperties({ kind: 'string', label: text }, 1);
    }
    default:
      return report(`unknown name '${chain.root}'${CONTEXT_HINTS[chain.root] ?? ` (expected ${quoteList(CONTEXTS, 'or')})`}`, at);
  }
}

function known(names: Iterable<string>, what: string): string {
  const list = [...names];
  return list.length === 0 ? ` (it declares no ${what})` : ` (it has ${quoteList(list)})`;
}

function paramType(name: string, spec: ParamSpec): StaticType {
  const label = `${spec.type} param '${name}'`;
  switch (spec.type) {
    case 'int':
    case 'float':
      return { kind: 'number', label };
    case 'bool':
      return { kind: 'boolean', label };
    case 'choice':
      return { kind: 'string', label, options: spec.options ?? [] };
    default:
      return { kind: 'string', label };
  }
}

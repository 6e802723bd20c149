/**
 * Parameter values for one execution: the definition's defaults overridden by the caller's
 * values, each checked against the param's type. Values from the command line
 * (`-p n_estimators=200`) arrive as strings and are converted; values from the API (JSON)
 * must already have the right type.
 * @module
 */

import { didYouMean, IssueList, quoteList } from './pipeline-issues.js';
import type { ParamSpec, ParamValue, PipelineDefinition } from './pipeline-model.js';
import { paramValueProblem } from './read-pipeline-document.js';

const INTEGER = /^[-+]?\d+$/;
const FLOAT = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

/**
 * Splits `name=value` assignments (the CLI's repeated `-p`). The value is everything after
 * the first `=`. Throws a {@link PipelineDefinitionError} for an assignment without `=`,
 * with an invalid name, or naming a param twice.
 */
export function parseParamAssignments(assignments: readonly string[]): Record<string, string> {
  const issues = new IssueList();
  const values: Record<string, string> = {};
  assignments.forEach((assignment, i) => {
    const at = assignment.indexOf('=');
    const name = at < 0 ? '' : assignment.slice(0, at).trim();
    if (at < 0 || name === '') {
      issues.add(['params', i], `'${assignment}' is not a parameter assignment (expected name=value)`);
    } else if (Object.hasOwn(values, name)) {
      issues.add(['params', name], `param '${name}' is given twice`);
    } else {
      values[name] = assignment.slice(at + 1);
    }
  });
  issues.throwIfAny();
  return values;
}

/**
 * Converts one value for a param: strings are parsed for `int`, `float` and `bool`
 * (`true/false`, `yes/no`, `on/off`, `1/0`); other values must have the param's type.
 */
export function coerceParamValue(spec: ParamSpec, raw: unknown): { value: ParamValue } | { problem: string } {
  if (typeof raw === 'string') {
    const text = raw.trim();
    switch (spec.type) {
      case 'int': {
        const n = Number(text);
        if (INTEGER.test(text) && Number.isSafeInteger(n)) return { value: n };
        return { problem: `must be an integer, not '${raw}'` };
      }
      case 'float': {
        const n = Number(text);
        if (FLOAT.test(text) && Number.isFinite(n)) return { value: n };
        return { problem: `must be a number, not '${raw}'` };
      }
      case 'bool': {
        const lower = text.toLowerCase();
        if (TRUE.has(lower)) return { value: true };
        if (FALSE.has(lower)) return { value: false };
        return { problem: `must be true or false, not '${raw}'` };
      }
      default:
        break;
    }
  }
  const problem = paramValueProblem(spec.type, raw, spec.options);
  return problem === undefined ? { value: raw as ParamValue } : { problem };
}

/**
 * The params of one execution: every declared param, from `overrides` or its default.
 * Throws a {@link PipelineDefinitionError} naming each unknown param, badly typed value,
 * value that is not an option, and required param left out.
 */
export function resolveParams(
  definition: PipelineDefinition,
  overrides: Readonly<Record<string, unknown>> = {},
): Record<string, ParamValue> {
  const issues = new IssueList();
  const values: Record<string, ParamValue> = {};
  const declared = Object.keys(definition.params);
  for (const [name, raw] of Object.entries(overrides)) {
    const spec = Object.hasOwn(definition.params, name) ? definition.params[name] : undefined;
    if (spec === undefined) {
      issues.add(
        ['params', name],
        `unknown param '${name}'${didYouMean(name, declared) || (declared.length === 0 ? `: pipeline '${definition.name}' has no params` : ` (pipeline '${definition.name}' has ${quoteList(declared)})`)}`,
      );
      continue;
    }
    const result = coerceParamValue(spec, raw);
    if ('problem' in result) issues.add(['params', name], `param '${name}' (${spec.type}) ${result.problem}`);
    else values[name] = result.value;
  }
  for (const [name, spec] of Object.entries(definition.params)) {
    if (Object.hasOwn(values, name) || Object.hasOwn(overrides, name)) continue;
    if (spec.default === undefined) issues.add(['params', name], `param '${name}' is required (it has no default)`);
    else values[name] = spec.default;
  }
  issues.throwIfAny();
  // Declaration order, whatever order the overrides came in.
  const ordered: Record<string, ParamValue> = {};
  for (const name of declared) {
    const value = values[name];
    if (value !== undefined) ordered[name] = value;
  }
  return ordered;
}


/**
 * The functions an expression may call. The status functions (`success()`, `failure()`,
 * `always()`, `cancelled()`) exist only in `if:` conditions.
 * @module
 */

import type { JsonValue } from '../pipeline-model.js';
import { ExpressionError } from './expression-error.js';
import { looseEquals, toText } from './expression-values.js';

/** The type of an expression's value as far as the static checker can tell. */
export type StaticKind = 'string' | 'number' | 'boolean' | 'null' | 'list' | 'object' | 'any';

/** What a status function is asked about: the results of the step's upstream steps. */
export interface StatusView {
  readonly anyFailed: boolean;
  readonly allSucceeded: boolean;
  readonly cancelled: boolean;
}

export interface ExpressionFunction {
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly result: StaticKind;
  /** Only in `if:`. */
  readonly status?: true;
  readonly signature: string;
  /** `offset` is where the call starts, for error messages. */
  call(args: readonly JsonValue[], status: StatusView | undefined, offset: number): JsonValue;
}

const text = (value: JsonValue | undefined): string => toText(value ?? null);

function needStatus(status: StatusView | undefined, name: string, offset: number): StatusView {
  if (status === undefined) throw new ExpressionError(`${name}() can only be used in an 'if' condition`, offset);
  return status;
}

export const EXPRESSION_FUNCTIONS: Readonly<Record<string, ExpressionFunction>> = {
  contains: {
    minArgs: 2,
    maxArgs: 2,
    result: 'boolean',
    signature: 'contains(search, item)',
    call: ([search, item]) =>
      Array.isArray(search)
        ? (search as readonly JsonValue[]).some((element) => looseEquals(element, item ?? null))
        : text(search).includes(text(item)),
  },
  startsWith: {
    minArgs: 2,
    maxArgs: 2,
    result: 'boolean',
    signature: 'startsWith(text, prefix)',
    call: ([value, prefix]) => text(value).startsWith(text(prefix)),
  },
  endsWith: {
    minArgs: 2,
    maxArgs: 2,
    result: 'boolean',
    signature: 'endsWith(text, suffix)',
    call: ([value, suffix]) => text(value).endsWith(text(suffix)),
  },
  format: {
    minArgs: 1,
    maxArgs: Infinity,
    result: 'string',
    signature: "format('{0} {1}', a, b, …)",
    call: ([pattern, ...args], _status, offset) => format(text(pattern), args, offset),
  },
  join: {
    minArgs: 1,
    maxArgs: 2,
    result: 'string',
    signature: "join(list, separator = ',')",
    call: ([list, separator]) =>
      Array.isArray(list)
        ? (list as readonly JsonValue[]).map((v) => toText(v)).join(separator === undefined ? ',' : text(separator))
        : text(list),
  },
  toJSON: {
    minArgs: 1,
    maxArgs: 1,
    result: 'string',
    signature: 'toJSON(value)',
    call: ([value]) => JSON.stringify(value ?? null),
  },
  fromJSON: {
    minArgs: 1,
    maxArgs: 1,
    result: 'any',
    signature: 'fromJSON(text)',
    call: ([value], _status, offset) => {
      try {
        return JSON.parse(text(value)) as JsonValue;
      } catch (e) {
        throw new ExpressionError(
          `fromJSON(): not valid JSON (${e instanceof Error ? e.message : String(e)}): ${abbreviate(text(value))}`,
          offset,
        );
      }
    },
  },
  success: {
    minArgs: 0,
    maxArgs: 0,
    result: 'boolean',
    status: true,
    signature: 'success()',
    call: (_args, status, offset) => {
      const s = needStatus(status, 'success', offset);
      return s.allSucceeded && !s.cancelled;
    },
  },
  failure: {
    minArgs: 0,
    maxArgs: 0,
    result: 'boolean',
    status: true,
    signature: 'failure()',
    call: (_args, status, offset) => needStatus(status, 'failure', offset).anyFailed,
  },
  cancelled: {
    minArgs: 0,
    maxArgs: 0,
    result: 'boolean',
    status: true,
    signature: 'cancelled()',
    call: (_args, status, offset) => needStatus(status, 'cancelled', offset).cancelled,
  },
  always: {
    minArgs: 0,
    maxArgs: 0,
    result: 'boolean',
    status: true,
    signature: 'always()',
    call: (_args, status, offset) => {
      needStatus(status, 'always', offset);
      return true;
    },
  },
};

function format(pattern: string, args: readonly JsonValue[], offset: number): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '{') {
      if (pattern[i + 1] === '{') {
        out += '{';
        i++;
        continue;
      }
      const close = pattern.indexOf('}', i);
      const index = close < 0 ? NaN : Number(pattern.slice(i + 1, close));
      if (!Number.isInteger(index) || index < 0 || close === i + 1) {
        throw new ExpressionError(`format(): invalid placeholder in '${pattern}' (use {0}, {1}, … or {{ and }})`, offset);
      }
      if (index >= args.length) {
        throw new ExpressionError(`format(): '{${index}}' but only ${args.length} argument(s) after the pattern`, offset);
      }
      out += toText(args[index] ?? null);
      i = close;
    } else if (c === '}') {
      if (pattern[i + 1] !== '}') throw new ExpressionError(`format(): unmatched '}' in '${pattern}' (write '}}')`, offset);
      out += '}';
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

function abbreviate(value: string): string {
  return value.length > 60 ? `'${value.slice(0, 57)}…'` : `'${value}'`;
}

/**
 * The syntax tree of a `${{ … }}` expression. Every node records where it starts and ends,
 * as offsets in the string the expression was read from (the whole field value, so an
 * error can point at the offending column).
 * @module
 */

export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type LogicalOperator = '&&' | '||';

export interface Span {
  readonly start: number;
  readonly end: number;
}

export type Expression =
  | LiteralExpression
  | ContextExpression
  | PropertyExpression
  | IndexExpression
  | CallExpression
  | NotExpression
  | ComparisonExpression
  | LogicalExpression;

export interface LiteralExpression extends Span {
  readonly kind: 'literal';
  readonly value: string | number | boolean | null;
}

/** A bare name not followed by `(`: the root of a reference (`params`, `steps`, …). */
export interface ContextExpression extends Span {
  readonly kind: 'context';
  readonly name: string;
}

/** `object.name`. */
export interface PropertyExpression extends Span {
  readonly kind: 'property';
  readonly object: Expression;
  readonly name: string;
}

/** `object[index]`. */
export interface IndexExpression extends Span {
  readonly kind: 'index';
  readonly object: Expression;
  readonly index: Expression;
}

export interface CallExpression extends Span {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Expression[];
}

export interface NotExpression extends Span {
  readonly kind: 'not';
  readonly operand: Expression;
}

export interface ComparisonExpression extends Span {
  readonly kind: 'comparison';
  readonly operator: ComparisonOperator;
  readonly left: Expression;
  readonly right: Expression;
}

export interface LogicalExpression extends Span {
  readonly kind: 'logical';
  readonly operator: LogicalOperator;
  readonly left: Expression;
  readonly right: Expression;
}

/**
 * A reference written as a chain of names from a context: `steps.train.outputs.model` or
 * `steps['train'].outputs.model`. `undefined` stands for an index that is not a literal.
 */
export interface ReferenceChain {
  readonly root: string;
  readonly segments: readonly (string | number | undefined)[];
  readonly span: Span;
}

/** The chain behind a property/index expression, or `undefined` when it has no context root. */
export function referenceChain(expression: Expression): ReferenceChain | undefined {
  const segments: (string | number | undefined)[] = [];
  let node: Expression = expression;
  for (;;) {
    if (node.kind === 'property') {
      segments.unshift(node.name);
      node = node.object;
    } else if (node.kind === 'index') {
      const index = node.index;
      segments.unshift(
        index.kind === 'literal' && (typeof index.value === 'string' || typeof index.value === 'number')
          ? index.value
          : undefined,
      );
      node = node.object;
    } else if (node.kind === 'context') {
      return { root: node.name, segments, span: { start: node.start, end: expression.end } };
    } else {
      return undefined;
    }
  }
}

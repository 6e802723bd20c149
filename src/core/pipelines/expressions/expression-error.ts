import { ErrorCode } from '../../errors/error-code.js';
import { SlipwayError } from '../../errors/slipway-error.js';

/**
 * A `${{ … }}` expression that cannot be read or evaluated. `offset` is where the problem
 * is in the string the expression was read from.
 */
export class ExpressionError extends SlipwayError {
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(ErrorCode.INVALID_PARAMETER_VALUE, message);
    this.offset = offset;
  }
}

import { isSlipwayError, SlipwayError } from '../core/errors/slipway-error.js';

/**
 * Turns a driver's unique-constraint violation into RESOURCE_ALREADY_EXISTS with the
 * caller's message; any other error passes through untouched.
 */
export function translateUniqueViolation(e: unknown, message: string): unknown {
  if (isSlipwayError(e)) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505') {
    return SlipwayError.alreadyExists(message);
  }
  return e;
}

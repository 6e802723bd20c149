/**
 * Turns a built-in step's `interruption()` (asked, not pushed) into an AbortSignal for the
 * waits it makes (an endpoint settling): looked at every `everyMs`.
 * @module
 */

import type { BuiltinContext } from './builtin-context.js';

export interface InterruptionWatch {
  readonly signal: AbortSignal;
  /** Why the step was interrupted ('cancel' or 'stop'), or undefined. */
  reason(): 'cancel' | 'stop' | undefined;
  stop(): void;
}

export function watchInterruption(context: Pick<BuiltinContext, 'interruption'>, everyMs = 250): InterruptionWatch {
  const controller = new AbortController();
  let seen: 'cancel' | 'stop' | undefined;
  const look = (): 'cancel' | 'stop' | undefined => {
    seen ??= context.interruption?.();
    if (seen !== undefined && !controller.signal.aborted) controller.abort(new Error(seen === 'cancel' ? 'the step was cancelled' : 'the server is stopping'));
    return seen;
  };
  const timer = context.interruption === undefined ? undefined : setInterval(look, everyMs);
  timer?.unref();
  return {
    signal: controller.signal,
    reason: look,
    stop: () => clearInterval(timer),
  };
}

/**
 * Cleanup: LIFO actions, also run on SIGINT/SIGTERM (after which the process exits with 130);
 * process groups still registered are SIGKILLed on exit (see process-groups.ts).
 */
import { errorText, log } from './log.js';
import './process-groups.js';

type CleanupAction = () => Promise<void> | void;
const cleanupStack: { label: string; action: CleanupAction }[] = [];
let interrupted = false;

export function onCleanup(label: string, action: CleanupAction): void {
  cleanupStack.push({ label, action });
}

/** How many actions are registered: pass it to runCleanup to undo only what came after. */
export function cleanupMark(): number {
  return cleanupStack.length;
}

/** Runs (and forgets) the actions registered after the first `downTo`, newest first. */
export async function runCleanup(downTo = 0): Promise<void> {
  while (cleanupStack.length > downTo) {
    const { label, action } = cleanupStack.pop()!;
    try {
      await action();
    } catch (e) {
      log(`cleanup '${label}' failed: ${errorText(e)}`);
    }
  }
}

/** Whether SIGINT or SIGTERM arrived (the signal handler then cleans up and exits). */
export function isInterrupted(): boolean {
  return interrupted;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: cleaning up`);
    void runCleanup().finally(() => process.exit(130));
  });
}

/** Runs the script's main; a failure is logged and sets exit code 1; cleanup runs in any case. */
export function runWithCleanup(main: () => Promise<void>): void {
  main()
    .catch((e: unknown) => {
      log(`failed: ${errorText(e)}`);
      process.exitCode = 1;
    })
    .finally(() => runCleanup());
}

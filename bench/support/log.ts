/** Progress lines on stderr, `[<name> HH:MM:SS] message`; each script names itself once with setLogName. */
let logName = 'bench';

export function setLogName(name: string): void {
  logName = name;
}

export function log(message: string): void {
  process.stderr.write(`[${logName} ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The environment of a step's process: a few variables passed through from the server
 * (PATH, HOME, locale, …), the configured secrets, the pipeline's and the step's `env:`,
 * then the step contract's variables, which nothing overrides.
 * @module
 */

/** Passed through from the server's environment when set. */
export const PASSED_ENV = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TEMP', 'TMP', 'SYSTEMROOT'];

export function baseEnvironment(serverEnv: NodeJS.ProcessEnv, secrets: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(serverEnv)) {
    if (value !== undefined && (PASSED_ENV.includes(name) || name.startsWith('LC_'))) env[name] = value;
  }
  return { ...env, ...secrets };
}

/** `SLIPWAY_INPUT_<STEP>_<NAME>`: upper case, anything but letters and digits as `_`. */
export function inputVariable(stepId: string, name: string): string {
  const part = (s: string): string => s.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return `SLIPWAY_INPUT_${part(stepId)}_${part(name)}`;
}

import { readFileSync } from 'node:fs';

/** Slipway's own version, from package.json. */
export const SLIPWAY_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * The MLflow server version `/version` reports. Clients gate features on it: 3.4 and
 * later make the client stream trace spans over OTLP (`/v1/traces`), which Slipway does
 * not serve, so it reports the last version before that.
 */
export const MLFLOW_COMPATIBLE_VERSION = '3.3.2';

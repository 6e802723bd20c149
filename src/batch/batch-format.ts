/**
 * The file formats batch prediction reads and writes.
 * @module
 */

import { SlipwayError } from '../core/errors/slipway-error.js';

export type BatchFormat = 'csv' | 'jsonl';

export const BATCH_FORMATS: readonly BatchFormat[] = ['csv', 'jsonl'];

/** The format a file name implies (`.csv`, `.jsonl` or `.ndjson`); undefined when it implies none. */
export function formatOfPath(path: string): BatchFormat | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  return undefined;
}

/** The given format, else the one the input file's name implies; refuses when neither says. */
export function chooseFormat(given: string | undefined, inputPath: string): BatchFormat {
  if (given !== undefined) {
    if (given === 'csv' || given === 'jsonl') return given;
    throw SlipwayError.invalidParameter(`Unknown format '${given}': use csv or jsonl.`);
  }
  const implied = formatOfPath(inputPath);
  if (implied === undefined) throw SlipwayError.invalidParameter(`Cannot tell the format of '${inputPath}' from its name: give --format csv or --format jsonl.`);
  return implied;
}

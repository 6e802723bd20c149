/**
 * Step row positions: step `i` of the order is at `i * POSITION_STRIDE`, its matrix
 * instances just after it (so an instance's ordinal is its position modulo the stride).
 * @module
 */

import type { StepRecord } from '../../core/ports/pipeline-store.js';
import { instanceDirName } from './step-rows.js';

export const POSITION_STRIDE = 10_000;

/** The directory name of a matrix instance's attempts and logs; undefined for a step's own row. */
export function instanceDir(row: StepRecord): string | undefined {
  return row.instance === undefined ? undefined : instanceDirName(row.position % POSITION_STRIDE, row.instance);
}

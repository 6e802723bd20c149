/**
 * The messages between a batch job and its worker threads.
 * @module
 */

import type { FormatOptions } from './format-chunk.js';
import type { BadRecord } from './parse-chunk.js';
import type { ScorePlan } from './score-plan.js';

export interface ScoreWorkerData {
  readonly modelFile: string;
  readonly plan: ScorePlan;
  readonly output: FormatOptions;
  /** Bad records are returned (to be written to an errors file) instead of failing the chunk. */
  readonly skipBad: boolean;
  readonly intraOpNumThreads: number;
}

export interface WorkerRequest {
  readonly seq: number;
  /** Whole records (transferred). */
  readonly bytes: Uint8Array;
  readonly firstLine: number;
}

export type WorkerReply =
  | { readonly ready: true }
  | { readonly seq: number; /** The output's UTF-8 text for the chunk (transferred). */ readonly bytes: Uint8Array; readonly rows: number; readonly width: number; readonly bad: readonly BadRecord[] }
  | { readonly seq: number; readonly error: string; readonly line?: number | undefined };

import type { LifecycleStage } from './lifecycle-stage.js';
import type { Tag } from './tag.js';

/** An experiment: a named group of runs with its own artifact root. */
export interface Experiment {
  readonly experimentId: string;
  readonly name: string;
  readonly artifactLocation: string;
  readonly lifecycleStage: LifecycleStage;
  /** Milliseconds since the epoch. */
  readonly creationTime: number;
  readonly lastUpdateTime: number;
  readonly tags: readonly Tag[];
}

/** The id of the `Default` experiment that exists in every store. */
export const DEFAULT_EXPERIMENT_ID = '0';
export const DEFAULT_EXPERIMENT_NAME = 'Default';

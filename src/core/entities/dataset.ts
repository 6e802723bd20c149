import type { Tag } from './tag.js';

/** A dataset as MLflow describes it: identified within an experiment by name and digest. */
export interface Dataset {
  readonly name: string;
  readonly digest: string;
  readonly sourceType: string;
  readonly source: string;
  readonly schema?: string | undefined;
  readonly profile?: string | undefined;
}

/** A dataset used by a run, with input tags such as `mlflow.data.context`. */
export interface DatasetInput {
  readonly tags: readonly Tag[];
  readonly dataset: Dataset;
}

/** The input tag whose value `datasets.context` searches. */
export const DATASET_CONTEXT_TAG = 'mlflow.data.context';

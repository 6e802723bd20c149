/**
 * MLflow's size limits (`mlflow/utils/validation.py`), enforced with the same numbers so
 * that what one server accepts the other does too.
 */
export const LIMITS = {
  keyLength: 250,
  paramValueLength: 6_000,
  runTagValueLength: 8_000,
  /** MLflow 3.17's MAX_EXPERIMENT_TAG_VAL_LENGTH (an error beyond it, no truncation). */
  experimentTagValueLength: 20_000,
  experimentNameLength: 500,
  batchMetrics: 1_000,
  batchParams: 100,
  batchTags: 100,
  batchEntities: 1_000,
  datasetNameLength: 500,
  datasetDigestLength: 36,
  datasetSourceLength: 65_535,
  datasetSchemaLength: 1_048_575,
  datasetProfileLength: 16_384,
  inputTagKeyLength: 255,
  inputTagValueLength: 500,
  searchRunsMaxResults: 50_000,
  searchRunsDefault: 1_000,
  searchExperimentsMaxResults: 50_000,
  searchExperimentsDefault: 1_000,
  searchLoggedModelsMaxResults: 50_000,
  searchLoggedModelsDefault: 100,
  metricHistoryMaxResults: 1_000_000,
  bulkIntervalMaxRuns: 100,
  bulkIntervalMaxResults: 2_500,
} as const;

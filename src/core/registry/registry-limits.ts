/** MLflow's registry limits and Slipway's additions. */
export const REGISTRY_LIMITS = {
  modelNameLength: 256,
  aliasLength: 255,
  tagKeyLength: 250,
  tagValueLength: 100_000,
  descriptionLength: 100_000,
  approvalCommentLength: 5_000,
  searchModelsDefault: 100,
  searchModelsMax: 1_000,
  searchVersionsDefault: 10_000,
  searchVersionsMax: 200_000,
} as const;

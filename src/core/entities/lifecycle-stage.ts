/** Soft-delete state of experiments, runs and logged models. */
export const LifecycleStage = { ACTIVE: 'active', DELETED: 'deleted' } as const;
export type LifecycleStage = (typeof LifecycleStage)[keyof typeof LifecycleStage];

/** Which lifecycle stages a search returns (MLflow's `ViewType`). */
export const VIEW_TYPES = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const;
export type ViewType = (typeof VIEW_TYPES)[number];

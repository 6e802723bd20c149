/**
 * What can happen in the registry. The names of MLflow's webhook events are used where
 * MLflow has one (`model_version.created`, `model_version_alias.created`, …); the rest are
 * Slipway's, in the same `entity.action` form.
 */
export const REGISTRY_CHANGE_TYPES = [
  'registered_model.created',
  'registered_model.renamed',
  'registered_model.updated',
  'registered_model.deleted',
  'registered_model_tag.set',
  'registered_model_tag.deleted',
  'registered_model.approval_policy_set',
  'model_version.created',
  'model_version.updated',
  'model_version.deleted',
  'model_version.stage_changed',
  'model_version.approval_changed',
  'model_version_tag.set',
  'model_version_tag.deleted',
  'model_version_alias.created',
  'model_version_alias.deleted',
] as const;
export type RegistryChangeType = (typeof REGISTRY_CHANGE_TYPES)[number];

/**
 * One entry of the registry's append-only change log: the audit trail, and the outbox the
 * webhook dispatcher (and later, pipeline triggers and deployments) read events from.
 * Entries are never updated or deleted.
 */
export interface RegistryChange {
  /** Increasing; the order changes were committed in. */
  readonly id: number;
  readonly timestamp: number;
  readonly actor: string;
  readonly type: RegistryChangeType;
  /** The model's name when the change was made. */
  readonly modelName: string;
  readonly version?: number | undefined;
  /** What changed (`stage`, `alias:champion`, `tag:owner`, `name`, `approval`, …). */
  readonly field?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly comment?: string | undefined;
}

/** Who made a change; the registry records `anonymous` when a request names nobody. */
export const ANONYMOUS_ACTOR = 'anonymous';

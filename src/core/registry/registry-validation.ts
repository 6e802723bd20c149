import { APPROVAL_STATUSES, type ApprovalStatus } from '../entities/model-version.js';
import { MODEL_STAGES, type ModelStage } from '../entities/registered-model.js';
import type { Tag } from '../entities/tag.js';
import { SlipwayError } from '../errors/slipway-error.js';
import { validateKey, validateLength } from '../tracking/validation.js';
import { REGISTRY_LIMITS } from './registry-limits.js';

/**
 * Registry request checks that need no stored state. Each throws INVALID_PARAMETER_VALUE
 * naming the field.
 * @module
 */

export function validateModelName(name: string, field = 'name'): void {
  if (name.trim() === '') throw SlipwayError.invalidParameter(`Missing value for required parameter '${field}'.`);
  validateLength(name, REGISTRY_LIMITS.modelNameLength, field);
  if (name === '.' || name === '..') {
    throw SlipwayError.invalidParameter(`Invalid value '${name}' for parameter '${field}': '.' and '..' cannot name a registered model (URLs would drop them).`);
  }
  if (name.includes('/')) {
    throw SlipwayError.invalidParameter(
      `Invalid value '${name}' for parameter '${field}': a registered model name cannot contain '/' (it would make models:/ URIs ambiguous).`,
    );
  }
}

/** A version number, as MLflow sends it (a string of digits). */
export function parseVersion(version: string | number, field = 'version'): number {
  const text = String(version).trim();
  if (!/^[0-9]{1,9}$/.test(text) || Number(text) < 1) {
    throw SlipwayError.invalidParameter(`Invalid value '${String(version)}' for parameter '${field}': a model version is a positive integer.`);
  }
  return Number(text);
}

/** MLflow's alias rules: `[\w-]`, ≤ 255 characters, not `latest`, not version-like (`v3`). */
export function validateAlias(alias: string, field = 'alias'): void {
  if (alias === '') throw SlipwayError.invalidParameter(`Missing value for required parameter '${field}'.`);
  validateLength(alias, REGISTRY_LIMITS.aliasLength, field);
  if (!/^[\w-]+$/.test(alias)) {
    throw SlipwayError.invalidParameter(
      `Invalid alias name '${alias}' (parameter '${field}'): an alias may only contain alphanumerics, underscores and dashes.`,
    );
  }
  if (alias.toLowerCase() === 'latest') {
    throw SlipwayError.invalidParameter(`Invalid alias name '${alias}' (parameter '${field}'): 'latest' is reserved for the newest version.`);
  }
  if (/^[vV]\d+$/.test(alias)) {
    throw SlipwayError.invalidParameter(`Invalid alias name '${alias}' (parameter '${field}'): it looks like a version number.`);
  }
}

/** A stage in any case → its canonical spelling (`production` → `Production`). */
export function parseStage(stage: string, field = 'stage'): ModelStage {
  const found = MODEL_STAGES.find((s) => s.toLowerCase() === stage.trim().toLowerCase());
  if (found === undefined) {
    throw SlipwayError.invalidParameter(
      `Invalid value '${stage}' for parameter '${field}': a stage is one of ${MODEL_STAGES.join(', ')}.`,
    );
  }
  return found;
}

export function parseApprovalStatus(status: string, field = 'status'): ApprovalStatus {
  const found = APPROVAL_STATUSES.find((s) => s.toLowerCase() === status.trim().toLowerCase());
  if (found === undefined) {
    throw SlipwayError.invalidParameter(
      `Invalid value '${status}' for parameter '${field}': an approval status is one of ${APPROVAL_STATUSES.join(', ')}.`,
    );
  }
  return found;
}

export function validateRegistryTag(tag: Tag, field: string): void {
  validateKey('tag', tag.key, `${field}.key`);
  validateLength(tag.value, REGISTRY_LIMITS.tagValueLength, `${field}.value`);
}

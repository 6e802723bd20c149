import type { ModelStage } from '../../core/entities/registered-model.js';
import { ErrorCode } from '../../core/errors/error-code.js';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { ModelVersionsTable } from '../database-schema.js';
import { parsePolicy, type ModelRow } from './registry-rows.js';

/**
 * Refuses (RESOURCE_CONFLICT, 409) to give a version that is not `Approved` an alias or
 * stage the model's approval policy protects.
 */
export function assertApprovedFor(model: ModelRow, version: ModelVersionsTable, promotion: { alias?: string; stage?: ModelStage }): void {
  const policy = parsePolicy(model.approval_policy);
  const what =
    promotion.alias !== undefined && policy.protectedAliases.includes(promotion.alias)
      ? `alias '${promotion.alias}'`
      : promotion.stage !== undefined && policy.protectedStages.includes(promotion.stage)
        ? `stage '${promotion.stage}'`
        : undefined;
  if (what === undefined || version.approval_status === 'Approved') return;
  throw new SlipwayError(
    ErrorCode.RESOURCE_CONFLICT,
    `Version ${version.version} of registered model '${model.name}' is ${version.approval_status}, not Approved: ` +
      `the model's approval policy requires an approved version for ${what}. Approve it first ` +
      `(slipway models approve ${model.name} ${version.version}).`,
  );
}

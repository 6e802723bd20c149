import { Type } from '@sinclair/typebox';
import type { RegistryService } from '../../core/registry/registry-service.js';
import { Int64, Repeated, Required } from '../http/proto-schema.js';
import { mlflowRoute, type MlflowRoute } from '../mlflow/mlflow-route.js';
import { wireChange, wireLineage, wireModelDetail, wireVersionDetail } from './registry-wire-format.js';

/** Where Slipway's own API lives (mirrored under `/ajax-api/slipway/v1` for the UI). */
export const SLIPWAY_PREFIXES = ['/api/slipway/v1', '/ajax-api/slipway/v1'] as const;

const Name = Required(Type.String({ description: 'Registered model name.' }));
const Version = Type.Unsafe<string | number>({ type: ['string', 'integer'], minLength: 1, description: 'Version number.' });

/**
 * Slipway's registry extensions: approvals and the approval policy, the audit trail, and
 * lineage. Models and versions are returned with their approval details.
 */
export function slipwayRegistryRoutes(registry: RegistryService): MlflowRoute[] {
  return [
    mlflowRoute({
      methods: ['GET'],
      path: '/registered-models/:name',
      summary: 'A registered model with its approval policy',
      request: Type.Object({ name: Name }),
      handler: async (r) => ({ registered_model: wireModelDetail(await registry.getRegisteredModel(r.name)) }),
    }),
    mlflowRoute({
      methods: ['PUT'],
      path: '/registered-models/:name/approval-policy',
      summary: 'Which aliases and stages require an approved version',
      request: Type.Object({
        name: Name,
        protected_aliases: Type.Optional(Repeated(Type.String())),
        protected_stages: Type.Optional(Repeated(Type.String())),
      }),
      handler: async (r, c) => ({
        registered_model: wireModelDetail(
          await registry.setApprovalPolicy(r.name, { protectedAliases: r.protected_aliases ?? [], protectedStages: r.protected_stages ?? [] }, c.actor),
        ),
      }),
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/registered-models/:name/versions/:version',
      summary: 'A model version with its approval',
      request: Type.Object({ name: Name, version: Version }),
      handler: async (r) => ({ model_version: wireVersionDetail(await registry.getModelVersion(r.name, r.version)) }),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/registered-models/:name/versions/:version/approval',
      summary: 'Approve or reject a version (PendingManualApproval, Approved, Rejected)',
      request: Type.Object({ name: Name, version: Version, status: Required(Type.String()), comment: Type.Optional(Type.String()) }),
      handler: async (r, c) => ({
        model_version: wireVersionDetail(await registry.setApproval(r.name, r.version, r.status, r.comment, c.actor)),
      }),
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/registered-models/:name/versions/:version/lineage',
      summary: "A version's lineage: datasets, run, logged model, and linked pipeline executions and deployments",
      request: Type.Object({ name: Name, version: Version }),
      handler: async (r) => ({ lineage: wireLineage(await registry.lineage(r.name, r.version)) }),
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/registry/audit',
      summary: 'The registry change log (audit trail), oldest first',
      request: Type.Object({
        name: Type.Optional(Type.String()),
        version: Type.Optional(Version),
        types: Type.Optional(Repeated(Type.String())),
        after_id: Type.Optional(Int64()),
        max_results: Type.Optional(Int64()),
      }),
      handler: async (r) => ({
        entries: (
          await registry.listChanges({ name: r.name, version: r.version, types: r.types, afterId: r.after_id, maxResults: r.max_results })
        ).map(wireChange),
      }),
    }),
  ];
}

import type { LineageGraph } from '../../core/entities/lineage.js';
import type { ModelVersion } from '../../core/entities/model-version.js';
import type { RegisteredModel } from '../../core/entities/registered-model.js';
import type { RegistryChange } from '../../core/entities/registry-change.js';
import { wireTags, type Wire } from '../mlflow/wire-format.js';

/**
 * Registry objects in MLflow's proto-JSON (version numbers as strings), and Slipway's
 * extended forms with approvals, the approval policy and the change log.
 * @module
 */

export function wireModelVersion(v: ModelVersion): Wire {
  const out: Wire = {
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.creationTimestamp,
    last_updated_timestamp: v.lastUpdatedTimestamp,
    current_stage: v.currentStage,
    source: v.source,
    status: v.status,
    tags: wireTags(v.tags),
    aliases: [...v.aliases],
  };
  if (v.userId !== undefined) out.user_id = v.userId;
  if (v.description !== undefined) out.description = v.description;
  if (v.runId !== undefined) out.run_id = v.runId;
  if (v.runLink !== undefined) out.run_link = v.runLink;
  if (v.modelId !== undefined) out.model_id = v.modelId;
  if (v.statusMessage !== undefined) out.status_message = v.statusMessage;
  return out;
}

export function wireRegisteredModel(m: RegisteredModel): Wire {
  const out: Wire = {
    name: m.name,
    creation_timestamp: m.creationTimestamp,
    last_updated_timestamp: m.lastUpdatedTimestamp,
    latest_versions: m.latestVersions.map(wireModelVersion),
    tags: wireTags(m.tags),
    aliases: m.aliases.map((a) => ({ alias: a.alias, version: String(a.version) })),
  };
  if (m.userId !== undefined) out.user_id = m.userId;
  if (m.description !== undefined) out.description = m.description;
  return out;
}

/** Slipway's version view: MLflow's fields plus the approval and the storage location. */
export function wireVersionDetail(v: ModelVersion): Wire {
  const approval: Wire = { status: v.approval.status };
  if (v.approval.actor !== undefined) approval.actor = v.approval.actor;
  if (v.approval.timestamp !== undefined) approval.timestamp = v.approval.timestamp;
  if (v.approval.comment !== undefined) approval.comment = v.approval.comment;
  return { ...wireModelVersion(v), storage_location: v.storageLocation, approval };
}

/** Slipway's model view: MLflow's fields plus the approval policy. */
export function wireModelDetail(m: RegisteredModel): Wire {
  return {
    ...wireRegisteredModel(m),
    latest_versions: m.latestVersions.map(wireVersionDetail),
    approval_policy: {
      protected_aliases: [...m.approvalPolicy.protectedAliases],
      protected_stages: [...m.approvalPolicy.protectedStages],
    },
  };
}

export function wireChange(c: RegistryChange): Wire {
  const out: Wire = { id: c.id, timestamp: c.timestamp, actor: c.actor, type: c.type, model_name: c.modelName };
  if (c.version !== undefined) out.version = String(c.version);
  if (c.field !== undefined) out.field = c.field;
  if (c.from !== undefined) out.from = c.from;
  if (c.to !== undefined) out.to = c.to;
  if (c.comment !== undefined) out.comment = c.comment;
  return out;
}

export function wireLineage(g: LineageGraph): Wire {
  return {
    root: g.root,
    nodes: g.nodes.map((n) => ({ id: n.id, kind: n.kind, label: n.label, attributes: n.attributes })),
    edges: g.edges.map((e) => ({ from: e.from, to: e.to, relation: e.relation })),
  };
}

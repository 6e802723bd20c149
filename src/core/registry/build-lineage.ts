import { DATASET_CONTEXT_TAG } from '../entities/dataset.js';
import { LINEAGE_NODE_KINDS as K, lineageNodeId, type LineageEdge, type LineageGraph, type LineageNode } from '../entities/lineage.js';
import type { LoggedModel } from '../entities/logged-model.js';
import type { ModelVersion } from '../entities/model-version.js';
import type { Run } from '../entities/run.js';
import { isSlipwayError } from '../errors/slipway-error.js';
import type { RegistryStore } from '../ports/registry-store.js';
import type { TrackingStore } from '../ports/tracking-store.js';

/**
 * A version's lineage graph. The core chain is derived from what the registry and the
 * tracking store already record (version → logged model → run → dataset inputs); edges
 * other parts of Slipway store (a pipeline execution that produced the run, deployments
 * serving the version) are added around every node of that chain, so new kinds of nodes
 * need no change here.
 */
export async function buildLineage(
  mv: ModelVersion,
  stores: { readonly tracking: TrackingStore; readonly registry: RegistryStore },
): Promise<LineageGraph> {
  const nodes = new Map<string, LineageNode>();
  const edges: LineageEdge[] = [];
  const add = (node: LineageNode): string => {
    if (!nodes.has(node.id)) nodes.set(node.id, node);
    return node.id;
  };
  const link = (from: string, to: string, relation: string): void => {
    if (!edges.some((e) => e.from === from && e.to === to && e.relation === relation)) edges.push({ from, to, relation });
  };

  const root = add({
    id: lineageNodeId(K.MODEL_VERSION, `${mv.name}/${mv.version}`),
    kind: K.MODEL_VERSION,
    label: `${mv.name} v${mv.version}`,
    attributes: {
      name: mv.name,
      version: mv.version,
      stage: mv.currentStage,
      aliases: mv.aliases,
      approval_status: mv.approval.status,
      source: mv.source,
      storage_location: mv.storageLocation,
      created: mv.creationTimestamp,
    },
  });

  const logged = mv.modelId === undefined ? undefined : await optional(stores.tracking.getLoggedModel(mv.modelId));
  let produced = root;
  if (logged !== undefined) {
    produced = add(loggedModelNode(logged));
    link(produced, root, 'registered_as');
  }
  const runId = mv.runId ?? logged?.sourceRunId;
  const run = runId === undefined ? undefined : await optional(stores.tracking.getRun(runId));
  if (run !== undefined) {
    const runNode = add(runNodeOf(run));
    link(runNode, produced, 'produced');
    for (const input of run.inputs.datasetInputs) {
      const d = input.dataset;
      const datasetNode = add({
        id: lineageNodeId(K.DATASET, `${d.name}@${d.digest}`),
        kind: K.DATASET,
        label: d.name,
        attributes: {
          name: d.name,
          digest: d.digest,
          source_type: d.sourceType,
          source: d.source,
          context: input.tags.find((t) => t.key === DATASET_CONTEXT_TAG)?.value,
        },
      });
      link(datasetNode, runNode, 'input_to');
    }
  }

  for (const e of await stores.registry.lineageLinks([...nodes.keys()])) {
    for (const id of [e.from, e.to]) add(placeholderNode(id));
    link(e.from, e.to, e.relation);
  }
  return { root, nodes: [...nodes.values()], edges };
}

function loggedModelNode(m: LoggedModel): LineageNode {
  return {
    id: lineageNodeId(K.LOGGED_MODEL, m.modelId),
    kind: K.LOGGED_MODEL,
    label: m.name,
    attributes: { model_id: m.modelId, name: m.name, status: m.status, artifact_location: m.artifactLocation, model_type: m.modelType },
  };
}

function runNodeOf(run: Run): LineageNode {
  return {
    id: lineageNodeId(K.RUN, run.info.runId),
    kind: K.RUN,
    label: run.info.runName,
    attributes: {
      run_id: run.info.runId,
      run_name: run.info.runName,
      experiment_id: run.info.experimentId,
      status: run.info.status,
      start_time: run.info.startTime,
      end_time: run.info.endTime ?? undefined,
      params: Object.fromEntries(run.data.params.map((p) => [p.key, p.value])),
      metrics: Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value])),
    },
  };
}

/** A node known only from a stored link: its kind and natural id come from its id. */
function placeholderNode(id: string): LineageNode {
  const at = id.indexOf(':');
  return { id, kind: at === -1 ? 'unknown' : id.slice(0, at), label: at === -1 ? id : id.slice(at + 1), attributes: {} };
}

/** The value, or undefined when it no longer exists (a deleted run or logged model). */
async function optional<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isSlipwayError(e) && e.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
    throw e;
  }
}

/**
 * A lineage graph: typed nodes and directed edges from input to output
 * (dataset → run → logged model → model version → deployment). Node kinds are open
 * strings so that later parts of Slipway (pipeline executions, deployments) add kinds and
 * relations without changing what existing ones mean.
 */
export interface LineageGraph {
  /** The node the graph was asked for. */
  readonly root: string;
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
}

export const LINEAGE_NODE_KINDS = {
  DATASET: 'dataset',
  RUN: 'run',
  LOGGED_MODEL: 'logged_model',
  MODEL_VERSION: 'model_version',
  PIPELINE_EXECUTION: 'pipeline_execution',
  DEPLOYMENT: 'deployment',
} as const;

export interface LineageNode {
  /** Unique in the graph: `<kind>:<natural id>` (`run:ab12…`, `model_version:housing/3`). */
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  /** What the kind knows about the node (params and metrics of a run, digest of a dataset, …). */
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface LineageEdge {
  readonly from: string;
  readonly to: string;
  /** `input_to`, `produced`, `registered_as`, `deployed_as`, … */
  readonly relation: string;
}

/** The id of a node in lineage graphs and in the stored lineage links. */
export function lineageNodeId(kind: string, naturalId: string): string {
  return `${kind}:${naturalId}`;
}

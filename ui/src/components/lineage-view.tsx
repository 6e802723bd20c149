import type { ReactNode } from 'react';
import type { Lineage } from '../api/slipway-types.js';
import { withBase } from '../lib/base-path.js';
import { CARD, layoutLineage, nodeDetail, type PlacedNode } from '../lib/lineage-layout.js';

const KIND_LABEL: Readonly<Record<string, string>> = {
  dataset: 'Dataset',
  run: 'Run',
  logged_model: 'Logged model',
  model_version: 'Model version',
  pipeline_execution: 'Pipeline execution',
  deployment: 'Deployment',
};

/** Where a node's card links to, when the UI has a page for it. */
function nodeHref(n: PlacedNode['node']): string | undefined {
  if (n.kind === 'run' && typeof n.attributes.run_id === 'string') return `/runs/${encodeURIComponent(n.attributes.run_id)}`;
  return undefined;
}

/**
 * A version's lineage, left to right: datasets → run → logged model → version → deployments
 * (and whatever else is linked), drawn as cards joined by labelled arrows. The same graph is
 * listed as text for screen readers.
 */
export function LineageView(props: { lineage: Lineage }): ReactNode {
  const layout = layoutLineage(props.lineage);
  const label = (id: string): string => {
    const n = props.lineage.nodes.find((x) => x.id === id);
    return n === undefined ? id : `${KIND_LABEL[n.kind] ?? n.kind} ${n.label}`;
  };
  return (
    <div className="lineage">
      <div className="plot-scroll">
        <svg
          className="lineage-graph"
          width={layout.width}
          height={layout.height}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          role="img"
          aria-label={`Lineage of ${label(props.lineage.root)}: ${layout.nodes.length} nodes`}
          data-testid="lineage"
        >
          <defs>
            <marker id="lineage-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0 0 L10 5 L0 10 z" className="arrow-head" />
            </marker>
          </defs>
          {layout.edges.map((e, i) => {
            const x1 = e.from.x + CARD.width;
            const y1 = e.from.y + CARD.height / 2;
            const x2 = e.to.x;
            const y2 = e.to.y + CARD.height / 2;
            const mid = (x1 + x2) / 2;
            return (
              <g key={i} className="lineage-edge">
                <path d={`M${x1} ${y1} C${mid} ${y1} ${mid} ${y2} ${x2 - 2} ${y2}`} markerEnd="url(#lineage-arrow)" />
                <text x={mid} y={(y1 + y2) / 2 - 5} textAnchor="middle">
                  {e.relation.replace(/_/g, ' ')}
                </text>
              </g>
            );
          })}
          {layout.nodes.map((p) => {
            const href = nodeHref(p.node);
            const card = (
              <g className={`lineage-node kind-${p.node.kind}${p.node.id === props.lineage.root ? ' root' : ''}`} transform={`translate(${p.x} ${p.y})`}>
                <rect width={CARD.width} height={CARD.height} rx={8} />
                <text x={10} y={17} className="node-kind">
                  {KIND_LABEL[p.node.kind] ?? p.node.kind}
                </text>
                <text x={10} y={36} className="node-label">
                  {truncate(p.node.label, 21)}
                </text>
                <text x={10} y={53} className="node-detail">
                  {truncate(nodeDetail(p.node), 27)}
                </text>
                <title>{`${p.node.id}`}</title>
              </g>
            );
            return href === undefined ? (
              <g key={p.node.id}>{card}</g>
            ) : (
              <a key={p.node.id} href={withBase(href)} aria-label={label(p.node.id)}>
                {card}
              </a>
            );
          })}
        </svg>
      </div>
      <ul className="visually-hidden" aria-label="Lineage edges">
        {props.lineage.edges.map((e, i) => (
          <li key={i}>{`${label(e.from)} ${e.relation.replace(/_/g, ' ')} ${label(e.to)}`}</li>
        ))}
      </ul>
    </div>
  );
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

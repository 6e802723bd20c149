import { useMemo, type KeyboardEvent, type ReactNode } from 'react';
import type { StepDefinition, StepExecution, StepStatus } from '../api/pipelines-client.js';
import { DEFAULT_DAG_OPTIONS, layoutDag } from '../lib/dag-layout.js';
import { combinedStatus, stepMarks } from './pipeline-status.js';

export interface DagStep {
  readonly id: string;
  readonly label: string;
  readonly needs: readonly string[];
  readonly status: StepStatus;
  /** cached, reused, skipped, gated */
  readonly marks: readonly string[];
  /** "3 instances" for a matrix step, "" otherwise. */
  readonly detail: string;
}

/** The DAG's steps with their status: the definition gives the edges; the execution's rows the status (matrix instances combined). */
export function dagSteps(definition: readonly StepDefinition[] | undefined, rows: readonly StepExecution[]): DagStep[] {
  const ids = definition?.map((s) => s.id) ?? [...new Set(rows.map((r) => r.step_id))];
  return ids.map((id) => {
    const def = definition?.find((s) => s.id === id);
    const mine = rows.filter((r) => r.step_id === id);
    const marks = [...new Set(mine.flatMap(stepMarks))];
    const matrix = mine.length > 1 || mine.some((r) => r.instance !== undefined);
    return {
      id,
      label: def?.name ?? id,
      needs: def?.needs ?? [],
      status: combinedStatus(mine),
      marks,
      detail: matrix ? `${mine.length} instances` : def?.uses ?? '',
    };
  });
}

const MARK_ICONS: Readonly<Record<string, string>> = { cached: '⟳ cached', reused: '↺ reused', skipped: '⤼ skipped', gated: '⛔ gated' };

/**
 * An execution's DAG as SVG: steps as boxes coloured by status (with the status in words
 * too), needs as arrows, laid out in layers left to right (`dag-layout.ts`). Each box is a
 * button (Tab to it, Enter or Space selects the step). Scrolls sideways when wide.
 */
export function DagView(props: { steps: readonly DagStep[]; selected: string | undefined; onSelect: (id: string) => void; label: string }): ReactNode {
  const layout = useMemo(() => layoutDag(props.steps), [props.steps]);
  const byId = new Map(props.steps.map((s) => [s.id, s]));
  const { nodeWidth: w, nodeHeight: h } = DEFAULT_DAG_OPTIONS;
  const key = (id: string) => (e: KeyboardEvent<SVGGElement>) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      props.onSelect(id);
    }
  };
  if (props.steps.length === 0) return <p className="muted">This pipeline has no steps.</p>;
  return (
    <div className="dag-scroll">
      <svg className="dag" width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} role="group" aria-label={props.label}>
        <defs>
          <marker id="dag-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className="dag-arrowhead" />
          </marker>
        </defs>
        {layout.edges.map((e) => {
          const mid = (e.x1 + e.x2) / 2;
          return <path key={`${e.from}->${e.to}`} className="dag-edge" d={`M ${e.x1} ${e.y1} C ${mid} ${e.y1}, ${mid} ${e.y2}, ${e.x2 - 2} ${e.y2}`} markerEnd="url(#dag-arrow)" />;
        })}
        {layout.nodes.map((n) => {
          const step = byId.get(n.id)!;
          // A skipped or gated step says so in its status already.
          const extra = step.marks.filter((m) => m !== step.status);
          const marks = extra.map((m) => MARK_ICONS[m] ?? m).join(' ');
          const selected = props.selected === n.id;
          return (
            <g
              key={n.id}
              transform={`translate(${n.x} ${n.y})`}
              className={`dag-node status-${step.status}${selected ? ' selected' : ''}`}
              role="button"
              tabIndex={0}
              aria-pressed={selected}
              aria-label={`Step ${step.label}: ${step.status}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`}
              data-step={n.id}
              data-status={step.status}
              onClick={() => props.onSelect(n.id)}
              onKeyDown={key(n.id)}
            >
              <title>{`${step.label}: ${step.status}`}</title>
              <rect width={w} height={h} rx={8} className="dag-box" />
              <rect width={6} height={h} rx={3} className="dag-stripe" />
              <text x={14} y={19} className="dag-label">
                {clip(step.label, 20)}
              </text>
              <text x={14} y={37} className="dag-sub">
                {clip(`${step.status}${marks === '' ? '' : ` · ${marks}`}${step.detail === '' ? '' : ` · ${step.detail}`}`, 28)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

import type { ReactNode } from 'react';
import { rolloutInProgress, type Endpoint, type EndpointVariant } from '../api/endpoints-client.js';
import { Link } from '../lib/router.js';

export interface VariantRow {
  readonly variant: EndpointVariant;
  /** A variant of the rollout in progress, not yet serving all its traffic. */
  readonly candidate: boolean;
  /** Its share of the live traffic now (0–100); undefined for a shadow. */
  readonly percent: number | undefined;
}

/**
 * The endpoint's variants with the share of live traffic each has now: the serving ones
 * split what the rollout's target does not have (`100 − target_percent`) by weight, the
 * target's split `target_percent`. Shadows get copies, not a share.
 */
export function variantRows(endpoint: Endpoint): VariantRow[] {
  const rollout = rolloutInProgress(endpoint.rollout) ? endpoint.rollout : undefined;
  const targetPercent = rollout?.target_percent ?? 0;
  const split = (variants: readonly EndpointVariant[], total: number, candidate: boolean): VariantRow[] => {
    const live = variants.filter((v) => v.shadow === undefined);
    const weights = live.reduce((sum, v) => sum + v.weight, 0);
    return variants.map((v) => ({ variant: v, candidate, percent: v.shadow !== undefined ? undefined : weights > 0 ? (total * v.weight) / weights : 0 }));
  };
  return [...split(endpoint.variants, 100 - targetPercent, false), ...(rollout === undefined ? [] : split(rollout.target, targetPercent, true))];
}

export function formatPercent(percent: number): string {
  return `${Number.isInteger(percent) ? percent : percent.toFixed(1)}%`;
}

export function formatTime(ms: number | undefined): string {
  return ms === undefined ? '–' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** The variants table: model version (linked to the registry), traffic, status and why, runtime and why, serving since. */
export function EndpointVariants(props: { endpoint: Endpoint }): ReactNode {
  const rows = variantRows(props.endpoint);
  return (
    <div className="table-scroll">
      <table className="kv wide endpoint-variants" aria-label="Variants">
        <thead>
          <tr>
            <th scope="col">Variant</th>
            <th scope="col">Model version</th>
            <th scope="col">Traffic</th>
            <th scope="col">Status</th>
            <th scope="col">Runtime</th>
            <th scope="col">Serving since</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ variant: v, candidate, percent }) => (
            <tr key={`${candidate ? 'c' : 's'}:${v.name}`} data-variant={v.name}>
              <th scope="row">
                {v.name} {candidate && <span className="badge">candidate</span>}
              </th>
              <td>
                <Link href={`/models/${encodeURIComponent(v.model_name)}?version=${encodeURIComponent(v.model_version)}`}>
                  {v.model_name} v{v.model_version}
                </Link>
                <div className="muted small">{v.model_uri}</div>
              </td>
              <td className="traffic-cell">
                {percent === undefined ? (
                  <span>shadow: {formatPercent(v.shadow?.sample_percent ?? 0)} copied</span>
                ) : (
                  <>
                    <span className="share-bar" aria-hidden="true">
                      <span style={{ width: `${Math.min(100, Math.max(0, percent))}%` }} />
                    </span>{' '}
                    {formatPercent(percent)} <span className="muted small">(weight {v.weight})</span>
                  </>
                )}
              </td>
              <td>
                <span className={`status status-${v.status.toLowerCase()}`}>{v.status}</span>
                {v.status_reason !== undefined && <div className="muted small">{v.status_reason}</div>}
              </td>
              <td>
                {v.serving_runtime ?? v.runtime}
                {v.serving_runtime === undefined && v.runtime === 'auto' && <span className="muted small"> (not loaded yet)</span>}
                {v.runtime_reason !== undefined && <div className="muted small">{v.runtime_reason}</div>}
              </td>
              <td>{formatTime(v.serving_since)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

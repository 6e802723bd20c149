import type { ReactNode } from 'react';
import type { DatasetInput } from '../api/mlflow-types.js';

/** A dataset's schema columns (MLflow's `mlflow_colspec`) and row count (`num_rows` of the profile), when logged. */
export function datasetDetails(d: DatasetInput['dataset']): { columns: { name: string; type: string }[]; rows: number | undefined } {
  let columns: { name: string; type: string }[] = [];
  let rows: number | undefined;
  try {
    const schema = JSON.parse(d.schema ?? '{}') as { mlflow_colspec?: { name?: string; type?: string }[] };
    columns = (schema.mlflow_colspec ?? []).map((c, i) => ({ name: c.name ?? `#${i}`, type: c.type ?? '?' }));
  } catch {
    // A schema that is not JSON is shown as nothing rather than failing the page.
  }
  try {
    const profile = JSON.parse(d.profile ?? '{}') as { num_rows?: unknown };
    if (typeof profile.num_rows === 'number') rows = profile.num_rows;
  } catch {
    // As above.
  }
  return { columns, rows };
}

/** The dataset inputs of a run: name, digest, source, context (`mlflow.data.context`), rows and schema. */
export function RunDatasets(props: { inputs: readonly DatasetInput[] }): ReactNode {
  if (props.inputs.length === 0) return <p className="muted">This run logged no dataset inputs.</p>;
  return (
    <table className="kv wide" aria-label="Datasets">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Context</th>
          <th scope="col">Digest</th>
          <th scope="col">Source</th>
          <th scope="col">Rows</th>
          <th scope="col">Schema</th>
        </tr>
      </thead>
      <tbody>
        {props.inputs.map((input, i) => {
          const d = input.dataset;
          const { columns, rows } = datasetDetails(d);
          const context = input.tags?.find((t) => t.key === 'mlflow.data.context')?.value;
          return (
            <tr key={`${d.name}-${d.digest}-${i}`}>
              <th scope="row">{d.name}</th>
              <td>{context ?? '—'}</td>
              <td>
                <code>{d.digest}</code>
              </td>
              <td className="source-cell" title={d.source}>
                {d.source_type !== undefined && <span className="badge">{d.source_type}</span>} {summarizeSource(d.source)}
              </td>
              <td>{rows !== undefined ? rows.toLocaleString('en') : '—'}</td>
              <td>
                {columns.length === 0 ? (
                  '—'
                ) : (
                  <details>
                    <summary>{columns.length} columns</summary>
                    <ul className="columns">
                      {columns.map((c) => (
                        <li key={c.name}>
                          <code>{c.name}</code> <span className="muted">{c.type}</span>
                        </li>
                      ))}
                    </ul>
                  </details>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** A dataset source is JSON like `{"url": "s3://…"}` or `{"uri": …}`; show the location when there is one. */
function summarizeSource(source: string | undefined): string {
  if (source === undefined || source === '') return '';
  try {
    const json = JSON.parse(source) as Record<string, unknown>;
    for (const k of ['url', 'uri', 'path', 'table_name']) if (typeof json[k] === 'string') return json[k];
  } catch {
    // Not JSON: show it as it is.
  }
  return source;
}

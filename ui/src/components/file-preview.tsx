import { useEffect, useState, type ReactNode } from 'react';
import {
  csvPreview,
  decodeText,
  formatBytes,
  IMAGE_PREVIEW_BYTES,
  looksLikeText,
  mlmodelSummary,
  prettyJson,
  previewKind,
  PREVIEW_BYTES,
  type SignatureField,
} from '../lib/artifact-preview.js';
import { useClient } from '../lib/use-client.js';
import { ErrorMessage } from './error-message.js';

/** A file to preview: its path (for the name and kind), size when known, and where to read it. */
export interface PreviewFile {
  readonly path: string;
  readonly size?: number | undefined;
  readonly url: string;
}

type Loaded = { text: string; truncated: boolean } | { binary: true };

/**
 * A preview of one artifact: images inline (up to 8 MB), CSV as a table, JSON
 * pretty-printed, MLmodel files as flavors and signature, other text as it is. Only the
 * first 256 KB of a file are read; a cut preview says so. Always offers the download.
 */
export function FilePreview(props: { file: PreviewFile }): ReactNode {
  const client = useClient();
  const { file } = props;
  const kind = previewKind(file.path);
  const [loaded, setLoaded] = useState<Loaded | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    setLoaded(undefined);
    setError(undefined);
    if (kind === 'image') return;
    const abort = new AbortController();
    client
      .fetchBytes(file.url, PREVIEW_BYTES, abort.signal)
      .then(({ bytes, truncated }) => {
        if (kind === 'binary' && !looksLikeText(bytes)) setLoaded({ binary: true });
        else setLoaded({ text: decodeText(bytes), truncated });
      })
      .catch((e: unknown) => !abort.signal.aborted && setError(e));
    return () => abort.abort();
  }, [client, file.url, kind]);

  const name = file.path.split('/').pop() ?? file.path;
  return (
    <section className="file-preview" aria-label={`Preview of ${name}`}>
      <div className="preview-head">
        <h3>{name}</h3>
        <span className="muted">{file.size !== undefined ? formatBytes(file.size) : ''}</span>
        <a href={file.url} download={name}>
          Download
        </a>
      </div>
      <ErrorMessage error={error} />
      {kind === 'image' ? (
        file.size !== undefined && file.size > IMAGE_PREVIEW_BYTES ? (
          <p className="muted">This image is too large to preview ({formatBytes(file.size)}); download it instead.</p>
        ) : (
          <img className="image-preview" src={file.url} alt={name} />
        )
      ) : loaded === undefined ? (
        error === undefined && <p className="muted loading">Loading preview…</p>
      ) : 'binary' in loaded ? (
        <p className="muted">No preview for this binary file.</p>
      ) : (
        <>
          {loaded.truncated && (
            <p className="muted" role="note">
              Showing the first {formatBytes(PREVIEW_BYTES)}
              {file.size !== undefined ? ` of ${formatBytes(file.size)}` : ''}.
            </p>
          )}
          <TextPreview kind={kind} name={name} text={loaded.text} truncated={loaded.truncated} />
        </>
      )}
    </section>
  );
}

function TextPreview(props: { kind: string; name: string; text: string; truncated: boolean }): ReactNode {
  if (props.kind === 'csv') {
    const table = csvPreview(props.text, /\.tsv$/i.test(props.name), props.truncated);
    return (
      <div className="preview-table-wrap">
        <table className="kv preview-table" aria-label={`Rows of ${props.name}`}>
          <thead>
            <tr>
              {table.header.map((h, i) => (
                <th key={i} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row, r) => (
              <tr key={r}>
                {row.map((cell, c) => (
                  <td key={c}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">
          {table.rows.length} {table.rows.length === 1 ? 'row' : 'rows'}
          {table.more ? ' shown; the file has more.' : '.'}
        </p>
      </div>
    );
  }
  if (props.kind === 'mlmodel') {
    try {
      return <MlmodelView text={props.text} />;
    } catch {
      // Not valid YAML: show the text.
    }
  }
  const text = props.kind === 'json' ? (prettyJson(props.text) ?? props.text) : props.text;
  return <pre className="text-preview">{text}</pre>;
}

function MlmodelView(props: { text: string }): ReactNode {
  const m = mlmodelSummary(props.text);
  return (
    <div className="mlmodel">
      <dl className="attributes">
        {m.attributes.map(([k, v]) => (
          <div key={k} className="attr-row">
            <dt>{k}</dt>
            <dd>
              <code>{v}</code>
            </dd>
          </div>
        ))}
      </dl>
      <h4>Flavors</h4>
      <ul className="flavors">
        {m.flavors.map((f) => (
          <li key={f.name}>
            <strong>{f.name}</strong>
            {f.details.length > 0 && <span className="muted"> — {f.details.map(([k, v]) => `${k}: ${v}`).join(', ')}</span>}
          </li>
        ))}
      </ul>
      <h4>Signature</h4>
      {m.inputs === undefined && m.outputs === undefined ? (
        <p className="muted">The model was logged without a signature.</p>
      ) : (
        <div className="signature">
          <SignatureTable caption="Inputs" fields={m.inputs} />
          <SignatureTable caption="Outputs" fields={m.outputs} />
        </div>
      )}
    </div>
  );
}

function SignatureTable(props: { caption: string; fields: SignatureField[] | undefined }): ReactNode {
  return (
    <table className="kv" aria-label={`Signature ${props.caption.toLowerCase()}`}>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
        </tr>
      </thead>
      <tbody>
        {(props.fields ?? []).map((f) => (
          <tr key={f.name}>
            <th scope="row">{f.name}</th>
            <td>{f.type}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

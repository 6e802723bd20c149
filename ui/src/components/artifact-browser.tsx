import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import type { FileInfo } from '../api/mlflow-types.js';
import { formatBytes } from '../lib/format-bytes.js';
import { ErrorMessage } from './error-message.js';

// The previews bring the YAML and CSV parsers: loaded when a file is first opened, not with the app.
const FilePreview = lazy(() => import('./file-preview.js').then((m) => ({ default: m.FilePreview })));

/** Where a browser reads from: one directory at a time, and a URL per file. */
export interface ArtifactSource {
  /** A stable name for the source (a run or model id): the browser starts again when it changes. */
  readonly key: string;
  list(path: string): Promise<FileInfo[]>;
  /** Undefined when the files are stored outside this server (nothing to preview). */
  fileUrl(path: string): string | undefined;
}

/**
 * A run's or logged model's artifacts: a directory listing (folders first) with a path of
 * breadcrumbs, and a preview of the chosen file beside it. Everything is a button or a
 * link, so it works from the keyboard.
 */
export function ArtifactBrowser(props: { source: ArtifactSource; label: string; initialFile?: string | undefined }): ReactNode {
  const { source } = props;
  const [dir, setDir] = useState('');
  const [files, setFiles] = useState<FileInfo[] | undefined>(undefined);
  const [selected, setSelected] = useState<FileInfo | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    let cancelled = false;
    setFiles(undefined);
    setError(undefined);
    source
      .list(dir)
      .then((f) => {
        if (cancelled) return;
        const sorted = [...f].sort((a, b) => Number(b.is_dir ?? false) - Number(a.is_dir ?? false) || a.path.localeCompare(b.path));
        setFiles(sorted);
        if (dir === '' && props.initialFile !== undefined) setSelected(sorted.find((x) => x.path === props.initialFile));
      })
      .catch((e: unknown) => !cancelled && setError(e));
    return () => {
      cancelled = true;
    };
  }, [source, dir, props.initialFile]);

  const parts = dir === '' ? [] : dir.split('/');
  const url = selected === undefined ? undefined : source.fileUrl(selected.path);
  return (
    <div className="artifact-browser">
      <div className="artifact-list">
        <nav className="crumbs artifact-crumbs" aria-label={`${props.label} path`}>
          <button type="button" className="link" onClick={() => setDir('')} aria-current={dir === '' ? 'location' : undefined}>
            {props.label}
          </button>
          {parts.map((p, i) => (
            <span key={i}>
              {' / '}
              <button type="button" className="link" onClick={() => setDir(parts.slice(0, i + 1).join('/'))} aria-current={i === parts.length - 1 ? 'location' : undefined}>
                {p}
              </button>
            </span>
          ))}
        </nav>
        <ErrorMessage error={error} />
        {files === undefined && error === undefined && <p className="muted loading">Loading…</p>}
        {files !== undefined && files.length === 0 && <p className="muted">{dir === '' ? 'No artifacts were logged.' : 'This folder is empty.'}</p>}
        {files !== undefined && files.length > 0 && (
          <ul className="file-list" aria-label={`Files in ${dir === '' ? props.label : dir}`}>
            {files.map((f) => {
              const name = f.path.split('/').pop() ?? f.path;
              return (
                <li key={f.path}>
                  <button
                    type="button"
                    className={`file-entry${selected?.path === f.path ? ' selected' : ''}`}
                    aria-pressed={f.is_dir === true ? undefined : selected?.path === f.path}
                    onClick={() => (f.is_dir === true ? setDir(f.path) : setSelected(f))}
                  >
                    <FileIcon folder={f.is_dir === true} />
                    <span className="file-name">{name}</span>
                    {f.is_dir === true ? <span className="visually-hidden"> (folder)</span> : <span className="muted file-size">{f.file_size !== undefined ? formatBytes(f.file_size) : ''}</span>}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </div>
      <div className="artifact-preview">
        {selected === undefined ? (
          <p className="muted">Choose a file to preview it.</p>
        ) : url === undefined ? (
          <p className="muted">These artifacts are stored outside this server; the UI cannot read them.</p>
        ) : (
          <Suspense fallback={<p className="muted loading">Loading preview…</p>}>
            <FilePreview file={{ path: selected.path, size: selected.file_size, url }} />
          </Suspense>
        )}
      </div>
    </div>
  );
}

/** A folder or file glyph drawn in SVG (emoji fonts are not everywhere). */
function FileIcon(props: { folder: boolean }): ReactNode {
  return (
    <svg className="file-icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
      {props.folder ? (
        <path d="M1 3.5A1.5 1.5 0 0 1 2.5 2h3.6l1.6 1.8h5.8A1.5 1.5 0 0 1 15 5.3v7.2a1.5 1.5 0 0 1-1.5 1.5h-11A1.5 1.5 0 0 1 1 12.5z" fill="currentColor" opacity="0.75" />
      ) : (
        <path d="M3.5 1h6L13 4.5v9A1.5 1.5 0 0 1 11.5 15h-8A1.5 1.5 0 0 1 2 13.5v-11A1.5 1.5 0 0 1 3.5 1zM9 1.5V5h3.5" fill="none" stroke="currentColor" strokeWidth="1.2" />
      )}
    </svg>
  );
}

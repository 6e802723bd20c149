import { parse as parseCsv } from 'csv-parse/browser/esm/sync';
import { parse as parseYaml } from 'yaml';

/**
 * How the artifact browser previews a file, decided from its name, and the parsing behind
 * the previews: CSV into a table (csv-parse), MLmodel files (YAML) into flavors and the
 * signature. Previews read at most {@link PREVIEW_BYTES} of a file.
 * @module
 */

export type PreviewKind = 'mlmodel' | 'json' | 'csv' | 'image' | 'text' | 'binary';

/** Bytes read for a text, JSON, CSV or MLmodel preview; the rest is left on the server. */
export const PREVIEW_BYTES = 256 * 1024;
/** Images larger than this are offered as a download only. */
export const IMAGE_PREVIEW_BYTES = 8 * 1024 * 1024;
/** Rows of a CSV shown. */
export const CSV_PREVIEW_ROWS = 200;

const IMAGE = /\.(png|jpe?g|gif|webp|svg|bmp|ico)$/i;
const TEXT = /\.(txt|log|md|rst|py|r|ipynb|ya?ml|toml|cfg|ini|conf|sh|ts|js|mjs|sql|xml|html?|env|properties|tf)$/i;
const TEXT_NAMES = new Set(['requirements.txt', 'conda.yaml', 'python_env.yaml', 'Dockerfile', 'LICENSE', 'README']);

export function previewKind(path: string): PreviewKind {
  const name = path.split('/').pop() ?? path;
  if (name === 'MLmodel') return 'mlmodel';
  if (/\.json$/i.test(name)) return 'json';
  if (/\.(csv|tsv)$/i.test(name)) return 'csv';
  if (IMAGE.test(name)) return 'image';
  if (TEXT.test(name) || TEXT_NAMES.has(name)) return 'text';
  return 'binary';
}

/** Whether bytes look like text: valid UTF-8 without NUL bytes (a file of unknown type is shown as text then). */
export function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    // A cut in the middle of a multi-byte character at the end is not a reason to call it binary.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, Math.max(0, bytes.length - 3)));
    return true;
  } catch {
    return false;
  }
}

export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

export { formatBytes } from './format-bytes.js';

/** JSON pretty-printed, or undefined when the text is not JSON (it may be cut off). */
export function prettyJson(text: string): string | undefined {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return undefined;
  }
}

/**
 * The first rows of a CSV (or TSV) text as a header and rows. When the text was cut off,
 * the last, possibly partial line is dropped first.
 */
export function csvPreview(text: string, tabs: boolean, truncated: boolean): { header: string[]; rows: string[][]; more: boolean } {
  const body = truncated ? text.slice(0, Math.max(0, text.lastIndexOf('\n'))) : text;
  const records: string[][] = parseCsv(body, {
    delimiter: tabs ? '\t' : ',',
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    to_line: CSV_PREVIEW_ROWS + 2,
  });
  const [header = [], ...rows] = records;
  return { header, rows: rows.slice(0, CSV_PREVIEW_ROWS), more: truncated || rows.length > CSV_PREVIEW_ROWS };
}

/** What an MLmodel file says, in the parts worth showing. */
export interface MlmodelSummary {
  readonly flavors: { name: string; details: [string, string][] }[];
  readonly attributes: [string, string][];
  readonly inputs: SignatureField[] | undefined;
  readonly outputs: SignatureField[] | undefined;
}

export interface SignatureField {
  readonly name: string;
  readonly type: string;
}

export function mlmodelSummary(text: string): MlmodelSummary {
  const doc = (parseYaml(text) ?? {}) as Record<string, unknown>;
  const flavors = Object.entries((doc.flavors ?? {}) as Record<string, unknown>).map(([name, value]) => ({
    name,
    details: Object.entries((value ?? {}) as Record<string, unknown>)
      .filter(([, v]) => v === null || typeof v !== 'object')
      .map(([k, v]): [string, string] => [k, String(v)]),
  }));
  const attributes = ['artifact_path', 'run_id', 'model_uuid', 'model_id', 'utc_time_created', 'mlflow_version', 'model_size_bytes']
    .filter((k) => doc[k] !== undefined && doc[k] !== null)
    .map((k): [string, string] => [k, String(doc[k])]);
  const signature = (doc.signature ?? {}) as { inputs?: unknown; outputs?: unknown };
  return { flavors, attributes, inputs: signatureFields(signature.inputs), outputs: signatureFields(signature.outputs) };
}

/** MLflow writes each side of a signature as a JSON string: `[{"name": "x", "type": "double"}, …]` or tensor specs. */
function signatureFields(value: unknown): SignatureField[] | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const fields = JSON.parse(value) as { name?: string; type?: string; 'tensor-spec'?: { dtype?: string; shape?: unknown } }[];
    return fields.map((f, i) => ({
      name: f.name ?? `#${i}`,
      type: f.type === 'tensor' && f['tensor-spec'] !== undefined ? `tensor ${f['tensor-spec'].dtype ?? ''} ${JSON.stringify(f['tensor-spec'].shape ?? [])}` : (f.type ?? '?'),
    }));
  } catch {
    return undefined;
  }
}

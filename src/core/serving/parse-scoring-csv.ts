import { SlipwayError } from '../errors/slipway-error.js';
import type { ScoringRequest } from './scoring-input.js';

/**
 * Decodes a `text/csv` scoring body (MLflow reads it with `pandas.read_csv`): a header row of
 * column names, then one row per line. Fields may be double-quoted (`""` escapes a quote).
 * Unquoted fields that read as numbers become numbers, `true`/`false` booleans, empty
 * fields `null` (pandas' NaN).
 */
export function parseScoringCsv(text: string): ScoringRequest {
  const records = splitCsv(text);
  const header = records.shift();
  if (header === undefined || header.length === 0 || header.every((cell) => cell.value === '')) {
    throw SlipwayError.badRequest('Invalid input. The CSV body has no header row of column names.');
  }
  const columns = header.map((cell) => cell.value);
  const rows = records.map((record, index) => {
    if (record.length !== columns.length) {
      throw SlipwayError.badRequest(`Invalid input. CSV line ${index + 2} has ${record.length} fields but the header has ${columns.length}.`);
    }
    return record.map(({ value, quoted }) => (quoted ? value : typed(value)));
  });
  return { input: { kind: 'table', columns, rows }, params: undefined };
}

function typed(value: string): unknown {
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (trimmed === 'true' || trimmed === 'True') return true;
  if (trimmed === 'false' || trimmed === 'False') return false;
  const number = Number(trimmed);
  return Number.isNaN(number) && trimmed !== 'NaN' ? value : number;
}

interface Cell {
  value: string;
  quoted: boolean;
}

function splitCsv(text: string): Cell[][] {
  const records: Cell[][] = [];
  let record: Cell[] = [];
  let value = '';
  let quoted = false;
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (inQuotes) {
      if (char === '"' && text[i + 1] === '"') {
        value += '"';
        i++;
      } else if (char === '"') inQuotes = false;
      else value += char;
    } else if (char === '"' && value === '') {
      inQuotes = quoted = true;
    } else if (char === ',') {
      record.push({ value, quoted });
      value = '';
      quoted = false;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      record.push({ value, quoted });
      if (!(record.length === 1 && record[0]!.value === '' && !quoted)) records.push(record);
      record = [];
      value = '';
      quoted = false;
    } else value += char;
  }
  if (inQuotes) throw SlipwayError.badRequest('Invalid input. The CSV body ends inside a quoted field.');
  if (value !== '' || quoted || record.length > 0) {
    record.push({ value, quoted });
    records.push(record);
  }
  return records;
}

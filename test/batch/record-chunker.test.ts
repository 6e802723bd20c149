import { describe, expect, it } from 'vitest';
import { RecordChunker, type RecordChunk } from '../../src/batch/record-chunker.js';

const decode = (chunks: readonly RecordChunk[]): string[] => chunks.map((chunk) => Buffer.from(chunk.bytes).toString('utf8'));

/** Feeds `text` in pieces of `size` bytes; returns every chunk, the last one included. */
function cut(text: string, size: number, chunkRows: number, quoted = true): RecordChunk[] {
  const chunker = new RecordChunker({ chunkRows, quoted, firstLine: 2 });
  const bytes = Buffer.from(text);
  const chunks: RecordChunk[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(...chunker.push(bytes.subarray(at, at + size)));
  const last = chunker.end();
  if (last !== undefined) chunks.push(last);
  return chunks;
}

describe('RecordChunker', () => {
  const csv = 'a,1\n"b\nwith a newline",2\n"c ""quoted""",3\nd,4\ne,5';

  it('cuts whole records whatever the read sizes, never inside a quoted field, and numbers their first lines', () => {
    for (const size of [1, 2, 3, 7, 1000]) {
      const chunks = cut(csv, size, 2);
      expect(decode(chunks), `pieces of ${size}`).toEqual(['a,1\n"b\nwith a newline",2\n', '"c ""quoted""",3\nd,4\n', 'e,5']);
      expect(chunks.map((c) => c.firstLine)).toEqual([2, 5, 7]);
      // Each chunk owns its whole buffer (so it can be transferred to a worker).
      for (const chunk of chunks) expect(chunk.bytes.byteLength).toBe(chunk.bytes.buffer.byteLength);
    }
  });

  it('treats quotes as text for JSON Lines and ends without a trailing partial chunk', () => {
    const jsonl = '{"a":"x\\""}\n{"a":"y"}\n';
    expect(decode(cut(jsonl, 3, 1, false))).toEqual(['{"a":"x\\""}\n', '{"a":"y"}\n']);
  });
});

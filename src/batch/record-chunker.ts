/**
 * Cuts a byte stream of records (CSV or JSON Lines) into chunks of whole records without
 * decoding it: a chunk ends at the newline after its `chunkRows`-th record. For CSV a
 * newline inside a double-quoted field does not end a record (quote parity is tracked;
 * `""` toggles twice, so it needs no special case). Blank lines count as records here and
 * are skipped by the parser, so chunks may hold slightly fewer rows than asked.
 * @module
 */

/** Records per chunk unless asked otherwise: large enough to amortise a message and a `session.run`, small enough to keep memory flat. */
export const DEFAULT_CHUNK_ROWS = 16_384;

const NEWLINE = 0x0a;
const QUOTE = 0x22;

/** A run of whole records and the file line its first one starts on (1-based). */
export interface RecordChunk {
  /** Owns its ArrayBuffer, exactly. */
  readonly bytes: Uint8Array;
  readonly firstLine: number;
}

export class RecordChunker {
  readonly #chunkRows: number;
  readonly #quoted: boolean;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Records completed in the pending bytes (all of them end with a newline). */
  #records = 0;
  /** File lines (newlines) completed in the pending bytes. */
  #lines = 0;
  #inQuotes = false;
  #nextLine: number;

  constructor(options: { readonly chunkRows: number; readonly quoted: boolean; readonly firstLine: number }) {
    this.#chunkRows = options.chunkRows;
    this.#quoted = options.quoted;
    this.#nextLine = options.firstLine;
  }

  /** Takes the next bytes; returns the chunks they complete. */
  push(data: Buffer): RecordChunk[] {
    const chunks: RecordChunk[] = [];
    let start = 0;
    let position = 0;
    let nextQuote = this.#quoted ? data.indexOf(QUOTE) : -1;
    for (;;) {
      const newline = data.indexOf(NEWLINE, position);
      if (newline === -1) break;
      // Toggle on each quote before this newline.
      while (nextQuote !== -1 && nextQuote < newline) {
        this.#inQuotes = !this.#inQuotes;
        nextQuote = data.indexOf(QUOTE, nextQuote + 1);
      }
      position = newline + 1;
      this.#lines++;
      if (this.#inQuotes) continue;
      this.#records++;
      if (this.#records >= this.#chunkRows) {
        chunks.push(this.#take(data.subarray(start, position)));
        start = position;
      }
    }
    // Quotes after the last newline belong to the next record's parity.
    while (nextQuote !== -1) {
      this.#inQuotes = !this.#inQuotes;
      nextQuote = data.indexOf(QUOTE, nextQuote + 1);
    }
    if (start < data.length) {
      this.#pending.push(data.subarray(start));
      this.#pendingBytes += data.length - start;
    }
    return chunks;
  }

  /** The last records (the file may not end with a newline); undefined when nothing is left. */
  end(): RecordChunk | undefined {
    if (this.#pendingBytes === 0) return undefined;
    return this.#take(Buffer.alloc(0));
  }

  #take(tail: Buffer): RecordChunk {
    // A buffer of its own (never a slice of Node's pool), so it can be transferred to a worker.
    const bytes = new Uint8Array(this.#pendingBytes + tail.length);
    let offset = 0;
    for (const part of [...this.#pending, tail]) {
      bytes.set(part, offset);
      offset += part.length;
    }
    const chunk = { bytes, firstLine: this.#nextLine };
    this.#nextLine += this.#lines;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#records = 0;
    this.#lines = 0;
    return chunk;
  }
}

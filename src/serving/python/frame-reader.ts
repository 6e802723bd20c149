/**
 * The worker protocol's framing: each message is a 4-byte big-endian length, then that many
 * bytes of UTF-8 JSON (see python/slipway_model_worker.py).
 * @module
 */

/** Encodes one message as a frame. */
export function encodeFrame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const header = Buffer.allocUnsafe(4);
  header.writeUInt32BE(body.length, 0);
  return Buffer.concat([header, body]);
}

/** Collects stream chunks and hands back each complete frame's decoded JSON. */
export class FrameReader {
  #buffer: Buffer = Buffer.alloc(0);

  /** Adds a chunk; returns the messages it completed, in order. */
  push(chunk: Buffer): unknown[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const messages: unknown[] = [];
    while (this.#buffer.length >= 4) {
      const length = this.#buffer.readUInt32BE(0);
      if (this.#buffer.length < 4 + length) break;
      messages.push(JSON.parse(this.#buffer.toString('utf8', 4, 4 + length)) as unknown);
      this.#buffer = this.#buffer.subarray(4 + length);
    }
    return messages;
  }
}

import { Buffer } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSlipwayError } from '../../src/core/errors/slipway-error.js';
import type { ArtifactStore } from '../../src/core/ports/artifact-store.js';

/** Creates a fresh, empty store for one test and disposes of it afterwards. */
export interface ArtifactStoreHarness {
  create(): Promise<ArtifactStore>;
  destroy(store: ArtifactStore): Promise<void>;
}

/** Paths every adapter must refuse with INVALID_PARAMETER_VALUE, for every operation. */
export const TRAVERSAL_PATHS: readonly string[] = [
  '..',
  '../x',
  'a/..',
  'a/../b',
  'a/../../x',
  '/etc/passwd',
  '//server/share',
  'C:\\x',
  'C:/x',
  '\\\\server\\share',
  '..%2f..%2fetc',
  '%2e%2e/x',
  'a%5cb',
  'a\\..\\b',
  'a\0b',
  '\0',
  'a\nb',
];

/**
 * The behaviour every {@link ArtifactStore} adapter must show (the port's implementer's
 * notes, made executable). Call it from an adapter's test file with a harness that hands
 * out fresh, empty stores.
 */
export function describeArtifactStoreContract(name: string, harness: ArtifactStoreHarness): void {
  describe(`ArtifactStore contract: ${name}`, () => {
    let store: ArtifactStore;

    beforeEach(async () => {
      store = await harness.create();
    });

    afterEach(async () => {
      await harness.destroy(store);
    });

    describe('put / get', () => {
      it('round-trips a byte array and reports its size', async () => {
        const body = Buffer.from('hello, artifacts\n');
        await expect(store.put('hello.txt', body)).resolves.toBe(body.byteLength);
        const got = await store.get('hello.txt');
        expect(got.size).toBe(body.byteLength);
        expect(await readAll(got.stream)).toEqual(body);
      });

      it('accepts a plain Uint8Array and an empty body', async () => {
        await store.put('u8.bin', new TextEncoder().encode('abc'));
        expect((await readAll((await store.get('u8.bin')).stream)).toString()).toBe('abc');
        await expect(store.put('empty.bin', new Uint8Array(0))).resolves.toBe(0);
        const empty = await store.get('empty.bin');
        expect(empty.size).toBe(0);
        expect((await readAll(empty.stream)).byteLength).toBe(0);
      });

      it('round-trips a readable stream', async () => {
        const parts = ['one ', 'two ', 'three'].map((s) => Buffer.from(s));
        await expect(store.put('s.txt', Readable.from(parts, { objectMode: false }))).resolves.toBe(13);
        expect((await readAll((await store.get('s.txt')).stream)).toString()).toBe('one two three');
      });

      it('streams a 20 MB body both ways (sha256 checked)', async () => {
        const size = 20 * 1024 * 1024;
        const chunk = 64 * 1024;
        const sent = createHash('sha256');
        async function* body(): AsyncGenerator<Buffer> {
          for (let n = 0; n < size; n += chunk) {
            const piece = randomBytes(chunk);
            sent.update(piece);
            yield piece;
            await nextTurn();
          }
        }
        await expect(store.put('big/blob.bin', Readable.from(body(), { objectMode: false }))).resolves.toBe(size);

        const got = await store.get('big/blob.bin');
        expect(got.size).toBe(size);
        const received = createHash('sha256');
        let chunks = 0;
        let bytes = 0;
        for await (const piece of got.stream as AsyncIterable<Buffer>) {
          received.update(piece);
          bytes += piece.byteLength;
          chunks += 1;
        }
        expect(bytes).toBe(size);
        expect(chunks).toBeGreaterThan(1); // streamed, not handed over as one buffer
        expect(received.digest('hex')).toBe(sent.digest('hex'));
        expect(await store.stat('big/blob.bin')).toEqual({ path: 'big/blob.bin', isDir: false, fileSize: size });
      });

      it('overwrites a file whole, with no leftover bytes', async () => {
        await store.put('f.txt', Buffer.from('a much longer original body'));
        await store.put('f.txt', Buffer.from('short'));
        const got = await store.get('f.txt');
        expect(got.size).toBe(5);
        expect((await readAll(got.stream)).toString()).toBe('short');
        await store.put('f.txt', Readable.from([Buffer.from('from a stream')], { objectMode: false }));
        expect((await readAll((await store.get('f.txt')).stream)).toString()).toBe('from a stream');
      });

      it('creates nested directories', async () => {
        await store.put('a/b/c/d.txt', Buffer.from('deep'));
        expect((await readAll((await store.get('a/b/c/d.txt')).stream)).toString()).toBe('deep');
        expect(await store.list('a')).toEqual([{ path: 'a/b', isDir: true }]);
        expect(await store.list('a/b')).toEqual([{ path: 'a/b/c', isDir: true }]);
        expect(await store.stat('a/b/c')).toEqual({ path: 'a/b/c', isDir: true });
      });

      it('normalises paths (duplicate slashes, "." segments)', async () => {
        await store.put('./x//y/./z.txt', Buffer.from('z'));
        expect((await readAll((await store.get('x/y/z.txt')).stream)).toString()).toBe('z');
        const same = await store.get('x//y/z.txt');
        expect(same.size).toBe(1);
        same.stream.destroy();
        expect(await store.list('')).toEqual([{ path: 'x', isDir: true }]);
      });

      it('answers RESOURCE_DOES_NOT_EXIST for a missing file', async () => {
        await store.put('present.txt', Buffer.from('p'));
        await expectCode(store.get('missing.txt'), 'RESOURCE_DOES_NOT_EXIST');
        await expectCode(store.get('missing/deeper.txt'), 'RESOURCE_DOES_NOT_EXIST');
        await expectCode(store.get('present.txt/under-a-file'), 'RESOURCE_DOES_NOT_EXIST');
      });
    });

    describe('list', () => {
      beforeEach(async () => {
        await store.put('b.txt', Buffer.from('bbb'));
        await store.put('a/x.txt', Buffer.from('xxxx'));
        await store.put('a/y/z.txt', Buffer.from('z'));
        await store.put('c.bin', new Uint8Array(0));
      });

      it('lists the root: direct children only, sorted, sizes for files only', async () => {
        const entries = await store.list('');
        expect(entries).toEqual([
          { path: 'a', isDir: true },
          { path: 'b.txt', isDir: false, fileSize: 3 },
          { path: 'c.bin', isDir: false, fileSize: 0 },
        ]);
        expect(entries[0]?.fileSize).toBeUndefined();
      });

      it('lists a subdirectory with paths relative to the root', async () => {
        const expected = [
          { path: 'a/x.txt', isDir: false, fileSize: 4 },
          { path: 'a/y', isDir: true },
        ];
        expect(await store.list('a')).toEqual(expected);
        expect(await store.list('a/')).toEqual(expected);
        expect(await store.list('./a')).toEqual(expected);
        expect(await store.list('a//y')).toEqual([{ path: 'a/y/z.txt', isDir: false, fileSize: 1 }]);
      });

      it('returns [] for a missing directory or a file', async () => {
        expect(await store.list('nope')).toEqual([]);
        expect(await store.list('a/nope/deeper')).toEqual([]);
        expect(await store.list('b.txt')).toEqual([]);
        expect(await store.list('b.txt/x')).toEqual([]);
      });

      it('sorts by path in code-unit order', async () => {
        for (const n of ['B', '_u', 'a-b', 'a.b', 'Z9', '0']) await store.put(`s/${n}`, Buffer.from(n));
        const paths = (await store.list('s')).map((e) => e.path);
        expect(paths).toHaveLength(6);
        expect(paths).toEqual([...paths].sort());
      });
    });

    describe('stat', () => {
      it('describes files, directories and the root; undefined when absent', async () => {
        await store.put('d/f.txt', Buffer.from('12345'));
        expect(await store.stat('d/f.txt')).toEqual({ path: 'd/f.txt', isDir: false, fileSize: 5 });
        expect(await store.stat('d')).toEqual({ path: 'd', isDir: true });
        expect(await store.stat('d/')).toEqual({ path: 'd', isDir: true });
        expect(await store.stat('')).toEqual({ path: '', isDir: true });
        expect(await store.stat('d/missing')).toBeUndefined();
        expect(await store.stat('d/f.txt/x')).toBeUndefined();
      });
    });

    describe('delete', () => {
      it('deletes a file and leaves its siblings', async () => {
        await store.put('d/f.txt', Buffer.from('f'));
        await store.put('d/g.txt', Buffer.from('g'));
        await store.delete('d/f.txt');
        await expectCode(store.get('d/f.txt'), 'RESOURCE_DOES_NOT_EXIST');
        expect(await store.stat('d/f.txt')).toBeUndefined();
        expect(await store.list('d')).toEqual([{ path: 'd/g.txt', isDir: false, fileSize: 1 }]);
      });

      it('deletes a directory recursively', async () => {
        await store.put('keep.txt', Buffer.from('k'));
        await store.put('d/f.txt', Buffer.from('f'));
        await store.put('d/e/g.txt', Buffer.from('g'));
        await store.delete('d/');
        expect(await store.stat('d')).toBeUndefined();
        expect(await store.list('d')).toEqual([]);
        await expectCode(store.get('d/e/g.txt'), 'RESOURCE_DOES_NOT_EXIST');
        expect(await store.list('')).toEqual([{ path: 'keep.txt', isDir: false, fileSize: 1 }]);
      });

      it('answers RESOURCE_DOES_NOT_EXIST for a missing path', async () => {
        await expectCode(store.delete('missing'), 'RESOURCE_DOES_NOT_EXIST');
        await expectCode(store.delete('a/b/missing.txt'), 'RESOURCE_DOES_NOT_EXIST');
      });

      it('refuses to delete the root', async () => {
        await store.put('keep.txt', Buffer.from('k'));
        await expectCode(store.delete(''), 'INVALID_PARAMETER_VALUE');
        await expectCode(store.delete('.'), 'INVALID_PARAMETER_VALUE');
        await expectCode(store.delete('./'), 'INVALID_PARAMETER_VALUE');
        expect(await store.stat('keep.txt')).toBeDefined();
      });
    });

    describe('path confinement', () => {
      it.each(TRAVERSAL_PATHS.map((p) => [p]))('refuses %j for every operation', async (p) => {
        await expectCode(store.put(p, Buffer.from('pwned')), 'INVALID_PARAMETER_VALUE');
        await expectCode(store.put(p, Readable.from([Buffer.from('pwned')])), 'INVALID_PARAMETER_VALUE');
        await expectCode(store.get(p), 'INVALID_PARAMETER_VALUE');
        await expectCode(store.list(p), 'INVALID_PARAMETER_VALUE');
        await expectCode(store.stat(p), 'INVALID_PARAMETER_VALUE');
        await expectCode(store.delete(p), 'INVALID_PARAMETER_VALUE');
        expect(await store.list('')).toEqual([]);
      });

      it('refuses traversal even when the target exists', async () => {
        await store.put('a/secret.txt', Buffer.from('s'));
        await store.put('b/x.txt', Buffer.from('x'));
        await expectCode(store.get('b/../a/secret.txt'), 'INVALID_PARAMETER_VALUE');
        await expectCode(store.delete('b/../a'), 'INVALID_PARAMETER_VALUE');
        expect(await store.stat('a/secret.txt')).toBeDefined();
      });
    });

    describe('atomic uploads', () => {
      it('a source that errors midway leaves the previous content intact and nothing else', async () => {
        await store.put('f.txt', Buffer.from('original'));
        const before = await store.list('');

        const failing = (): Readable => sourceThat('errors', 4);
        await expect(store.put('f.txt', failing())).rejects.toThrow('source failed');
        await expect(store.put('new/sub/g.txt', failing())).rejects.toThrow('source failed');

        const got = await store.get('f.txt');
        expect(got.size).toBe(8);
        expect((await readAll(got.stream)).toString()).toBe('original');
        expect(await store.stat('new/sub/g.txt')).toBeUndefined();
        expect(await store.list('')).toEqual(before);
      });

      it('a source destroyed midway (client abort) leaves nothing behind', async () => {
        await store.put('f.txt', Buffer.from('original'));
        const before = await store.list('');
        await expect(store.put('f.txt', sourceThat('aborts', 3))).rejects.toThrow();
        await expect(store.put('fresh.bin', sourceThat('aborts', 3))).rejects.toThrow();
        expect((await readAll((await store.get('f.txt')).stream)).toString()).toBe('original');
        expect(await store.stat('fresh.bin')).toBeUndefined();
        expect(await store.list('')).toEqual(before);
      });

      it('readers see the old content while an upload is in flight', async () => {
        await store.put('f.txt', Buffer.from('old'));
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        let started!: () => void;
        const firstChunkSent = new Promise<void>((r) => (started = r));
        async function* slow(): AsyncGenerator<Buffer> {
          yield Buffer.from('new-part-1 ');
          started();
          await gate;
          yield Buffer.from('new-part-2');
        }
        const upload = store.put('f.txt', Readable.from(slow(), { objectMode: false }));
        await firstChunkSent;
        await nextTurn();
        const during = await store.get('f.txt');
        expect(during.size).toBe(3);
        expect((await readAll(during.stream)).toString()).toBe('old');
        expect(await store.stat('f.txt')).toEqual({ path: 'f.txt', isDir: false, fileSize: 3 });
        release();
        await expect(upload).resolves.toBe(21);
        expect((await readAll((await store.get('f.txt')).stream)).toString()).toBe('new-part-1 new-part-2');
      });

      it('concurrent puts to one path leave exactly one whole body', async () => {
        const size = 512 * 1024;
        const writers = [1, 2, 3, 4, 5, 6];
        async function* body(fill: number): AsyncGenerator<Buffer> {
          const piece = Buffer.alloc(16 * 1024, fill);
          for (let n = 0; n < size; n += piece.byteLength) {
            yield piece;
            await nextTurn();
          }
        }
        const results = await Promise.all(
          writers.map((fill) => store.put('same.bin', Readable.from(body(fill), { objectMode: false }))),
        );
        expect(results).toEqual(writers.map(() => size));

        const got = await store.get('same.bin');
        expect(got.size).toBe(size);
        const content = await readAll(got.stream);
        expect(content.byteLength).toBe(size);
        const fill = content[0] ?? -1;
        expect(writers).toContain(fill);
        expect(content.every((b) => b === fill)).toBe(true);
        expect(await store.list('')).toEqual([{ path: 'same.bin', isDir: false, fileSize: size }]);
      });
    });
  });
}

/** Reads a (small) stream whole. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks);
}

/** Asserts that `promise` rejects with a SlipwayError carrying `code`. */
export async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  expect(isSlipwayError(error), `expected a SlipwayError ${code}, got ${String(error)}`).toBe(true);
  expect((error as { code?: unknown }).code).toBe(code);
}

/**
 * A byte stream that sends `chunks` 1 KiB chunks, then either emits an error ("errors")
 * or is destroyed without one, like an aborted HTTP request body ("aborts").
 */
function sourceThat(ending: 'errors' | 'aborts', chunks: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent < chunks) {
        sent += 1;
        setTimeout(() => this.push(Buffer.alloc(1024, 0x41)), 1);
        return;
      }
      setTimeout(() => {
        if (ending === 'errors') this.destroy(new Error('source failed'));
        else this.destroy();
      }, 1);
    },
  });
}

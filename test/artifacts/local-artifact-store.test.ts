import { Buffer } from 'node:buffer';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalArtifactStore } from '../../src/artifacts/local-artifact-store.js';
import type { ArtifactStore } from '../../src/core/ports/artifact-store.js';
import { describeArtifactStoreContract, expectCode, readAll } from '../contract/artifact-store.contract.js';

const roots = new WeakMap<ArtifactStore, string>();

describeArtifactStoreContract('LocalArtifactStore', {
  async create() {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-artifacts-'));
    const store = await LocalArtifactStore.open(join(dir, 'root'));
    roots.set(store, dir);
    return store;
  },
  async destroy(store) {
    const dir = roots.get(store);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  },
});

const symlinks = process.platform === 'win32' ? describe.skip : describe;

describe('LocalArtifactStore (local only)', () => {
  let base: string;
  let rootDir: string;
  let store: LocalArtifactStore;

  beforeEach(async () => {
    base = await realpath(await mkdtemp(join(tmpdir(), 'slipway-local-')));
    rootDir = join(base, 'root');
    store = await LocalArtifactStore.open(rootDir);
  });

  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('open() creates a missing root, with parents', async () => {
    const nested = join(base, 'x', 'y', 'z');
    const s = await LocalArtifactStore.open(nested);
    expect(s.root).toBe(nested);
    expect((await stat(nested)).isDirectory()).toBe(true);
    await s.put('f.txt', Buffer.from('f'));
    expect(await readFile(join(nested, 'f.txt'), 'utf8')).toBe('f');
  });

  it('the constructor works on a non-canonical root path', async () => {
    const s = new LocalArtifactStore(join(rootDir, 'sub', '..'));
    await s.put('via-ctor.txt', Buffer.from('c'));
    expect(await readFile(join(rootDir, 'via-ctor.txt'), 'utf8')).toBe('c');
  });

  it('writes files where the path says, under the root', async () => {
    await store.put('1/run/artifacts/model/MLmodel', Buffer.from('flavors: {}\n'));
    expect(await readFile(join(rootDir, '1/run/artifacts/model/MLmodel'), 'utf8')).toBe('flavors: {}\n');
  });

  it('get of a directory (or the root) is INVALID_PARAMETER_VALUE', async () => {
    await store.put('d/f.txt', Buffer.from('f'));
    await expectCode(store.get('d'), 'INVALID_PARAMETER_VALUE');
    await expectCode(store.get(''), 'INVALID_PARAMETER_VALUE');
  });

  it('put onto an existing directory, the root, or under a file is INVALID_PARAMETER_VALUE', async () => {
    await store.put('d/f.txt', Buffer.from('f'));
    await mkdir(join(rootDir, 'empty-dir'));
    await expectCode(store.put('d', Buffer.from('x')), 'INVALID_PARAMETER_VALUE');
    await expectCode(store.put('d/', Buffer.from('x')), 'INVALID_PARAMETER_VALUE');
    await expectCode(store.put('empty-dir', Buffer.from('x')), 'INVALID_PARAMETER_VALUE');
    await expectCode(store.put('', Buffer.from('x')), 'INVALID_PARAMETER_VALUE');
    await expectCode(store.put('d/f.txt/x', Buffer.from('x')), 'INVALID_PARAMETER_VALUE');
    await expectCode(store.put('d/f.txt/x/y', Buffer.from('x')), 'INVALID_PARAMETER_VALUE');
    expect(await store.list('d')).toEqual([{ path: 'd/f.txt', isDir: false, fileSize: 1 }]);
    expect(await readdir(join(rootDir, '.slipway-tmp'))).toEqual([]);
  });

  it('a failed upload removes its temp file', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(4096, 1));
        setTimeout(() => this.destroy(new Error('boom')), 2);
      },
    });
    await expect(store.put('x/y.bin', failing)).rejects.toThrow('boom');
    expect(await readdir(join(rootDir, '.slipway-tmp'))).toEqual([]);
    expect(await readdir(rootDir)).toEqual(['.slipway-tmp']);
  });

  describe('.slipway-tmp', () => {
    it('is hidden from listings', async () => {
      await store.put('a.txt', Buffer.from('a'));
      expect((await stat(join(rootDir, '.slipway-tmp'))).isDirectory()).toBe(true);
      expect(await store.list('')).toEqual([{ path: 'a.txt', isDir: false, fileSize: 1 }]);
    });

    it.each(['.slipway-tmp', '.slipway-tmp/', './.slipway-tmp', '.slipway-tmp/x', '.slipway-tmp/a/b', '//.slipway-tmp/x'])(
      'is not addressable as %j',
      async (p) => {
        await store.put('a.txt', Buffer.from('a'));
        await writeFile(join(rootDir, '.slipway-tmp', 'x'), 'planted');
        await expectCode(store.put(p, Buffer.from('x')), 'INVALID_PARAMETER_VALUE');
        await expectCode(store.get(p), 'INVALID_PARAMETER_VALUE');
        await expectCode(store.list(p), 'INVALID_PARAMETER_VALUE');
        await expectCode(store.stat(p), 'INVALID_PARAMETER_VALUE');
        await expectCode(store.delete(p), 'INVALID_PARAMETER_VALUE');
        expect(await readFile(join(rootDir, '.slipway-tmp', 'x'), 'utf8')).toBe('planted');
      },
    );

    it('is a plain name below the root', async () => {
      await store.put('sub/.slipway-tmp/f.txt', Buffer.from('ok'));
      expect(await store.list('sub')).toEqual([{ path: 'sub/.slipway-tmp', isDir: true }]);
      expect((await readAll((await store.get('sub/.slipway-tmp/f.txt')).stream)).toString()).toBe('ok');
    });
  });

  symlinks('symlink confinement', () => {
    let outside: string;
    const secret = 'top secret\n';

    beforeEach(async () => {
      outside = join(base, 'outside');
      await mkdir(outside);
      await writeFile(join(outside, 'secret.txt'), secret);
      await symlink(outside, join(rootDir, 'link')); // directory link leading out
      await symlink(join(outside, 'secret.txt'), join(rootDir, 'secret-link')); // file link leading out
    });

    async function expectOutsideUntouched(): Promise<void> {
      expect((await readdir(outside)).sort()).toEqual(['secret.txt']);
      expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe(secret);
    }

    it('refuses get through a link leading out', async () => {
      await expectCode(store.get('link/secret.txt'), 'INVALID_PARAMETER_VALUE');
      await expectCode(store.get('secret-link'), 'INVALID_PARAMETER_VALUE');
      await expectCode(store.stat('link/secret.txt'), 'INVALID_PARAMETER_VALUE');
      await expectCode(store.stat('secret-link'), 'INVALID_PARAMETER_VALUE');
      await expectOutsideUntouched();
    });

    it('refuses put through a link leading out', async () => {
      await expectCode(store.put('link/secret.txt', Buffer.from('overwritten')), 'INVALID_PARAMETER_VALUE');
      await expectCode(store.put('link/new.txt', Buffer.from('planted')), 'INVALID_PARAMETER_VALUE');
      await expectCode(store.put('link/deep/new.txt', Buffer.from('planted')), 'INVALID_PARAMETER_VALUE');
      await expectCode(store.put('secret-link', Buffer.from('overwritten')), 'INVALID_PARAMETER_VALUE');
      await expectCode(
        store.put('link/new.txt', Readable.from([Buffer.from('planted')], { objectMode: false })),
        'INVALID_PARAMETER_VALUE',
      );
      await expectOutsideUntouched();
      expect(await readdir(rootDir)).not.toContain('new.txt');
      expect(await readdir(join(rootDir, '.slipway-tmp')).catch(() => [])).toEqual([]);
    });

    it('refuses list through a link leading out, and leaves such links out of listings', async () => {
      await expectCode(store.list('link'), 'INVALID_PARAMETER_VALUE');
      await expectCode(store.list('secret-link'), 'INVALID_PARAMETER_VALUE');
      expect(await store.list('')).toEqual([]);
    });

    it('refuses delete through a link leading out', async () => {
      await expectCode(store.delete('link/secret.txt'), 'INVALID_PARAMETER_VALUE');
      await expectCode(store.delete('link'), 'INVALID_PARAMETER_VALUE');
      await expectCode(store.delete('secret-link'), 'INVALID_PARAMETER_VALUE');
      await expectOutsideUntouched();
    });

    it('refuses a path whose parent lies outside even if the target links back in', async () => {
      await store.put('in/victim.txt', Buffer.from('victim'));
      await symlink(join(rootDir, 'in', 'victim.txt'), join(outside, 'back'));
      await expectCode(store.delete('link/back'), 'INVALID_PARAMETER_VALUE');
      await expectCode(store.get('link/back'), 'INVALID_PARAMETER_VALUE');
      await expectCode(store.put('link/back', Buffer.from('x')), 'INVALID_PARAMETER_VALUE');
      expect((await readdir(outside)).sort()).toEqual(['back', 'secret.txt']);
      expect(await readFile(join(rootDir, 'in', 'victim.txt'), 'utf8')).toBe('victim');
    });

    it('follows links that stay inside the root; delete removes the link, not its target', async () => {
      await store.put('real/f.txt', Buffer.from('inside'));
      await symlink(join(rootDir, 'real'), join(rootDir, 'alias'));
      await symlink(join(rootDir, 'real', 'f.txt'), join(rootDir, 'f-alias'));
      expect((await readAll((await store.get('alias/f.txt')).stream)).toString()).toBe('inside');
      expect((await readAll((await store.get('f-alias')).stream)).toString()).toBe('inside');
      expect(await store.list('alias')).toEqual([{ path: 'alias/f.txt', isDir: false, fileSize: 6 }]);
      expect(await store.list('')).toEqual([
        { path: 'alias', isDir: true },
        { path: 'f-alias', isDir: false, fileSize: 6 },
        { path: 'real', isDir: true },
      ]);
      await store.delete('alias');
      await store.delete('f-alias');
      expect(await readFile(join(rootDir, 'real', 'f.txt'), 'utf8')).toBe('inside');
    });

    it('does not create directories through a dangling link', async () => {
      await symlink(join(outside, 'not-yet'), join(rootDir, 'dangling'));
      await expectCode(store.put('dangling/x.txt', Buffer.from('x')), 'INVALID_PARAMETER_VALUE');
      await expectCode(store.get('dangling'), 'RESOURCE_DOES_NOT_EXIST');
      expect(await store.stat('dangling')).toBeUndefined();
      await expectOutsideUntouched();
    });

    it('refuses a path reaching .slipway-tmp through a link to the root', async () => {
      await store.put('a.txt', Buffer.from('a'));
      await symlink(rootDir, join(rootDir, 'self'));
      await expectCode(store.put('self/.slipway-tmp/x', Buffer.from('x')), 'INVALID_PARAMETER_VALUE');
      await expectCode(store.list('self/.slipway-tmp'), 'INVALID_PARAMETER_VALUE');
      expect((await store.list('self')).map((e) => e.path)).toEqual(['self/a.txt', 'self/self']);
    });
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { declaredCode } from '../../../src/pipelines/engine/declared-code.js';
import { writeFiles } from '../../support/pipeline-scratch.js';

describe('declared code', () => {
  let dir: string;
  beforeEach(() => {
    dir = writeFiles(mkdtempSync(join(tmpdir(), 'slipway-declared-')), {
      'train.py': 'print(1)\n',
      'README.md': 'readme\n',
      'lib/util.py': 'a\n',
      'lib/deep/more.py': 'b\n',
      'lib/deep/data.csv': 'c\n',
      'lib/.hidden.py': 'd\n',
      'conf/model.yaml': 'k: v\n',
      'conf/sub/extra.yaml': 'x: y\n',
    });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('matches paths, globs (dot files included) and directories, relative to the code directory', async () => {
    expect((await declaredCode(dir, ['train.py'])).files).toEqual(['train.py']);
    expect((await declaredCode(dir, ['./train.py', 'lib/**/*.py'])).files).toEqual(['lib/.hidden.py', 'lib/deep/more.py', 'lib/util.py', 'train.py']);
    expect((await declaredCode(dir, ['lib/*.py'])).files).toEqual(['lib/.hidden.py', 'lib/util.py']);
    expect((await declaredCode(dir, ['conf'])).files).toEqual(['conf/model.yaml', 'conf/sub/extra.yaml']);
    expect((await declaredCode(dir, ['conf/'])).files).toEqual(['conf/model.yaml', 'conf/sub/extra.yaml']);
    expect((await declaredCode(dir, ['*.{py,md}'])).files).toEqual(['README.md', 'train.py']);
  });

  it('digests exactly the matched files: their paths and contents, whatever the pattern order', async () => {
    const a = await declaredCode(dir, ['train.py', 'lib/**/*.py']);
    expect((await declaredCode(dir, ['lib/**/*.py', 'train.py', 'lib/util.py'])).digest).toBe(a.digest);
    writeFileSync(join(dir, 'README.md'), 'changed\n');
    writeFileSync(join(dir, 'lib/deep/data.csv'), 'changed\n');
    expect((await declaredCode(dir, ['train.py', 'lib/**/*.py'])).digest).toBe(a.digest);
    writeFileSync(join(dir, 'lib/deep/more.py'), 'changed\n');
    expect((await declaredCode(dir, ['train.py', 'lib/**/*.py'])).digest).not.toBe(a.digest);
    expect((await declaredCode(dir, ['train.py'])).digest).not.toBe((await declaredCode(dir, ['README.md'])).digest);
  });

  it('names every pattern that matches nothing', async () => {
    await expect(declaredCode(dir, ['train.py', 'src/**/*.py'])).rejects.toThrow("declared code 'src/**/*.py' matches no file in the code directory's snapshot");
    await expect(declaredCode(dir, ['missing.py', 'lib/*.txt'])).rejects.toThrow("declared code 'missing.py', 'lib/*.txt' match no file in the code directory's snapshot");
    await expect(declaredCode(join(dir, 'no-such-snapshot'), ['train.py'])).rejects.toThrow("declared code 'train.py' matches no file");
  });
});

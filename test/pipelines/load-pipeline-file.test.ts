import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isPipelineDefinitionError } from '../../src/core/pipelines/pipeline-issues.js';
import { loadPipelineFile } from '../../src/pipelines/load-pipeline-file.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const definePipelineUrl = pathToFileURL(fileURLToPath(new URL('../../src/pipelines/define-pipeline.ts', import.meta.url))).href;
const scratch = mkdtempSync(join(tmpdir(), 'slipway-pipelines-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
}

async function loadError(file: string): Promise<string[]> {
  try {
    await loadPipelineFile(file);
  } catch (e) {
    if (isPipelineDefinitionError(e)) return e.message.split('\n');
    throw e;
  }
  throw new Error(`${file} loaded`);
}

describe('loadPipelineFile', () => {
  it('loads the YAML and TypeScript forms of a pipeline to the same version', async () => {
    const yaml = await loadPipelineFile(join(fixtures, 'california-housing.yaml'));
    const ts = await loadPipelineFile(join(fixtures, 'california-housing.ts'));
    expect(ts.definition).toEqual(yaml.definition);
    expect(ts.hash).toBe(yaml.hash);
    expect(yaml.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(yaml.file).toBe(join(fixtures, 'california-housing.yaml'));
  });

  it('gives the same hash whatever the key order, layout and shorthands', async () => {
    const a = write('a.yml', 'name: h\nsteps:\n  - id: s\n    run: echo ${{ params.n }}\n    needs: []\n    cache: false\nparams:\n  n: {type: int, default: 1}\n');
    const b = write(
      'b.yaml',
      '# the same pipeline\nparams: { n: { default: 1, type: int } }\nname: h\nsteps: [ { run: "echo ${{ params.n }}", id: s } ]\n',
    );
    const c = write('c.yaml', 'name: h\nparams: { n: { default: 2, type: int } }\nsteps: [ { run: "echo ${{ params.n }}", id: s } ]\n');
    const [ha, hb, hc] = await Promise.all([a, b, c].map(async (f) => (await loadPipelineFile(f)).hash));
    expect(ha).toBe(hb);
    expect(hc).not.toBe(ha);
  });

  it('loads a .mjs pipeline made by definePipeline (of any copy of Slipway)', async () => {
    // What definePipeline leaves: the model, and the document under a shared symbol.
    const file = write(
      'pipeline.mjs',
      `const document = { name: 'from-js', steps: [{ id: 'hello', run: 'echo hello' }] };
       export default Object.defineProperty({}, Symbol.for('slipway.pipeline.document'), { value: document });\n`,
    );
    const loaded = await loadPipelineFile(file);
    expect(loaded.definition).toMatchObject({ name: 'from-js', steps: [{ id: 'hello', run: 'echo hello' }] });
  });

  it('reports a TypeScript pipeline that fails validation with the file and TypeScript paths', async () => {
    const file = write(
      'bad.ts',
      `import { definePipeline } from '${definePipelineUrl}';
       const later: string = 'c';
       export default definePipeline({
         name: 'bad',
         steps: { a: { run: 'echo' }, b: { needs: ['a', later], run: 'echo', timeoutMinutes: 0 } },
       });\n`,
    );
    expect(await loadError(file)).toEqual([
      `${file}: steps.b.timeoutMinutes: 'timeoutMinutes' of step 'b' must be greater than 0, not 0`,
      `${file}: steps.b.needs[1]: step 'b' needs unknown step 'c'`,
    ]);
  });

  it('reports a TypeScript syntax error at its line and column', async () => {
    const file = write('syntax.ts', "export default {\n  name: 'x',,\n};\n");
    expect(await loadError(file)).toEqual([`${file}:2:13: Expected identifier but found ","`]);
  });

  it.each([
    ['none.yaml', null, /: cannot read the file: ENOENT: no such file or directory/],
    ['none.ts', null, /: cannot read the file: ENOENT/],
    ['pipeline.json', '{}', /: unsupported pipeline file type '.json' \(expected .yaml, .yml, .ts, .mts, .cts, .js, .mjs, .cjs\)$/],
    ['no-default.mjs', 'export const x = 1;\n', /: the file has no default export \(write `export default definePipeline\(\{...\}\)`\)$/],
    ['plain.mjs', "export default { name: 'x', steps: [] };\n", /: the default export is not a pipeline/],
    ['throws.mjs', "throw new Error('boom');\n", /: cannot load the pipeline: boom$/],
  ])('refuses %s', async (name, text, message) => {
    const file = text === null ? join(scratch, name) : write(name, text);
    const [line] = await loadError(file);
    expect(line?.startsWith(file)).toBe(true);
    expect(line).toMatch(message);
  });

  it('reports YAML issues at file:line:column', async () => {
    const file = write('broken.yaml', 'name: broken\nsteps:\n  - id: a\n    needs: [b]\n    run: echo\n');
    expect(await loadError(file)).toEqual([`${file}:4:13: step 'a' needs unknown step 'b'`]);
  });
});

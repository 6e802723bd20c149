import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalPipelineJson } from '../../src/core/pipelines/canonical-pipeline-json.js';
import { definePipeline } from '../../src/pipelines/define-pipeline.js';
import { loadPipelineFile } from '../../src/pipelines/load-pipeline-file.js';
import { parsePipelineYaml } from '../../src/pipelines/parse-pipeline-yaml.js';
import { hashPipeline } from '../../src/pipelines/pipeline-hash.js';
import { dedent, errorLines, yamlErrors } from './support.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const example = (path: string): string => new URL(`../../examples/${path}`, import.meta.url).pathname;

describe('step resources and declared code', () => {
  it('reads resources (memory kept as bytes) and code (a path or a list) into the model', () => {
    const pipeline = parsePipelineYaml(
      dedent(`
        name: hinted
        steps:
          - id: train
            run: python train.py
            resources: { cpu: 0.5, memory: 2Gi, gpu: 1 }
            code: [train.py, 'lib/**/*.py']
          - id: small
            run: sh small.sh
            resources:
              memory: 750M
            code: small.sh
          - id: none
            run: echo
            resources: { gpu: 0 }
      `),
      'pipeline.yaml',
    );
    expect(pipeline.steps.map((s) => (s.kind === 'run' ? [s.resources, s.code] : undefined))).toEqual([
      [{ cpu: 0.5, memoryBytes: 2 * 1024 ** 3, gpu: 1 }, ['train.py', 'lib/**/*.py']],
      [{ memoryBytes: 750_000_000 }, ['small.sh']],
      [{ gpu: 0 }, undefined],
    ]);
  });

  it('hashes the same however memory and code are written, and differently when they mean something else', () => {
    const hash = (resources: string, code: string): string =>
      hashPipeline(parsePipelineYaml(`name: h\nsteps:\n  - id: a\n    run: echo\n    resources: ${resources}\n    code: ${code}\n`, 'p.yaml'));
    const base = hash('{ cpu: 2, memory: 2Gi }', '[train.py]');
    expect(hash('{ memory: 2048Mi, cpu: 2.0 }', 'train.py')).toBe(base);
    expect(hash('{ cpu: 2, memory: 2G }', '[train.py]')).not.toBe(base);
    expect(hash('{ cpu: 2, memory: 2Gi, gpu: 0 }', '[train.py]')).not.toBe(base);
    expect(hash('{ cpu: 2, memory: 2Gi }', '[train.py, lib/]')).not.toBe(base);
  });

  it('leaves the canonical JSON and hash of a pipeline without them unchanged', async () => {
    // Hashes from before steps had 'resources' and 'code': stored versions keep their identity.
    expect(hashPipeline(parsePipelineYaml(fixture('california-housing.yaml'), 'california-housing.yaml'))).toBe(
      '632d57c0ee04ecb115af6f5c6fa85e54e585112b659fb82a2b7b600a42f7aa7a',
    );
    expect(hashPipeline(parsePipelineYaml(fixture('regional-fan-out.yaml'), 'regional-fan-out.yaml'))).toBe(
      '2a0227ce4405c4584f7637df8c2eb26d2a496b085e534b98b75c4d08413b31ae',
    );
    const loaded = await Promise.all(
      ['california-housing/pipeline.yaml', 'california-housing/pipeline.ts', 'heart-disease/pipeline.yaml', 'heart-disease/pipeline.ts'].map((p) =>
        loadPipelineFile(example(p)),
      ),
    );
    // The California example changed since (it gained an `on:` block); both twins still agree.
    expect(loaded.map((l) => l.hash)).toEqual([
      '4e686398c6ceb774a210137ce7ed876c31f69981cbd00b75f6149dc1264e4d30',
      '4e686398c6ceb774a210137ce7ed876c31f69981cbd00b75f6149dc1264e4d30',
      '76e43d55fbd50145fab3d977ddd9606de9bcd69afdfdd061699dff54984cb1e0',
      '76e43d55fbd50145fab3d977ddd9606de9bcd69afdfdd061699dff54984cb1e0',
    ]);
    const json = canonicalPipelineJson(parsePipelineYaml('name: p\nsteps:\n  - id: a\n    run: echo\n', 'p.yaml'));
    expect(json).toBe('{"env":{},"name":"p","params":{},"steps":[{"cache":{"enabled":false},"env":{},"id":"a","kind":"run","metrics":[],"needs":[],"outputs":{},"run":"echo"}]}');
  });

  it('reports bad resources and code entries at file:line:column', () => {
    expect(
      yamlErrors(`
        name: x
        steps:
          - id: a
            run: echo
            resources:
              cpu: 0
              memory: 2GB
              gpu: -1
              disk: 10Gi
            code: [train.py, /etc/passwd, '../up.py', '\${{ params.x }}', '!tests/**', train.py, 3]
          - id: b
            run: echo
            resources: { cpu: '500m', memory: 512 }
            code: []
          - id: c
            run: echo
            resources: {}
            code: { train: train.py }
          - id: d
            uses: slipway/notify
            with: { url: 'http://x', message: hi }
            resources: { cpu: 1 }
            code: x.py
          - id: e
            run: echo
            resources: { memory: 512mi, gpu: 1.5, requests: {} }
          - id: f
            run: echo
            resources: { memory: '512', cpu: true }
          - id: g
            run: echo
            resources: 4
      `),
    ).toEqual([
      "pipeline.yaml:6:12: 'cpu' (cores) must be greater than 0, not 0",
      "pipeline.yaml:7:15: invalid memory '2GB': unknown unit 'GB' (write 'Gi' for GiB, powers of 1024, or 'G' for GB, powers of 1000)",
      "pipeline.yaml:8:12: 'gpu' must be a whole number of GPUs (0 or more), not -1",
      "pipeline.yaml:9:7: unknown key 'disk' in 'resources' (expected 'cpu', 'memory' or 'gpu')",
      "pipeline.yaml:10:22: a 'code' entry must be a path or glob relative to the code directory, not '/etc/passwd'",
      "pipeline.yaml:10:35: a 'code' entry must be a path or glob relative to the code directory, not '../up.py'",
      "pipeline.yaml:10:47: 'code' entries are literal paths or globs; expressions are not evaluated here",
      "pipeline.yaml:10:66: 'code' entries name the files to include; '!tests/**' (a negated glob) is not supported",
      "pipeline.yaml:10:79: 'train.py' is listed twice in 'code'",
      "pipeline.yaml:10:89: a 'code' entry must be a string, not an integer",
      "pipeline.yaml:13:23: 'cpu' must be a number of cores (0.5 for half a core, 2 for two), not '500m'",
      "pipeline.yaml:13:39: 'memory' must be a quantity with a unit such as '512Mi' or '2Gi', not the number 512",
      "pipeline.yaml:14:5: 'code' of step 'b' must not be empty (leave it out to use the whole code directory)",
      "pipeline.yaml:17:5: 'resources' of step 'c' gives no hint: set 'cpu', 'memory' or 'gpu' (or leave 'resources' out)",
      "pipeline.yaml:18:5: 'code' of step 'c' must be a path or glob, or a list of them (relative to the code directory), not a map",
      "pipeline.yaml:22:5: 'resources' only goes with 'run' steps (built-in steps run inside the server)",
      "pipeline.yaml:23:5: 'code' only goes with 'run' steps (built-in steps run inside the server)",
      "pipeline.yaml:26:26: invalid memory '512mi': unknown unit 'mi' (units are case-sensitive: did you mean 'Mi'?)",
      "pipeline.yaml:26:38: 'gpu' must be a whole number of GPUs (0 or more), not 1.5",
      "pipeline.yaml:26:43: unknown key 'requests' in 'resources' (give the hints directly: 'resources: {cpu: 2, memory: 4Gi}')",
      "pipeline.yaml:29:26: invalid memory '512': it needs a unit ('Ki', 'Mi', 'Gi', 'Ti' (powers of 1024) or 'k', 'M', 'G', 'T' (powers of 1000), e.g. '512Mi' or '2Gi')",
      "pipeline.yaml:29:38: 'cpu' (cores) must be a number, not a boolean",
      "pipeline.yaml:32:16: 'resources' of step 'g' (a map of 'cpu', 'memory' and 'gpu') must be a map, not an integer",
    ]);
  });

  it('takes the same fields in definePipeline, giving the same model and hash as YAML', () => {
    const ts = definePipeline({
      name: 'hinted',
      steps: {
        train: { run: 'python train.py', resources: { cpu: 0.5, memory: '2Gi', gpu: 1 }, code: ['train.py', 'lib/**/*.py'] },
        small: { run: 'sh small.sh', resources: { memory: '750M' }, code: 'small.sh' },
      },
    });
    const yaml = parsePipelineYaml(
      dedent(`
        name: hinted
        steps:
          - { id: train, run: python train.py, resources: { cpu: 0.5, memory: 2Gi, gpu: 1 }, code: [train.py, 'lib/**/*.py'] }
          - { id: small, run: sh small.sh, resources: { memory: 750M }, code: [small.sh] }
      `),
      'pipeline.yaml',
    );
    expect(ts).toEqual(yaml);
    expect(hashPipeline(ts)).toBe(hashPipeline(yaml));
  });

  it('checks memory literals at compile time, and everything at run time with TypeScript paths', () => {
    expect(() =>
      definePipeline({
        name: 'x',
        steps: {
          // @ts-expect-error '2GB' is not a number and a unit
          train: { run: 'a', resources: { memory: '2GB' } },
        },
      }),
    ).toThrow("steps.train.resources.memory: invalid memory '2GB'");

    const memory: string = '4 gigs';
    const code: string[] = ['/abs.py'];
    expect(
      errorLines(() =>
        definePipeline({
          name: 'x',
          steps: {
            train: { run: 'a', resources: { cpu: -1, memory, gpu: 0.5 }, code },
            gate: { needs: 'train', uses: 'slipway/notify', with: { url: 'http://x', message: 'm' }, ...({ resources: { cpu: 1 } } as object) },
          },
        }),
      ),
    ).toEqual([
      "steps.train.resources.cpu: 'cpu' (cores) must be greater than 0, not -1",
      "steps.train.resources.memory: invalid memory '4 gigs': expected a number and a unit: 'Ki', 'Mi', 'Gi', 'Ti' (powers of 1024) or 'k', 'M', 'G', 'T' (powers of 1000), e.g. '512Mi' or '2Gi'",
      "steps.train.resources.gpu: 'gpu' must be a whole number of GPUs (0 or more), not 0.5",
      "steps.train.code[0]: a 'code' entry must be a path or glob relative to the code directory, not '/abs.py'",
      "steps.gate.resources: 'resources' only goes with 'run' steps (built-in steps run inside the server)",
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parsePipelineSource } from '../../../src/pipelines/engine/pipeline-source.js';
import { parseOutputFile } from '../../../src/pipelines/engine/output-file.js';
import { hashPipeline } from '../../../src/pipelines/pipeline-hash.js';
import { parsePipelineYaml } from '../../../src/pipelines/parse-pipeline-yaml.js';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), 'utf8');

describe('pipeline sources', () => {
  it('accepts the JSON model (what definePipeline returns) and gives the same definition and hash as the YAML', () => {
    for (const file of ['california-housing.yaml', 'regional-fan-out.yaml']) {
      const fromYaml = parsePipelineYaml(fixture(file), file);
      const viaJson = parsePipelineSource({ source: JSON.stringify(fromYaml), sourceFormat: 'json' }).definition;
      const viaObject = parsePipelineSource({ source: fromYaml, sourceFormat: 'typescript' }).definition;
      expect(viaJson).toEqual(fromYaml);
      expect(hashPipeline(viaObject)).toBe(hashPipeline(fromYaml));
    }
  });

  it('validates a JSON source like any other, naming the file', () => {
    expect(() => parsePipelineSource({ source: '{"name": "x", "steps": []}', sourceFormat: 'json', fileName: 'p.json' })).toThrow(/^p\.json/);
    expect(() => parsePipelineSource({ source: '{', sourceFormat: 'json' })).toThrow(/invalid JSON/);
  });
});

describe('$SLIPWAY_OUTPUT', () => {
  it('reads name=value lines and heredoc values', () => {
    expect(parseOutputFile('a=1\n\nb=x=y\nc<<END\nline 1\nline 2\nEND\nd=\n')).toEqual({ a: '1', b: 'x=y', c: 'line 1\nline 2', d: '' });
  });

  it('names the line of a malformed entry', () => {
    expect(() => parseOutputFile('a=1\nnope\n')).toThrow("$SLIPWAY_OUTPUT line 2: expected 'name=value' or 'name<<DELIMITER': 'nope'");
    expect(() => parseOutputFile('1a=1\n')).toThrow("$SLIPWAY_OUTPUT line 1: '1a' is not a valid output name");
    expect(() => parseOutputFile('x<<EOF\nnever closed\n')).toThrow("$SLIPWAY_OUTPUT line 1: the delimiter 'EOF' never closes the value");
  });
});

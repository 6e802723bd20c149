import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findPython } from '../../src/demo/find-python.js';
import { DemoError, runDemo, type DemoResult } from '../../src/demo/run-demo.js';
import { sklearnVariant } from '../../src/demo/demo-variants.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VENV_PYTHON = path.join(ROOT, '.venv', 'bin', 'python');

describe('findPython', () => {
  it('skips candidates that are missing or cannot import the modules, and says so with undefined', async () => {
    expect(await findPython(ROOT, ['mlflow'], ['/nonexistent/bin/python', process.execPath])).toBeUndefined();
  });

  it.skipIf(!existsSync(VENV_PYTHON))("finds the project's .venv first, with its bin directory", async () => {
    const found = await findPython(ROOT, ['mlflow', 'sklearn', 'pandas']);
    expect(found?.binDir).toBe(path.join(ROOT, '.venv', 'bin'));
  }, 120_000);
});

describe('slipway demo --sklearn', () => {
  let result: DemoResult | undefined;
  let dataDir: string | undefined;
  afterAll(async () => {
    await result?.server.close();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses clearly when no Python has mlflow and scikit-learn, before starting anything', async () => {
    // A package root without .venv, and a PATH without python.
    const savedPath = process.env.PATH;
    process.env.PATH = path.dirname(process.execPath);
    try {
      const error = await runDemo({ sklearn: true, root: '/nonexistent-slipway', log: () => undefined }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DemoError);
      expect((error as Error).message).toMatch(/^--sklearn needs a Python with mlflow, scikit-learn and pandas/);
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it.skipIf(!existsSync(VENV_PYTHON))('trains with scikit-learn in Python and takes it to the production endpoint', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'slipway-demo-sklearn-'));
    const lines: string[] = [];
    const savedPath = process.env.PATH;
    try {
      result = await runDemo({ sklearn: true, port: '0', dataDir, log: (line) => lines.push(line), pollIntervalMs: 250 });
    } finally {
      process.env.PATH = savedPath;
    }
    expect(result.variant.name).toBe(sklearnVariant().name);
    expect(result.succeeded).toBe(true);
    expect(result.execution.steps.every((step) => step.status === 'succeeded')).toBe(true);
    expect(result.champion?.version).toBe('1');
    expect(result.rmse).toBeLessThan(70_000);
    expect(result.predictions).toHaveLength(3);
    for (const { predicted, row } of result.predictions) expect(Math.abs(predicted - row.actual)).toBeLessThan(200_000);
    expect(lines).toContain(`Python steps run ${VENV_PYTHON}`);
  }, 600_000);
});

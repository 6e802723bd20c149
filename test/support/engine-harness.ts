import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArtifactStore } from '../../src/artifacts/local-artifact-store.js';
import type { Execution, ExecutionStatus } from '../../src/core/pipelines/execution-model.js';
import { RegistryService } from '../../src/core/registry/registry-service.js';
import { TrackingService } from '../../src/core/tracking/tracking-service.js';
import { LocalExecutor } from '../../src/executors/local-executor.js';
import { PipelineEngine, type PipelineEngineOptions } from '../../src/pipelines/engine/pipeline-engine.js';
import { SqlPipelineStore } from '../../src/store-sql/sql-pipeline-store.js';
import { SqlRegistryStore } from '../../src/store-sql/sql-registry-store.js';
import { SqlTrackingStore } from '../../src/store-sql/sql-tracking-store.js';
import { writeFiles } from './pipeline-scratch.js';
import type { TestBackend } from './test-databases.js';

/** A pipeline engine over a fresh database, data directory and artifact store, driven in-process. */
export interface EngineHarness {
  readonly engine: PipelineEngine;
  readonly tracking: TrackingService;
  readonly registry: RegistryService;
  readonly registryStore: SqlRegistryStore;
  readonly store: SqlPipelineStore;
  readonly dataDir: string;
  readonly root: string;
  /** A fresh code directory with these files. */
  codeDir(files: Record<string, string>): string;
  /** Upserts YAML and starts an execution. */
  run(yaml: string, params?: Record<string, string | number | boolean>, options?: { codeDir?: string }): Promise<Execution>;
  /** Polls until the execution is no longer queued or running (or `until` holds). */
  wait(executionId: string, until?: (e: Execution) => boolean, timeoutMs?: number): Promise<Execution>;
  logs(executionId: string, stepId: string, options?: { instance?: string; attempt?: number }): Promise<string>;
  close(): Promise<void>;
}

const DONE: readonly ExecutionStatus[] = ['succeeded', 'failed', 'cancelled'];

export async function createEngineHarness(
  backend: TestBackend,
  options: Partial<PipelineEngineOptions> & { maxConcurrent?: number; trackingUri?: string } = {},
): Promise<EngineHarness> {
  const db = await backend.create();
  const root = mkdtempSync(join(tmpdir(), 'slipway-engine-'));
  const dataDir = join(root, 'data');
  const trackingStore = await SqlTrackingStore.open(db.database, { defaultArtifactRoot: 'mlflow-artifacts:/' });
  const registryStore = await SqlRegistryStore.open(db.database);
  const store = await SqlPipelineStore.open(db.database);
  const artifacts = await LocalArtifactStore.open(join(root, 'artifacts'));
  const tracking = new TrackingService(trackingStore);
  const registry = new RegistryService({ registry: registryStore, tracking: trackingStore });
  const engine = new PipelineEngine(
    { store, executor: new LocalExecutor({ maxConcurrent: options.maxConcurrent ?? 8, killGraceMs: 1_000 }), tracking, registry, registryStore, artifacts },
    { dataDir, pollIntervalMs: 50, random: () => 0, ...options },
  );
  await engine.start(options.trackingUri ?? 'http://127.0.0.1:9');
  let codeDirs = 0;
  const harness: EngineHarness = {
    engine,
    tracking,
    registry,
    registryStore,
    store,
    dataDir,
    root,
    codeDir(files) {
      return writeFiles(join(root, `code-${++codeDirs}`), files);
    },
    async run(yaml, params = {}, runOptions = {}) {
      const { pipeline } = await engine.upsertPipeline({ source: yaml, sourceFormat: 'yaml', codeDir: runOptions.codeDir }, 'tester');
      return engine.startExecution({ pipelineName: pipeline.name, params }, 'tester');
    },
    async wait(executionId, until, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const e = await engine.getExecution(executionId);
        if (until === undefined ? DONE.includes(e.status) : until(e)) return e;
        if (Date.now() > deadline) throw new Error(`execution ${executionId} still ${e.status}: ${JSON.stringify(e.steps, null, 1)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async logs(executionId, stepId, logOptions = {}) {
      let text = '';
      let offset = 0;
      for (;;) {
        const chunk = await engine.readLogs(executionId, { stepId, ...logOptions, offset });
        text += chunk.text;
        if (chunk.nextOffset === offset) return text;
        offset = chunk.nextOffset;
      }
    },
    async close() {
      await engine.stop();
      await db.dispose();
      rmSync(root, { recursive: true, force: true });
    },
  };
  return harness;
}

/** The step (or instance) of an execution. */
export function stepOf(execution: Execution, stepId: string, instance?: string) {
  const step = execution.steps.find((s) => s.stepId === stepId && s.instance === instance);
  if (step === undefined) throw new Error(`no step ${stepId} ${instance ?? ''} in ${JSON.stringify(execution.steps.map((s) => [s.stepId, s.instance]))}`);
  return step;
}

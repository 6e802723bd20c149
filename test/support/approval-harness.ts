import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArtifactStore } from '../../src/artifacts/local-artifact-store.js';
import { ApprovalService } from '../../src/core/approvals/approval-service.js';
import type { Execution } from '../../src/core/pipelines/execution-model.js';
import { RegistryService } from '../../src/core/registry/registry-service.js';
import { TrackingService } from '../../src/core/tracking/tracking-service.js';
import { LocalExecutor } from '../../src/executors/local-executor.js';
import { PipelineEngine, type PipelineEngineOptions } from '../../src/pipelines/engine/pipeline-engine.js';
import { SqlApprovalStore } from '../../src/store-sql/sql-approval-store.js';
import { SqlPipelineStore } from '../../src/store-sql/sql-pipeline-store.js';
import { SqlRegistryStore } from '../../src/store-sql/sql-registry-store.js';
import { SqlTrackingStore } from '../../src/store-sql/sql-tracking-store.js';
import type { TestBackend, TestDatabase } from './test-databases.js';

const DONE = ['succeeded', 'failed', 'cancelled'];

/**
 * A pipeline engine with approvals over a fresh database, driven in-process, with a clock
 * the test moves (deadlines) and an engine it can stop and start again on the same data.
 */
export interface ApprovalHarness {
  engine: PipelineEngine;
  /** The service the engine uses (a decision through it wakes the step at once). */
  approvals: ApprovalService;
  readonly store: SqlApprovalStore;
  readonly registry: RegistryService;
  readonly tracking: TrackingService;
  readonly artifacts: LocalArtifactStore;
  readonly registryStore: SqlRegistryStore;
  readonly database: TestDatabase;
  readonly dataDir: string;
  /** The engine's clock, in ms; move it to pass deadlines. */
  clock: number;
  run(yaml: string, params?: Record<string, string | number | boolean>): Promise<Execution>;
  wait(executionId: string, until?: (e: Execution) => boolean, timeoutMs?: number): Promise<Execution>;
  /** The step's pending (or any) approval request, once opened. */
  request(executionId: string, stepId?: string): Promise<Awaited<ReturnType<ApprovalService['get']>>>;
  logs(executionId: string, stepId: string, attempt?: number): Promise<string>;
  /** Stops the engine gracefully and starts a new one (new service, new in-memory state) on the same database. */
  restart(): Promise<void>;
  /** Stops the engine gracefully (a `start()` later brings up a new one). */
  stop(): Promise<void>;
  /** Starts a new engine on the same database (its recovery runs first). */
  start(): Promise<void>;
  readonly pipelines: SqlPipelineStore;
  close(): Promise<void>;
}

export async function createApprovalHarness(backend: TestBackend, options: Partial<PipelineEngineOptions> = {}): Promise<ApprovalHarness> {
  const database = await backend.create();
  const root = mkdtempSync(join(tmpdir(), 'slipway-approval-'));
  const dataDir = join(root, 'data');
  const trackingStore = await SqlTrackingStore.open(database.database, { defaultArtifactRoot: 'mlflow-artifacts:/' });
  const registryStore = await SqlRegistryStore.open(database.database);
  const pipelineStore = await SqlPipelineStore.open(database.database);
  const store = await SqlApprovalStore.open(database.database);
  const artifacts = await LocalArtifactStore.open(join(root, 'artifacts'));
  const tracking = new TrackingService(trackingStore);
  const registry = new RegistryService({ registry: registryStore, tracking: trackingStore });
  const newEngine = (h: { clock: number }): { engine: PipelineEngine; approvals: ApprovalService } => {
    const clock = () => h.clock;
    const approvals = new ApprovalService(store, { clock });
    const engine = new PipelineEngine(
      { store: pipelineStore, executor: new LocalExecutor({ maxConcurrent: 4, killGraceMs: 1_000 }), tracking, registry, registryStore, artifacts, approvals },
      { dataDir, pollIntervalMs: 50, approvalPollIntervalMs: 100, random: () => 0, clock, ...options },
    );
    return { engine, approvals };
  };
  const h: ApprovalHarness = {
    clock: Date.now(),
    engine: undefined as unknown as PipelineEngine,
    approvals: undefined as unknown as ApprovalService,
    store,
    pipelines: pipelineStore,
    registry,
    tracking,
    artifacts,
    registryStore,
    database,
    dataDir,
    async run(yaml, params = {}) {
      const { pipeline } = await h.engine.upsertPipeline({ source: yaml, sourceFormat: 'yaml' }, 'tester');
      return h.engine.startExecution({ pipelineName: pipeline.name, params }, 'tester');
    },
    async wait(executionId, until, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const e = await h.engine.getExecution(executionId);
        if (until === undefined ? DONE.includes(e.status) : until(e)) return e;
        if (Date.now() > deadline) throw new Error(`execution ${executionId} still ${e.status}: ${JSON.stringify(e.steps, null, 1)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async request(executionId, stepId = 'approve') {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const found = (await store.listRequests({ limit: 100, offset: 0, executionId })).items.find((r) => r.stepId === stepId);
        if (found !== undefined) return found;
        if (Date.now() > deadline) throw new Error(`no approval request for ${executionId}/${stepId}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async logs(executionId, stepId, attempt) {
      return (await h.engine.readLogs(executionId, { stepId, attempt, offset: 0 })).text;
    },
    async restart() {
      await h.stop();
      await h.start();
    },
    async stop() {
      await h.engine.stop();
    },
    async start() {
      Object.assign(h, newEngine(h));
      await h.engine.start('http://127.0.0.1:9');
    },
    async close() {
      await h.engine.stop();
      await database.dispose();
      rmSync(root, { recursive: true, force: true });
    },
  };
  Object.assign(h, newEngine(h));
  await h.engine.start('http://127.0.0.1:9');
  return h;
}

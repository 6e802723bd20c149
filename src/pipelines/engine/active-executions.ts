import type { ExecutionRecord, PipelineStore, Transition } from '../../core/ports/pipeline-store.js';
import { ACTIVE_STATUSES } from './active-statuses.js';
import { patchExecutionRecord } from './patch-execution-record.js';

/**
 * The engine's in-memory copy of each active execution, so that advancing one does not
 * re-read all its step and attempt rows from the store (which made the cost of a step
 * grow with the size of the execution). Every transition the engine commits is applied
 * here too (write-through, see `commitTransition`); a copy is read again from the store
 * only when the store's revision of the execution is newer than the copy's — someone
 * else wrote it (another server process's API, e.g. a cancel) — or after a failed write.
 * Copies are dropped when their execution ends. Used under the engine's lock.
 */
export class ActiveExecutions {
  readonly #store: PipelineStore;
  readonly #held = new Map<string, ExecutionRecord>();

  constructor(store: PipelineStore) {
    this.#store = store;
  }

  /**
   * The execution as this engine knows it; read from the store when not held, or when
   * `storedRevision` (from `listActiveExecutions`) is newer than the copy.
   */
  async get(executionId: string, storedRevision?: number): Promise<ExecutionRecord> {
    const held = this.#held.get(executionId);
    if (held !== undefined && (storedRevision === undefined || storedRevision <= (held.revision ?? 0))) return held;
    const record = await this.#store.getExecution(executionId);
    this.#keep(record);
    return record;
  }

  /**
   * Applies a committed transition to the held copy. `revision` is the store's revision
   * after it: unless it is the copy's next one, someone else wrote in between and the
   * copy is dropped (read again when next needed).
   */
  applied(transition: Transition, revision: number): void {
    const held = this.#held.get(transition.executionId);
    if (held === undefined) return;
    if (revision !== (held.revision ?? 0) + 1) {
      this.#held.delete(transition.executionId);
      return;
    }
    this.#keep(patchExecutionRecord(held, transition, revision));
  }

  /** Forgets the copy (after a write whose outcome is not known, e.g. a RESOURCE_CONFLICT). */
  drop(executionId: string): void {
    this.#held.delete(executionId);
  }

  /** Forgets every copy whose execution is not among `activeIds` (ended, elsewhere). */
  retain(activeIds: ReadonlySet<string>): void {
    for (const id of this.#held.keys()) if (!activeIds.has(id)) this.#held.delete(id);
  }

  /** How many executions are held (for tests). */
  get size(): number {
    return this.#held.size;
  }

  #keep(record: ExecutionRecord): void {
    if (ACTIVE_STATUSES.includes(record.status)) this.#held.set(record.executionId, record);
    else this.#held.delete(record.executionId);
  }
}

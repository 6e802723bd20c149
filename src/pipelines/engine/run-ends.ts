/**
 * The MLflow runs of ended attempts still being ended, by execution. Ending a step's run
 * is not on the way to its next step (the result is committed first), so it is done in
 * the background; the execution is not ended (nor the engine stopped) before its runs are,
 * so whoever sees the execution ended sees its steps' runs ended too.
 */
export class PendingRunEnds {
  readonly #pending = new Map<string, Set<Promise<void>>>();

  /** Tracks `work` (its failure is ignored: a run left open is not worth failing a step). */
  add(executionId: string, work: Promise<unknown>): void {
    const set = this.#pending.get(executionId) ?? new Set();
    this.#pending.set(executionId, set);
    const promise: Promise<void> = work.then(
      () => undefined,
      () => undefined,
    );
    set.add(promise);
    void promise.then(() => {
      set.delete(promise);
      if (set.size === 0 && this.#pending.get(executionId) === set) this.#pending.delete(executionId);
    });
  }

  /** Resolves when the execution's runs being ended now are. */
  async settled(executionId: string): Promise<void> {
    await Promise.all([...(this.#pending.get(executionId) ?? [])]);
  }

  /** Resolves when every run being ended now is. */
  async all(): Promise<void> {
    await Promise.all([...this.#pending.values()].flatMap((set) => [...set]));
  }
}

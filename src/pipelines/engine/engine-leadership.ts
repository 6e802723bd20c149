import type { LeaseStore } from '../../core/ports/lease-store.js';

/** The lease whose holder runs the pipeline engine's loop. */
export const ENGINE_LEASE = 'pipeline-engine';

/** What a look at the lease found. */
export type Leadership =
  /** This process holds the lease, and held it at the last look too. */
  | 'leader'
  /** This process has just taken the lease: recover what the previous holder left first. */
  | 'elected'
  /** Another process holds it: advance nothing. */
  | 'follower';

/**
 * Which of several server processes on one database advances executions. The engine keeps
 * its executions in memory and launches steps, so two engines on one database would run
 * the same steps twice; with a {@link LeaseStore}, only the holder of the
 * `pipeline-engine` lease advances executions and recovers the ones a crashed holder left,
 * and another process takes over within the lease's TTL when the holder dies. Any process
 * serves the API: its writes (start, cancel, approvals) reach the leader through the
 * store (new executions are listed, changed ones have a newer revision).
 *
 * Without a lease store (one process, e.g. on SQLite) this process is always the leader.
 */
export class EngineLeadership {
  readonly #leases: LeaseStore | undefined;
  readonly #holder: string;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #held = false;
  /** When the lease was last taken or renewed by this process. */
  #renewedAt = Number.NEGATIVE_INFINITY;

  constructor(options: { readonly leases?: LeaseStore | undefined; readonly holder: string; readonly ttlMs: number; readonly now: () => number }) {
    this.#leases = options.leases;
    this.#holder = options.holder;
    this.#ttlMs = options.ttlMs;
    this.#now = options.now;
  }

  /**
   * Takes or renews the lease. The loop looks after every step that ends, so a held lease
   * is renewed only once a third of its TTL has passed (no store round trip on the hot
   * path; nobody else can take it before it expires). A store error counts as not holding
   * it: nothing is advanced on a guess.
   */
  async check(): Promise<Leadership> {
    if (this.#leases === undefined) {
      const first = !this.#held;
      this.#held = true;
      return first ? 'elected' : 'leader';
    }
    const now = this.#now();
    if (this.#held && now - this.#renewedAt < this.#ttlMs / 3) return 'leader';
    let holds: boolean;
    try {
      holds = await this.#leases.tryAcquire(ENGINE_LEASE, this.#holder, this.#ttlMs, now);
    } catch {
      holds = false;
    }
    const before = this.#held;
    this.#held = holds;
    if (!holds) return 'follower';
    this.#renewedAt = now;
    return before ? 'leader' : 'elected';
  }

  get held(): boolean {
    return this.#held;
  }

  /** Gives the lease up (a graceful stop), so another process takes over at once. */
  async release(): Promise<void> {
    if (this.#leases === undefined || !this.#held) return;
    this.#held = false;
    await this.#leases.release(ENGINE_LEASE, this.#holder).catch(() => undefined);
  }
}

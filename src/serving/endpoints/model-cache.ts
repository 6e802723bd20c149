import type { ServedModel } from '../load-served-model.js';

interface Entry {
  readonly loading: Promise<ServedModel>;
  loaded: ServedModel | undefined;
  /** Who keeps it loaded: `<endpoint id>:<role>:<variant>` of every variant it serves. */
  readonly holders: Set<string>;
  /** Requests scoring on it now. */
  uses: number;
  closed: boolean;
}

/**
 * Loaded models shared by every variant that serves the same model version with the same
 * runtime preference (the key), reference-counted: an update that keeps a model does not
 * load it again, and a model is closed only when no variant holds it and no request is
 * using it (a removed variant drains: its in-flight requests finish first).
 */
export class ModelCache {
  readonly #entries = new Map<string, Entry>();
  readonly #onError: (error: unknown) => void;
  readonly #closing = new Set<Promise<void>>();

  constructor(options: { readonly onCloseError?: (error: unknown) => void } = {}) {
    this.#onError = options.onCloseError ?? (() => undefined);
  }

  /**
   * Holds the model under `key` for `holder`, loading it with `load` when nobody has.
   * A failed load is forgotten (the next acquire tries again) and rejects every holder.
   */
  acquire(key: string, holder: string, load: () => Promise<ServedModel>): Promise<ServedModel> {
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      const created: Entry = { loading: load(), loaded: undefined, holders: new Set(), uses: 0, closed: false };
      entry = created;
      this.#entries.set(key, created);
      created.loading.then(
        (model) => {
          created.loaded = model;
          this.#closeIfUnused(key, created);
        },
        () => {
          if (this.#entries.get(key) === created) this.#entries.delete(key);
        },
      );
    }
    entry.holders.add(holder);
    return entry.loading;
  }

  /** Lets go of `holder`'s hold; the model closes once unheld and unused. */
  release(key: string, holder: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    entry.holders.delete(holder);
    this.#closeIfUnused(key, entry);
  }

  /** The loaded model under `key` if its load has finished. */
  loaded(key: string): ServedModel | undefined {
    return this.#entries.get(key)?.loaded;
  }

  /** Marks one use (a request) of a loaded model; call the returned function once it is done. */
  use(key: string): (() => void) | undefined {
    const entry = this.#entries.get(key);
    if (entry?.loaded === undefined) return undefined;
    entry.uses++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      entry.uses--;
      this.#closeIfUnused(key, entry);
    };
  }

  /** Keys loaded or loading now. */
  keys(): string[] {
    return [...this.#entries.keys()];
  }

  #closeIfUnused(key: string, entry: Entry): void {
    if (entry.closed || entry.holders.size > 0 || entry.uses > 0 || entry.loaded === undefined) return;
    entry.closed = true;
    if (this.#entries.get(key) === entry) this.#entries.delete(key);
    const closing = entry.loaded.close().catch(this.#onError);
    this.#closing.add(closing);
    void closing.finally(() => this.#closing.delete(closing));
  }

  /** Resolves once every model closed so far has finished closing. */
  async closed(): Promise<void> {
    await Promise.all([...this.#closing]);
  }
}

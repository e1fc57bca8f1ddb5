/**
 * A mutex per key: `run(key, fn)` starts `fn` only after every earlier `fn` for the same key
 * settled. The vault keys it by conversation id, so "read session → ratchet → commit" never
 * interleaves for one conversation (two concurrent encrypts cannot use the same chain key).
 * It is in memory on purpose: it guards one vault instance; the commit transactions also
 * re-check a revision number, so two instances on one database cannot both commit either.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  /** Run `fn` exclusively for `key`; resolves or rejects with `fn`'s outcome. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(fn);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Keys with work queued or running (tests). */
  get size(): number {
    return this.#tails.size;
  }
}

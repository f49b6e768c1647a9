/**
 * The local read caches of `RedisTokenStore`: bounded, least-recently-used maps from a key (user id, session
 * id) to the last record read or written, each entry fresh for a fixed time.
 *
 * @module
 */
interface Entry<T> {
  readonly value: T | null;
  readonly freshUntil: number;
}

/**
 * A bounded LRU map of key → record (or `null` for "none"), each entry served for at most `ttlMs`.
 * Coherence across instances is the store's job; this only bounds age and size.
 */
export class ReadCache<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #ttlMs: number;
  readonly #max: number;

  /**
   * @param ttlMs - How long an entry may be served after it was stored, in milliseconds.
   * @param max - How many keys to keep; the least recently used is evicted first.
   */
  constructor(ttlMs: number, max: number) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  /**
   * The cached entry for `key` at time `now`: `{ value }` (value may be `null`, a cached miss), or
   * `undefined` when nothing fresh is cached.
   */
  get(key: string, now: number): { readonly value: T | null } | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.freshUntil <= now) return undefined;
    // Re-inserting moves the entry to the end of the Map's iteration order: the most recently used.
    this.#entries.set(key, entry);
    return entry;
  }

  /** Caches `value` (or a miss, `null`) for `key`, evicting the least recently used entry when full. */
  set(key: string, value: T | null, now: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, freshUntil: now + this.#ttlMs });
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }

  /** Forgets `key`. */
  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** The keys whose cached value (fresh or not) satisfies `test`. */
  keysWhere(test: (value: T | null) => boolean): string[] {
    const keys: string[] = [];
    for (const [key, entry] of this.#entries) if (test(entry.value)) keys.push(key);
    return keys;
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
  }

  /** How many entries are cached, fresh or not. */
  get size(): number {
    return this.#entries.size;
  }
}

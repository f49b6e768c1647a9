/**
 * The local read cache of `RedisTokenStore`: a bounded, least-recently-used map from user id to the last
 * record read or written, each entry fresh for a fixed time.
 *
 * @module
 */
import type { StoredToken } from '@threads-auth/core';

interface Entry {
  readonly token: StoredToken | null;
  readonly freshUntil: number;
}

/**
 * A bounded LRU map of user id → token (or `null` for "no token"), each entry served for at most `ttlMs`.
 * Coherence across instances is the store's job; this only bounds age and size.
 */
export class ReadCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #max: number;

  /**
   * @param ttlMs - How long an entry may be served after it was stored, in milliseconds.
   * @param max - How many users to keep; the least recently used is evicted first.
   */
  constructor(ttlMs: number, max: number) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  /**
   * The cached entry for `userId` at time `now`: `{ token }` (token may be `null`, a cached miss), or
   * `undefined` when nothing fresh is cached.
   */
  get(userId: string, now: number): { readonly token: StoredToken | null } | undefined {
    const entry = this.#entries.get(userId);
    if (entry === undefined) return undefined;
    this.#entries.delete(userId);
    if (entry.freshUntil <= now) return undefined;
    // Re-inserting moves the entry to the end of the Map's iteration order: the most recently used.
    this.#entries.set(userId, entry);
    return entry;
  }

  /** Caches `token` (or a miss, `null`) for `userId`, evicting the least recently used entry when full. */
  set(userId: string, token: StoredToken | null, now: number): void {
    this.#entries.delete(userId);
    this.#entries.set(userId, { token, freshUntil: now + this.#ttlMs });
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }

  /** Forgets `userId`. */
  delete(userId: string): void {
    this.#entries.delete(userId);
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

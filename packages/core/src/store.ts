/**
 * Server-side token stores.
 *
 * A store keeps one token per Threads user. threads-auth seals the token (AES-256-GCM, key derived from
 * `secret`) before handing it to the store, so a store only ever sees an opaque `sealed` string plus the
 * times it needs to find due tokens: a dump of the store reveals no usable token.
 *
 * @module
 */

/** What a {@link TokenStore} keeps for one user. */
export interface StoredToken {
  /** The Threads user id, exact, as a string. The store's key. */
  readonly userId: string;
  /** The token, sealed by threads-auth. Opaque to the store: keep it as it is. */
  readonly sealed: string;
  /** When the token was issued, in milliseconds since the epoch. */
  readonly issuedAt: number;
  /** When the token expires, in milliseconds since the epoch. A store may drop the record after this. */
  readonly expiresAt: number;
}

/** The query {@link TokenStore.listDue} answers. */
export interface DueQuery {
  /** Only tokens issued at or before this time (ms): Threads refuses to refresh tokens younger than 24 hours. */
  readonly issuedBefore: number;
  /** Only tokens expiring at or before this time (ms). */
  readonly expiresBefore: number;
  /** Only tokens that have not expired yet, i.e. expiring after this time (ms). */
  readonly expiresAfter: number;
  /** At most this many records. */
  readonly limit: number;
}

/** Releases a lock taken with {@link TokenStore.acquireLock}. Safe to call more than once. */
export type ReleaseLock = () => Promise<void>;

/**
 * Where threads-auth keeps tokens server-side. Implemented by {@link MemoryTokenStore},
 * `RedisTokenStore` (`@threads-auth/redis`) and `PostgresTokenStore` (`@threads-auth/postgres`).
 *
 * Every method may be called concurrently. A store never inspects `sealed`.
 */
export interface TokenStore {
  /**
   * The stored token for `userId`, or `null`. With `{ consistent: true }` (used while holding the refresh
   * lock) a store that caches reads must bypass its cache.
   */
  get(userId: string, options?: { readonly consistent?: boolean }): Promise<StoredToken | null>;
  /**
   * What the store can tell about `userId` synchronously, from its own memory: the token, `null` for a known
   * miss, or `undefined` when it cannot tell without I/O. Optional: it lets a logged-in request that needs no
   * refresh skip an asynchronous round entirely. Must never answer from a cache that may be stale beyond
   * what `get` would serve.
   */
  peek?(userId: string): StoredToken | null | undefined;
  /** Stores `token`, replacing any token stored for the same user. */
  set(token: StoredToken): Promise<void>;
  /** Forgets the user's token. Resolves `true` when there was one. */
  delete(userId: string): Promise<boolean>;
  /** Tokens that match `query`, soonest expiry first. */
  listDue(query: DueQuery): Promise<StoredToken[]>;
  /**
   * Takes an exclusive lock on `key` for at most `ttlMs`, across every instance that shares the store.
   * Resolves a release function, or `null` when someone else holds the lock. Optional: without it,
   * threads-auth only deduplicates refreshes within one process.
   */
  acquireLock?(key: string, ttlMs: number): Promise<ReleaseLock | null>;
  /**
   * Records that the one-time `key` was used. Resolves `true` the first time and `false` on every later
   * call within `ttlMs`. Optional: threads-auth uses it to refuse a replayed login across instances.
   */
  consumeOnce?(key: string, ttlMs: number): Promise<boolean>;
  /** Releases connections the store opened itself. */
  close?(): Promise<void>;
}

/** Options for {@link MemoryTokenStore}. */
export interface MemoryTokenStoreOptions {
  /** The clock, in milliseconds. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * A {@link TokenStore} in this process's memory: for a single instance, tests and demos.
 * Tokens are lost on restart; use `PostgresTokenStore` for durability and `RedisTokenStore` across instances.
 */
export class MemoryTokenStore implements TokenStore {
  readonly #tokens = new Map<string, StoredToken>();
  readonly #locks = new Map<string, { readonly until: number; readonly holder: symbol }>();
  readonly #used = new Map<string, number>();
  readonly #now: () => number;

  constructor(options: MemoryTokenStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  async get(userId: string): Promise<StoredToken | null> {
    return this.peek(userId) ?? null;
  }

  peek(userId: string): StoredToken | null | undefined {
    const token = this.#tokens.get(userId);
    if (token === undefined) return null;
    if (token.expiresAt <= this.#now()) {
      this.#tokens.delete(userId);
      return null;
    }
    return token;
  }

  async set(token: StoredToken): Promise<void> {
    this.#tokens.set(token.userId, { userId: token.userId, sealed: token.sealed, issuedAt: token.issuedAt, expiresAt: token.expiresAt });
  }

  async delete(userId: string): Promise<boolean> {
    return this.#tokens.delete(userId);
  }

  async listDue(query: DueQuery): Promise<StoredToken[]> {
    const due: StoredToken[] = [];
    for (const token of this.#tokens.values()) {
      if (token.issuedAt <= query.issuedBefore && token.expiresAt <= query.expiresBefore && token.expiresAt > query.expiresAfter) {
        due.push(token);
      }
    }
    return due.sort((a, b) => a.expiresAt - b.expiresAt).slice(0, query.limit);
  }

  async acquireLock(key: string, ttlMs: number): Promise<ReleaseLock | null> {
    const now = this.#now();
    const held = this.#locks.get(key);
    if (held !== undefined && held.until > now) return null;
    const lock = { until: now + ttlMs, holder: Symbol(key) };
    this.#locks.set(key, lock);
    return async () => {
      if (this.#locks.get(key)?.holder === lock.holder) this.#locks.delete(key);
    };
  }

  async consumeOnce(key: string, ttlMs: number): Promise<boolean> {
    const now = this.#now();
    for (const [k, until] of this.#used) if (until <= now) this.#used.delete(k);
    if (this.#used.has(key)) return false;
    this.#used.set(key, now + ttlMs);
    return true;
  }
}

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
  /**
   * Keyset cursor: only tokens strictly after this `(expiresAt, userId)` pair in the listing order. Pass the
   * last record of the previous page to read the next one; a page never repeats or skips a record that did not
   * change in between, however many records before the cursor keep matching.
   */
  readonly after?: { readonly expiresAt: number; readonly userId: string };
  /**
   * Claim what is listed, so concurrent upkeep workers split the fleet instead of walking the same tokens: the
   * store leaves out every token that another `owner` claimed less than `ttlMs` ago, and claims the tokens it
   * returns for `owner` for `ttlMs`, atomically. The owner's own claims do not exclude: a worker's next run lists
   * again what its last one left due. A claim is a hint, not a lock: the refresh lock still makes each refresh
   * happen once, so a store that ignores `claim` stays correct (its workers only skip more). A claiming store
   * returns fewer than `limit` records only when no more unclaimed ones match, and `[]` only when none do.
   */
  readonly claim?: {
    /** How long the claim holds, in ms. */
    readonly ttlMs: number;
    /** Who claims: one random id per threads-auth instance (an upkeep worker). */
    readonly owner: string;
  };
}

/**
 * One signed-in browser session (store mode): created at each login, referenced by a random id sealed in the
 * session cookie, deleted at logout. `revoke(userId)` and Meta's deauthorize / delete callbacks delete every
 * session of the user.
 */
export interface StoredSession {
  /** Random, unguessable id (base64url); the store's key. */
  readonly id: string;
  /** The user the session belongs to. */
  readonly userId: string;
  /** When the session ends unless renewed (ms since the epoch). A store may drop the record after this. */
  readonly expiresAt: number;
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
  /**
   * Tokens that match `query`, ordered by `expiresAt` then `userId` (ascending, by UTF-16 code unit / byte
   * order), starting after `query.after` when given. An index on `(expiresAt, userId)` serves it.
   */
  listDue(query: DueQuery): Promise<StoredToken[]>;
  /**
   * Ends every claim `owner` holds ({@link DueQuery.claim}): an upkeep run calls it when it ends, so the tokens
   * it listed but left due are open to any worker at once instead of after the claim's ttl. Optional, like
   * claims.
   */
  releaseClaims?(owner: string): Promise<void>;
  /** Creates or replaces (renews) a session record. */
  setSession?(session: StoredSession): Promise<void>;
  /** The session record with `id`, or `null` when there is none or it has expired. */
  getSession?(id: string): Promise<StoredSession | null>;
  /** Like {@link TokenStore.peek}, for sessions: the record, `null` for a known miss, `undefined` when it cannot tell. */
  peekSession?(id: string): StoredSession | null | undefined;
  /** Deletes one session. Resolves `true` when there was one. */
  deleteSession?(id: string): Promise<boolean>;
  /** Deletes every session of `userId`. Resolves how many there were. */
  deleteSessions?(userId: string): Promise<number>;
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

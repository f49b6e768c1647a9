/**
 * The token store in this process's memory ({@link MemoryTokenStore}): for one instance, tests and demos, and
 * the reference implementation of every optional part of {@link TokenStore} (peeks, sessions, locks, one-time
 * keys, claims).
 *
 * @module
 */
import type { DueQuery, ReleaseLock, StoredSession, StoredToken, TokenStore } from './store.js';

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
  readonly #sessions = new Map<string, StoredSession>();
  readonly #claims = new Map<string, { readonly until: number; readonly owner: string }>();
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
    const after = query.after;
    for (const token of this.#tokens.values()) {
      if (token.issuedAt <= query.issuedBefore && token.expiresAt <= query.expiresBefore && token.expiresAt > query.expiresAfter) {
        if (after !== undefined && compareDue(token, after) <= 0) continue;
        due.push(token);
      }
    }
    due.sort(compareDue);
    if (query.claim === undefined) return due.slice(0, query.limit);
    const now = this.#now();
    const { owner, ttlMs } = query.claim;
    for (const [userId, claim] of this.#claims) if (claim.until <= now) this.#claims.delete(userId);
    const claimed = due.filter((token) => (this.#claims.get(token.userId)?.owner ?? owner) === owner).slice(0, query.limit);
    for (const token of claimed) this.#claims.set(token.userId, { until: now + ttlMs, owner });
    return claimed;
  }

  async releaseClaims(owner: string): Promise<void> {
    for (const [userId, claim] of this.#claims) if (claim.owner === owner) this.#claims.delete(userId);
  }

  async setSession(session: StoredSession): Promise<void> {
    this.#sessions.set(session.id, { id: session.id, userId: session.userId, expiresAt: session.expiresAt });
  }

  async getSession(id: string): Promise<StoredSession | null> {
    return this.peekSession(id);
  }

  peekSession(id: string): StoredSession | null {
    const session = this.#sessions.get(id);
    if (session === undefined) return null;
    if (session.expiresAt <= this.#now()) {
      this.#sessions.delete(id);
      return null;
    }
    return session;
  }

  async deleteSession(id: string): Promise<boolean> {
    return this.#sessions.delete(id);
  }

  async deleteSessions(userId: string): Promise<number> {
    let n = 0;
    for (const [id, session] of this.#sessions) {
      if (session.userId === userId && this.#sessions.delete(id)) n++;
    }
    return n;
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

/** The listing order of {@link TokenStore.listDue}: `expiresAt`, then `userId`. */
function compareDue(a: { readonly expiresAt: number; readonly userId: string }, b: { readonly expiresAt: number; readonly userId: string }): number {
  return a.expiresAt - b.expiresAt || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);
}

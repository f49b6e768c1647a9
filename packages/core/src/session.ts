/**
 * The session codec: what a session cookie designates, and what the store keeps for a token.
 *
 * Cookie mode: the session cookie is the token record, sealed. Store mode: it is a sealed reference `{u}` to
 * the user's record in the store, and the store keeps the token sealed with a key of its own. Both are cached
 * by their sealed value, so a request carrying a known cookie costs a map lookup, not a decryption.
 * Resolving never refreshes and never writes: it says what the request carries, and the lifecycle decides.
 *
 * @module
 */
import { BoundedMap } from './bounded-map.js';
import type { AuthContext } from './context.js';
import type { SetCookie } from './cookies.js';
import { pass, type PassOutcome } from './outcome.js';
import type { StoredToken } from './store.js';
import { toThreadsToken, type ThreadsToken, type TokenRecord } from './token.js';

/** A token known in memory, with the outcome of a request that carries it and needs nothing done. */
export interface Session {
  readonly record: TokenRecord;
  readonly token: ThreadsToken;
  /** Built once, shared by every request that carries this session. */
  readonly pass: PassOutcome;
}

/** A {@link Session} for `record`. */
export function toSession(record: TokenRecord): Session {
  const token = toThreadsToken(record);
  return { record, token, pass: pass(token) };
}

/** True when an unsealed value has the shape of a {@link TokenRecord}. */
export function isTokenRecord(value: unknown): value is TokenRecord {
  const r = value as Record<string, unknown> | null;
  return (
    typeof r === 'object' && r !== null && typeof r['accessToken'] === 'string' && typeof r['userId'] === 'string' &&
    Array.isArray(r['scopes']) && typeof r['issuedAt'] === 'number' && typeof r['expiresAt'] === 'number'
  );
}

/** The session codec of one instance. */
export interface SessionCodec {
  /**
   * What the session cookie `value` carries, without refreshing: the session, `null` when it designates
   * nothing valid any more (forged, expired, forgotten: clear the cookie), or a promise of either when the
   * store must be read. Synchronous whenever the answer is in memory (the store's `peek` included).
   */
  resolve(value: string): Session | null | Promise<Session | null>;
  /** The session cookie for `record` (cookie mode: the sealed record; store mode: a sealed reference). */
  issue(record: TokenRecord): SetCookie;
  /** Forgets what `value` designated, so that the next request with it is resolved afresh. */
  drop(value: string): void;
  /** The pass outcome that clears the session cookie. */
  readonly signedOut: PassOutcome;
  /** The `Set-Cookie` that clears the session cookie. */
  readonly clear: SetCookie;
  /** What a store keeps for `record`: the token sealed, plus the times it needs to find due tokens. */
  toStored(record: TokenRecord): StoredToken;
  /** The session a stored record holds, or `undefined` when it cannot be unsealed or names another user. */
  open(stored: StoredToken): Session | undefined;
}

/** Builds the codec. */
export function createSessionCodec(ctx: AuthContext): SessionCodec {
  const { store, now, sealers, names } = ctx;
  /** Session cookie value → what it unseals to (a session in cookie mode, a user id in store mode). */
  const cookieCache = new BoundedMap<string, Session | string>();
  /** Sealed store value → session. */
  const storedCache = new BoundedMap<string, Session>();
  const clear = ctx.cookie(names.session, '', 0);
  const signedOut: PassOutcome = Object.freeze({ type: 'pass', token: undefined, cookies: Object.freeze([clear]) });

  function designated(value: string): Session | string | undefined {
    let cached = cookieCache.get(value);
    if (cached !== undefined) return cached;
    const unsealed = sealers.session.unseal(value);
    if (store === undefined && isTokenRecord(unsealed)) cached = toSession(unsealed);
    else if (store !== undefined && typeof (unsealed as { u?: unknown } | undefined)?.u === 'string') cached = (unsealed as { u: string }).u;
    else return undefined;
    cookieCache.set(value, cached);
    return cached;
  }

  function open(stored: StoredToken): Session | undefined {
    const cached = storedCache.get(stored.sealed);
    // The cache is keyed by the sealed value: a record copied under another user's key must not pass.
    if (cached !== undefined) return cached.record.userId === stored.userId ? cached : undefined;
    const record = sealers.store.unseal(stored.sealed);
    if (!isTokenRecord(record) || record.userId !== stored.userId) return undefined;
    const session = toSession(record);
    storedCache.set(stored.sealed, session);
    return session;
  }

  /** `session` while its token lives; else `null`, forgetting `value`. */
  function live(value: string, session: Session | undefined): Session | null {
    if (session !== undefined && session.record.expiresAt > now()) return session;
    cookieCache.delete(value);
    return null;
  }

  return {
    resolve(value) {
      const target = designated(value);
      if (target === undefined) return null;
      if (typeof target !== 'string') return live(value, target);
      const peeked = store!.peek?.(target);
      if (peeked !== undefined) return live(value, peeked === null ? undefined : open(peeked));
      return store!.get(target).then((stored) => live(value, stored === null ? undefined : open(stored)));
    },
    issue(record) {
      const value = sealers.session.seal(store === undefined ? record : { u: record.userId });
      cookieCache.set(value, store === undefined ? toSession(record) : record.userId);
      return ctx.cookie(names.session, value, Math.max(1, Math.floor((record.expiresAt - now()) / 1000)));
    },
    drop: (value) => void cookieCache.delete(value),
    signedOut,
    clear,
    toStored: (record) => ({ userId: record.userId, sealed: sealers.store.seal(record), issuedAt: record.issuedAt, expiresAt: record.expiresAt }),
    open,
  };
}

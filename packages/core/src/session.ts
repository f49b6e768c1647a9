/**
 * The session codec: what a session cookie carries, what the store keeps for a token, and when a session ends.
 *
 * Every login starts a session with a random id. Cookie mode: the cookie is the token record plus the session
 * (id, start, last renewal), sealed. Store mode: the cookie is a sealed reference (user, session id, start,
 * renewal) and the store keeps one session record per login beside the user's sealed token. A session ends at
 * logout, after `sessionMaxAge` without use, when its user is revoked, or when its token dies. Sealed values
 * are cached by value, so a request carrying a known cookie costs a map lookup, not a decryption. Resolving
 * never refreshes and never writes: it says what the request carries, and the lifecycle decides.
 *
 * @module
 */
import { BoundedMap, Recent } from './bounded-map.js';
import type { AuthContext } from './context.js';
import type { SetCookie } from './cookies.js';
import { base64url } from './crypto.js';
import { pass, type PassOutcome } from './outcome.js';
import type { PendingWrites } from './pending-writes.js';
import { decodeCookiePayload, encodeCookiePayload, fromJson, isTokenRecord, toJson, type CookiePayload } from './session-format.js';
import type { StoredToken } from './store.js';
import { toThreadsToken, type ThreadsToken, type TokenRecord } from './token.js';

const DAY = 24 * 60 * 60 * 1000;

/** A token known in memory, with the outcome of a request that carries it and needs nothing done. */
export interface Session {
  readonly record: TokenRecord;
  readonly token: ThreadsToken;
  /** Built once, shared by every request that carries this token and needs nothing done. */
  readonly pass: PassOutcome;
  /** Unsealed with an older secret than the first: re-seal it with the current one. */
  readonly stale: boolean;
}

/** What one session cookie carries, besides the token. */
export interface Carried {
  readonly userId: string;
  /** The session's random id. */
  readonly id: string;
  /** When the session started (ms): a revocation ends every session started before it. */
  readonly startedAt: number;
  /** When the cookie was last (re-)issued (ms): the session ends `sessionMaxAge` after it. */
  readonly renewedAt: number;
  /** Sealed with an older secret than the first. */
  readonly stale: boolean;
  /** Cookie mode: the token the cookie holds. */
  readonly session: Session | undefined;
}

/**
 * The session cache's key for a cookie value: its last 32 characters (AES-GCM output), so a request hashes 32
 * characters, not the ~400 V8 would hash afresh (the value is a new string each time). An entry counts only when
 * its full `value` equals the cookie's: a value that merely ends alike is opened and authenticated like any other.
 */
const cacheKey = (value: string) => (value.length > 64 ? value.slice(-32) : value);

/** A cached cookie: what it carries, the full value it was read from, and its last live session. */
type Cached = Carried & { readonly value: string; active?: Active };

/** A request's live session: what its cookie carries and its token. */
export interface Active {
  readonly carried: Carried;
  readonly session: Session;
}

/** A {@link Session} for `record`. */
export function toSession(record: TokenRecord, stale = false): Session {
  const token = toThreadsToken(record);
  return { record, token, pass: pass(token), stale };
}

/** The session codec of one instance. */
export interface SessionCodec {
  /**
   * The live session the cookie `value` carries at `at`, without refreshing: `null` when it carries none any
   * more (forged, ended, revoked, idle past `sessionMaxAge`, token expired: clear the cookie), or a promise of
   * either when the store must be read. Synchronous whenever the answer is in memory.
   */
  resolve(value: string, at: number): Active | null | Promise<Active | null>;
  /** Starts a session for a new login: the store's session record, then the cookie. */
  start(record: TokenRecord, at: number): Promise<SetCookie>;
  /**
   * The re-issued cookie of `active` carrying `record` (its token, or a refreshed one), renewed at `at`; in store
   * mode the session record is renewed too, in the background.
   */
  renew(active: Active, record: TokenRecord, at: number): SetCookie;
  /** True when `active`'s cookie should be re-issued now (a day since the last, or sealed with an older secret). */
  due(carried: Carried, at: number): boolean;
  /** Ends the session the cookie `value` carries (logout). */
  end(value: string): Promise<void>;
  /** Ends every session of `userId` started up to `at`. */
  revoke(userId: string, at: number): Promise<void>;
  /**
   * Cookie mode: `next` replaces `previous` (a refresh). A cookie still carrying `previous` resolves to `next` from
   * now on (in this process, while `next` lives), and is re-issued carrying it.
   */
  supersede(previous: TokenRecord, next: Session): void;
  /** The pass outcome that clears the session cookie. */
  readonly signedOut: PassOutcome;
  /** The `Set-Cookie` that clears the session cookie. */
  readonly clear: SetCookie;
  /** What a store keeps for `record`: the token sealed, plus the times it needs to find due tokens. */
  toStored(record: TokenRecord): StoredToken;
  /** The session a stored record holds, or `undefined` when it cannot be unsealed or names another user. */
  open(stored: StoredToken): Session | undefined;
  /** The user's token: a write still pending in this process, else the store's. */
  read(userId: string, consistent?: boolean): Promise<Session | undefined>;
}

/** Builds the codec. `pending` holds token writes the store has not taken yet. */
export function createSessionCodec(ctx: AuthContext, pending: PendingWrites | undefined): SessionCodec {
  const { store, sealers, names, opts } = ctx;
  const maxAge = opts.sessionMaxAge;
  /** Session cookie value → what it carries. */
  const cookieCache = new BoundedMap<string, Cached>();
  /** Sealed store value → session. */
  const storedCache = new BoundedMap<string, Session>();
  /** Cookie mode: a refreshed token → its successor, for cookies that still carry it. */
  const superseded = new BoundedMap<string, { readonly next: Session; readonly until: number }>();
  /** Users revoked (deauthorize, delete, revoke, a dead token) → when: sessions started before are refused. */
  const revokedAt = new Recent<string>(maxAge);
  /** Sessions ended by a logout in this process → when. */
  const ended = new Recent<string>(maxAge);
  const clear = ctx.cookie(names.session, '', 0);
  const signedOut: PassOutcome = Object.freeze({ type: 'pass', token: undefined, cookies: Object.freeze([clear]) });

  function carried(value: string): (Carried & { active?: Active }) | undefined {
    const cached = cookieCache.get(cacheKey(value));
    if (cached !== undefined && cached.value === value) return cached;
    const opened = sealers.session.openBytes(value);
    if (opened === undefined) return undefined;
    const p = decodeCookiePayload(opened.bytes) ?? fromJson(opened.bytes);
    if (p === undefined) return undefined;
    let entry: Cached;
    if (store === undefined && p.record !== undefined && isTokenRecord(p.record)) {
      entry = { userId: p.record.userId, id: p.id, startedAt: p.startedAt, renewedAt: p.renewedAt, stale: opened.stale, session: toSession(p.record), value };
    } else if (store !== undefined && p.record === undefined) {
      entry = { userId: p.userId, id: p.id, startedAt: p.startedAt, renewedAt: p.renewedAt, stale: opened.stale, session: undefined, value };
    } else {
      return undefined;
    }
    cookieCache.set(cacheKey(value), entry);
    return entry;
  }

  function forgetCookie(value: string): void {
    const key = cacheKey(value);
    if (cookieCache.get(key)?.value === value) cookieCache.delete(key);
  }

  function open(stored: StoredToken): Session | undefined {
    const cached = storedCache.get(stored.sealed);
    // The cache is keyed by the sealed value: a record copied under another user's key must not pass.
    if (cached !== undefined) return cached.record.userId === stored.userId ? cached : undefined;
    const opened = sealers.store.open(stored.sealed);
    if (opened === undefined || !isTokenRecord(opened.value) || opened.value.userId !== stored.userId) return undefined;
    const session = toSession(opened.value, opened.stale);
    storedCache.set(stored.sealed, session);
    return session;
  }

  function cookieFor(c: { userId: string; id: string; startedAt: number }, record: TokenRecord, at: number): SetCookie {
    const p: CookiePayload = { id: c.id, startedAt: c.startedAt, renewedAt: at, userId: c.userId, ...(store === undefined ? { record } : {}) };
    const compact = encodeCookiePayload(p);
    const value = compact === undefined ? sealers.session.seal(toJson(p)) : sealers.session.sealBytes(compact);
    // Cookie mode: the browser drops the cookie with its token; store mode: with the session.
    const until = store === undefined ? Math.min(record.expiresAt, at + maxAge) : at + maxAge;
    return ctx.cookie(names.session, value, Math.max(1, Math.floor((until - at) / 1000)));
  }

  /** `session` as the live session of `entry` at `at`, or `null`. */
  function live(entry: Carried & { active?: Active }, session: Session | undefined, at: number): Active | null {
    if (session === undefined || session.record.expiresAt <= at || session.record.userId !== entry.userId) return null;
    const active = entry.active;
    if (active !== undefined && active.session === session) return active;
    const next = { carried: entry, session };
    entry.active = next;
    return next;
  }

  function judge(entry: Carried & { active?: Active }, record: { userId: string; expiresAt: number } | null, stored: StoredToken | null | undefined, at: number): Active | null {
    if (record === null || record.userId !== entry.userId || record.expiresAt <= at) return null;
    return live(entry, stored === null || stored === undefined ? undefined : open(stored), at);
  }

  const storeOf = () => store!;

  return {
    resolve(value, at) {
      const entry = carried(value);
      if (entry === undefined) return null;
      // Most processes have revoked and ended nothing within sessionMaxAge: two size checks, no lookups.
      const revoked = revokedAt.size === 0 ? undefined : revokedAt.get(entry.userId);
      if ((revoked !== undefined && revoked >= entry.startedAt) || entry.renewedAt + maxAge <= at || (ended.size !== 0 && ended.get(entry.id) !== undefined)) {
        forgetCookie(value);
        return null;
      }
      if (store === undefined) {
        const successor = superseded.size === 0 ? undefined : superseded.get(entry.session!.record.accessToken);
        return live(entry, successor !== undefined && successor.until > at ? successor.next : entry.session, at);
      }
      const s = storeOf();
      const record = s.peekSession?.(entry.id);
      const stored = pending?.get(entry.userId) ?? s.peek?.(entry.userId);
      if (record !== undefined && stored !== undefined) return judge(entry, record, stored, at);
      // Promise.all makes a native promise whatever the store returns: the router tells sync from async with instanceof.
      return Promise.all([record === undefined ? s.getSession!(entry.id) : record, stored === undefined ? s.get(entry.userId) : stored]).then(([r, t]) =>
        judge(entry, r, t, at),
      );
    },
    async start(record, at) {
      const c = { userId: record.userId, id: base64url(opts.randomBytes(16)), startedAt: at };
      if (store !== undefined) await store.setSession!({ id: c.id, userId: record.userId, expiresAt: at + maxAge });
      return cookieFor(c, record, at);
    },
    renew(active, record, at) {
      const c = active.carried;
      if (store !== undefined) {
        storeOf()
          .setSession!({ id: c.id, userId: c.userId, expiresAt: at + maxAge })
          .catch((error: unknown) => ctx.report(error));
      }
      return cookieFor(c, record, at);
    },
    due: (c, at) => c.stale || at - c.renewedAt >= DAY,
    async end(value) {
      const entry = carried(value);
      forgetCookie(value);
      if (entry === undefined) return;
      ended.add(entry.id, ctx.now());
      if (store !== undefined) await storeOf().deleteSession!(entry.id);
    },
    async revoke(userId, at) {
      revokedAt.add(userId, at);
      if (store !== undefined) await storeOf().deleteSessions!(userId);
    },
    supersede(previous, next) {
      superseded.set(previous.accessToken, { next, until: next.record.expiresAt });
    },
    signedOut,
    clear,
    toStored: (record) => ({ userId: record.userId, sealed: sealers.store.seal(record), issuedAt: record.issuedAt, expiresAt: record.expiresAt }),
    open,
    async read(userId, consistent) {
      const held = pending?.get(userId);
      const stored = held ?? (await storeOf().get(userId, consistent ? { consistent: true } : undefined));
      return stored === null ? undefined : open(stored);
    },
  };
}

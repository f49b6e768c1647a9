/**
 * A token's life after sign-in: saving it, refreshing it before its 60 days run out (once per process, once
 * across instances under the store's lock, backing off after a transient failure, handing the new token to
 * requests that still carry the old cookie), forgetting it, and the calls jobs make outside requests.
 *
 * @module
 */
import { BoundedMap } from './bounded-map.js';
import type { AuthContext } from './context.js';
import { ThreadsAuthError, isThreadsAuthError } from './errors.js';
import type { RevocationReason } from './options.js';
import { pass, type PassOutcome } from './outcome.js';
import type { PendingWrites } from './pending-writes.js';
import { refreshLongLivedToken } from './refresh.js';
import { toSession, type Active, type Session, type SessionCodec } from './session.js';
import type { ReleaseLock } from './store.js';
import { MIN_REFRESH_AGE_MS } from './threads.js';
import type { ThreadsToken, TokenRecord } from './token.js';
import { refreshOffset } from './upkeep.js';

const TRANSIENT_BACKOFF_MS = 60_000;
/** A due token with at least this much life beyond the upstream bound is refreshed in the background. */
const BACKGROUND_MARGIN_MS = 60_000;

/** What a refresh came to. */
export type RefreshResult =
  | { readonly status: 'current'; readonly session: Session }
  | { readonly status: 'refreshed'; readonly session: Session }
  | { readonly status: 'kept'; readonly session: Session; readonly error?: ThreadsAuthError | Error }
  /** Another instance holds the store's refresh lock; the current token is still valid. */
  | { readonly status: 'locked'; readonly session: Session }
  | { readonly status: 'revoked'; readonly error?: ThreadsAuthError };

/** The lifecycle of one instance. */
export interface Lifecycle {
  /**
   * True when `record` may and should be refreshed at `at`: at least 24 h old and within `refreshWindow` of
   * expiry; with `spread` (the upkeep), only once past its own point of the window (upkeep.ts `refreshOffset`).
   */
  isDue(record: TokenRecord, at: number, spread?: boolean): boolean;
  /**
   * What a request carrying `active` continues with at `at`. A due token that stays valid for longer than an
   * upstream call can take is served at once and refreshed in the background (requests share the refresh);
   * only a token about to expire waits for its refresh. The cookie is re-issued when it rolls (daily) or
   * carries a refreshed token.
   */
  attach(active: Active, at: number): PassOutcome | Promise<PassOutcome>;
  /**
   * Keeps a new token where the instance keeps tokens (the store; nothing to do in cookie mode). A write the
   * store refuses is kept in memory and retried, never lost; it still rejects, so that a login can say so.
   */
  save(record: TokenRecord): Promise<void>;
  /** Forgets the user's token (store) and tells `onTokenRevoked`. Resolves whether a token was stored. */
  forget(userId: string, reason: RevocationReason): Promise<boolean>;
  getToken(userId: string): Promise<ThreadsToken | null>;
  /** Refreshes `current` (single-flight, under the store's lock); `fresh` ignores this process's backoff. */
  refresh(current: Session, options?: { readonly fresh?: boolean }): Promise<RefreshResult>;
}

/** Builds the lifecycle. */
export function createLifecycle(ctx: AuthContext, sessions: SessionCodec, pending: PendingWrites | undefined): Lifecycle {
  const { store, now, opts, client } = ctx;
  const upstreamBoundMs = opts.timeoutMs * opts.attempts + opts.retryDelayMs * 4;
  const inflight = new Map<string, Promise<RefreshResult>>();
  const backoffUntil = new BoundedMap<string, number>();

  const isDue = (record: TokenRecord, at: number, spread = false) =>
    at - record.issuedAt >= MIN_REFRESH_AGE_MS &&
    record.expiresAt - at <= opts.refreshWindow - (spread ? refreshOffset(record.userId, opts.refreshWindow) : 0);
  const keyOf = (session: Session) => (store === undefined ? `t:${session.record.accessToken}` : `u:${session.record.userId}`);

  async function forget(userId: string, reason: RevocationReason): Promise<boolean> {
    pending?.drop(userId);
    const [existed] = await Promise.all([store === undefined ? false : store.delete(userId), sessions.revoke(userId, now())]);
    await ctx.runHook(() => opts.hooks.onTokenRevoked?.({ userId, reason }));
    return existed;
  }

  /** Writes `record` to the store (a failed write is kept and retried); `true` when the store took it. */
  async function write(record: TokenRecord): Promise<boolean> {
    if (store === undefined) return true;
    return pending!.write(sessions.toStored(record));
  }

  /** Refreshes `current` once per process (and, with a store that locks, once across instances). */
  function refresh(current: Session, options?: { readonly fresh?: boolean }): Promise<RefreshResult> {
    const key = keyOf(current);
    const running = inflight.get(key);
    if (running !== undefined) return running;
    const retryAt = backoffUntil.get(key);
    if (retryAt !== undefined && retryAt > now() && options?.fresh !== true) return Promise.resolve({ status: 'kept', session: current });
    const promise = underLock(current, key)
      .then((result) => {
        // Cookie mode: requests that still carry the old cookie (a page's parallel requests, the next visit)
        // get the new token and a cookie that carries it, instead of asking Meta again.
        if (store === undefined && result.status === 'refreshed') sessions.supersede(current.record, result.session);
        return result;
      })
      .finally(() => inflight.delete(key));
    inflight.set(key, promise);
    return promise;
  }

  async function underLock(current: Session, key: string): Promise<RefreshResult> {
    let release: ReleaseLock | null = null;
    if (store?.acquireLock !== undefined) {
      release = await store.acquireLock(`refresh:${current.record.userId}`, opts.timeoutMs * opts.attempts + 5_000);
      // Another instance is refreshing; the current token is still valid, so keep serving it.
      if (release === null) return { status: 'locked', session: current };
    }
    try {
      if (store === undefined) return await refreshNow(current, key);
      // Under the lock, read past any cache: another instance may have refreshed since this request read the token.
      const latest = await sessions.read(current.record.userId, true);
      if (latest === undefined) return { status: 'revoked' };
      if (!isDue(latest.record, now())) return { status: 'current', session: latest };
      return await refreshNow(latest, key);
    } finally {
      // A lock the store cannot release (it went down meanwhile) expires by its ttl; the result stands.
      await release?.().catch((error: unknown) => ctx.report(error));
    }
  }

  /** Asks Meta for a new token for `latest` and persists it; classifies a failure as transient or final. */
  async function refreshNow(latest: Session, key: string): Promise<RefreshResult> {
    try {
      const { accessToken, expiresIn } = await refreshLongLivedToken(client, latest.record.accessToken);
      const at = now();
      const record: TokenRecord = { ...latest.record, accessToken, issuedAt: at, expiresAt: at + expiresIn * 1000 };
      const next = toSession(record);
      // Threads has issued it: from here on it is never lost. A failed write is kept, served and retried.
      await write(record);
      backoffUntil.delete(key);
      await ctx.runHook(() => opts.hooks.onTokenRefreshed?.(next.token, latest.token));
      return { status: 'refreshed', session: next };
    } catch (error) {
      if (isThreadsAuthError(error) && error.code === 'token_expired') {
        await forget(latest.record.userId, 'refresh_rejected');
        return { status: 'revoked', error };
      }
      backoffUntil.set(key, now() + TRANSIENT_BACKOFF_MS);
      ctx.report(error);
      return { status: 'kept', session: latest, error: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  /** `session` for the request of `active`, with the cookie re-issued when it rolls or must carry a new token. */
  function continueWith(active: Active, session: Session, at: number): PassOutcome {
    // Cookie mode: a refreshed token travels in a re-sealed cookie. Store mode: the reference is unchanged.
    const carriesNewToken = store === undefined && session !== active.carried.session;
    if (!carriesNewToken && !sessions.due(active.carried, at)) return session.pass;
    return pass(session.token, [sessions.renew(active, session.record, at)]);
  }

  async function refreshInPath(active: Active, at: number): Promise<PassOutcome> {
    const result = await refresh(active.session);
    if (result.status === 'revoked') return sessions.signedOut;
    return continueWith(active, result.session, at);
  }

  function attach(active: Active, at: number): PassOutcome | Promise<PassOutcome> {
    const current = active.session;
    if (current.stale && store !== undefined) resealStored(current);
    if (!isDue(current.record, at)) return continueWith(active, current, at);
    if (current.record.expiresAt - at <= upstreamBoundMs + BACKGROUND_MARGIN_MS) return refreshInPath(active, at);
    // Valid for hours: serve it now, refresh behind the request (concurrent requests share the one refresh).
    refresh(current).catch((error: unknown) => ctx.report(error));
    return continueWith(active, current, at);
  }

  /** A stored token sealed with an older secret is written again with the current one (once per process). */
  const resealed = new BoundedMap<string, true>();
  function resealStored(session: Session): void {
    const key = session.record.userId;
    if (resealed.has(key)) return;
    resealed.set(key, true);
    write(session.record).catch((error: unknown) => ctx.report(error));
  }

  async function getToken(userId: string): Promise<ThreadsToken | null> {
    ctx.requireStore('getToken');
    const current = await sessions.read(userId);
    if (current === undefined || current.record.expiresAt <= now()) return null;
    if (!isDue(current.record, now())) return current.token;
    const result = await refresh(current);
    return result.status === 'revoked' ? null : result.session.token;
  }

  return {
    isDue,
    attach,
    async save(record) {
      if (store !== undefined && !(await write(record))) {
        throw new ThreadsAuthError('store_unavailable', { message: 'token store: the new token could not be written; it is kept in memory and retried' });
      }
    },
    forget,
    getToken,
    refresh,
  };
}

/**
 * A token's life after sign-in: saving it, refreshing it before its 60 days run out (once per process, once
 * across instances under the store's lock, backing off after a transient failure, handing the new token to
 * requests that still carry the old cookie), forgetting it, and the calls jobs make outside requests.
 *
 * @module
 */
import { BoundedMap } from './bounded-map.js';
import type { AuthContext } from './context.js';
import { isThreadsAuthError, type ThreadsAuthError } from './errors.js';
import type { RevocationReason } from './options.js';
import { pass, type PassOutcome } from './outcome.js';
import { refreshLongLivedToken } from './refresh.js';
import { toSession, type Session, type SessionCodec } from './session.js';
import type { ReleaseLock } from './store.js';
import { MIN_REFRESH_AGE_MS } from './threads.js';
import type { ThreadsToken, TokenRecord } from './token.js';

const TRANSIENT_BACKOFF_MS = 60_000;
const RECENT_REFRESH_MS = 60_000;

/** What a refresh came to. */
export type RefreshResult =
  | { readonly status: 'current'; readonly session: Session }
  | { readonly status: 'refreshed'; readonly session: Session }
  | { readonly status: 'kept'; readonly session: Session; readonly error?: ThreadsAuthError | Error }
  | { readonly status: 'revoked'; readonly error?: ThreadsAuthError };

/** What `refreshDue` resolves. */
export interface RefreshDueResult {
  /** Tokens refreshed and persisted. */
  readonly refreshed: readonly ThreadsToken[];
  /** Users whose token Meta refused to refresh (code 190); their token was forgotten. */
  readonly revoked: readonly string[];
  /** Users whose refresh failed transiently; their still-valid token was kept and will be retried. */
  readonly failed: readonly { readonly userId: string; readonly error: ThreadsAuthError | Error }[];
}

/** The lifecycle of one instance. */
export interface Lifecycle {
  /** True when `record` may and should be refreshed at `at`: at least 24 h old and within `refreshWindow`. */
  isDue(record: TokenRecord, at: number): boolean;
  /** What a request carrying `session` (from the cookie `value`) continues with: refreshed first when due. */
  attach(value: string, session: Session): PassOutcome | Promise<PassOutcome>;
  /** Keeps a new token where the instance keeps tokens (the store; nothing to do in cookie mode). */
  save(record: TokenRecord): Promise<void>;
  /** Forgets the user's token (store) and tells `onTokenRevoked`. Resolves whether a token was stored. */
  forget(userId: string, reason: RevocationReason): Promise<boolean>;
  getToken(userId: string): Promise<ThreadsToken | null>;
  refreshDue(options?: { readonly limit?: number }): Promise<RefreshDueResult>;
}

/** Builds the lifecycle. */
export function createLifecycle(ctx: AuthContext, sessions: SessionCodec): Lifecycle {
  const { store, now, opts, client } = ctx;
  const inflight = new Map<string, Promise<RefreshResult>>();
  /** Cookie mode: old token → its refresh, for requests still carrying the old cookie when the refresh ended. */
  const refreshedRecently = new BoundedMap<string, { readonly until: number; readonly result: RefreshResult }>();
  const backoffUntil = new BoundedMap<string, number>();

  const isDue = (record: TokenRecord, at: number) => at - record.issuedAt >= MIN_REFRESH_AGE_MS && record.expiresAt - at <= opts.refreshWindow;
  const keyOf = (session: Session) => (store === undefined ? `t:${session.record.accessToken}` : `u:${session.record.userId}`);

  async function forget(userId: string, reason: RevocationReason): Promise<boolean> {
    const existed = store === undefined ? false : await store.delete(userId);
    await ctx.runHook(() => opts.hooks.onTokenRevoked?.({ userId, reason }));
    return existed;
  }

  /** Refreshes `current` once per process (and, with a store that locks, once across instances). */
  function refresh(current: Session): Promise<RefreshResult> {
    const key = keyOf(current);
    const running = inflight.get(key);
    if (running !== undefined) return running;
    const recent = refreshedRecently.get(key);
    if (recent !== undefined && recent.until > now()) return Promise.resolve(recent.result);
    const retryAt = backoffUntil.get(key);
    if (retryAt !== undefined && retryAt > now()) return Promise.resolve({ status: 'kept', session: current });
    const promise = underLock(current, key)
      .then((result) => {
        // A page's parallel requests that arrive just after the refresh still carry the old cookie: hand them
        // the same new token instead of asking Meta again.
        if (store === undefined && result.status === 'refreshed') refreshedRecently.set(key, { until: now() + RECENT_REFRESH_MS, result });
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
      if (release === null) return { status: 'kept', session: current };
    }
    try {
      if (store === undefined) return await refreshNow(current, key);
      // Under the lock, read past any cache: another instance may have refreshed since this request read the token.
      const stored = await store.get(current.record.userId, { consistent: true });
      const latest = stored === null ? undefined : sessions.open(stored);
      if (latest === undefined) return { status: 'revoked' };
      if (!isDue(latest.record, now())) return { status: 'current', session: latest };
      return await refreshNow(latest, key);
    } finally {
      await release?.();
    }
  }

  /** Asks Meta for a new token for `latest` and persists it; classifies a failure as transient or final. */
  async function refreshNow(latest: Session, key: string): Promise<RefreshResult> {
    try {
      const { accessToken, expiresIn } = await refreshLongLivedToken(client, latest.record.accessToken);
      const at = now();
      const record: TokenRecord = { ...latest.record, accessToken, issuedAt: at, expiresAt: at + expiresIn * 1000 };
      const next = toSession(record);
      if (store !== undefined) await store.set(sessions.toStored(record));
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

  async function renew(value: string, current: Session): Promise<PassOutcome> {
    const result = await refresh(current);
    switch (result.status) {
      case 'revoked':
        sessions.drop(value);
        return sessions.signedOut;
      case 'refreshed':
        // Cookie mode: the new token travels in a re-sealed cookie. Store mode: the reference is unchanged.
        return store === undefined ? pass(result.session.token, [sessions.issue(result.session.record)]) : result.session.pass;
      default:
        return result.session.pass;
    }
  }

  async function getToken(userId: string): Promise<ThreadsToken | null> {
    const stored = await ctx.requireStore('getToken').get(userId);
    const current = stored === null ? undefined : sessions.open(stored);
    if (current === undefined || current.record.expiresAt <= now()) return null;
    if (!isDue(current.record, now())) return current.token;
    const result = await refresh(current);
    return result.status === 'revoked' ? null : result.session.token;
  }

  async function refreshDue(input: { readonly limit?: number } = {}): Promise<RefreshDueResult> {
    const s = ctx.requireStore('refreshDue');
    const limit = input.limit ?? 100;
    const refreshed: ThreadsToken[] = [];
    const revoked: string[] = [];
    const failed: { userId: string; error: ThreadsAuthError | Error }[] = [];
    const seen = new Set<string>();
    for (;;) {
      const at = now();
      const batch = (await s.listDue({ issuedBefore: at - MIN_REFRESH_AGE_MS, expiresBefore: at + opts.refreshWindow, expiresAfter: at, limit })).filter(
        (t) => !seen.has(t.userId),
      );
      if (batch.length === 0) break;
      for (const stored of batch) {
        seen.add(stored.userId);
        const current = sessions.open(stored);
        if (current === undefined) {
          failed.push({ userId: stored.userId, error: new Error('stored token could not be unsealed (was `secret` changed?)') });
          continue;
        }
        // A job must not wait out the request path's backoff: ask Meta again.
        backoffUntil.delete(`u:${stored.userId}`);
        const result = await refresh(current);
        if (result.status === 'refreshed') refreshed.push(result.session.token);
        else if (result.status === 'revoked') revoked.push(stored.userId);
        else if (result.status === 'kept') failed.push({ userId: stored.userId, error: result.error ?? new Error('another instance holds the refresh lock') });
      }
    }
    return Object.freeze({ refreshed, revoked, failed });
  }

  return {
    isDue,
    attach: (value, session) => (isDue(session.record, now()) ? renew(value, session) : session.pass),
    save: async (record) => {
      if (store !== undefined) await store.set(sessions.toStored(record));
    },
    forget,
    getToken,
    refreshDue,
  };
}

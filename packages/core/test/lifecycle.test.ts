/** The lifecycle: refresh (single-flight, lock, backoff), store mode, getToken, refreshDue, revoke. */
import { describe, expect, it, vi } from 'vitest';
import { createContext } from '../src/context.js';
import { createLifecycle } from '../src/lifecycle.js';
import { resolveOptions } from '../src/options.js';
import { createSessionCodec } from '../src/session.js';
import { MemoryTokenStore, type ThreadsAuthError, ThreadsAuthOptionError, refreshOffset } from '../src/index.js';
import { LONG, REFRESHED, USER_ID, json, recordingFetch, threadsRoutes } from './recording-fetch.js';
import { DAY, cookieHeader, logIn, page, settle, setup, withoutPeeks } from './setup.js';



describe('refresh', () => {
  it('refreshes only when at least 24 h old and within refreshWindow of expiry, behind the request while the token is valid', async () => {
    const { auth, fake, advance } = setup({ refreshWindow: 7 * DAY });
    const { session } = await logIn(auth);
    advance(52 * DAY);
    expect((await page(auth, session)).token?.accessToken).toBe(LONG);
    await settle();
    expect(fake.callsTo('/refresh_access_token')).toHaveLength(0);
    advance(2 * DAY);
    // Due, but valid for days: served at once, refreshed in the background.
    const first = await page(auth, session);
    expect(first.token?.accessToken).toBe(LONG);
    await settle();
    expect(fake.callsTo('/refresh_access_token')).toHaveLength(1);
    // The next request with the old cookie gets the new token and the cookie that carries it.
    const refreshed = await page(auth, session);
    expect(refreshed.token?.accessToken).toBe(REFRESHED);
    const resealed = cookieHeader(refreshed, 'threads_auth_session');
    expect(resealed).toBeDefined();
    expect((await page(auth, resealed)).token?.accessToken).toBe(REFRESHED);
    await settle();
    expect(fake.callsTo('/refresh_access_token')).toHaveLength(1);
  });
  it('waits for the refresh only when the token would expire before an upstream call could finish', async () => {
    const { auth, fake, advance } = setup({ timeoutMs: 1_000 });
    const { session, done } = await logIn(auth);
    expect(done.type).toBe('redirect');
    const expiresAt = Date.UTC(2026, 10, 1) + 5183944 * 1000;
    advance(expiresAt - Date.UTC(2026, 10, 1) - 30_000);
    const outcome = await page(auth, session);
    expect(outcome.token?.accessToken).toBe(REFRESHED);
    expect(fake.callsTo('/refresh_access_token')).toHaveLength(1);
  });
  it('never makes a request wait for a hanging Threads while the token is valid for hours', async () => {
    const fake = recordingFetch(threadsRoutes({ '/refresh_access_token': () => 'hang' }));
    const { auth, advance } = setup({ timeoutMs: 60_000 }, fake);
    const { session } = await logIn(auth);
    advance(55 * DAY);
    const started = Date.now();
    const outcome = await page(auth, session);
    expect(outcome.token?.accessToken).toBe(LONG);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(fake.callsTo('/refresh_access_token')).toHaveLength(1);
  });
  it('shares one refresh between concurrent requests', async () => {
    const onTokenRefreshed = vi.fn();
    const { auth, fake, advance } = setup({ onTokenRefreshed });
    const { session } = await logIn(auth);
    advance(55 * DAY);
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => page(auth, session)));
    expect(outcomes.every((o) => o.token?.accessToken === LONG)).toBe(true);
    await settle();
    expect((await page(auth, session)).token?.accessToken).toBe(REFRESHED);
    expect(fake.callsTo('/refresh_access_token')).toHaveLength(1);
    expect(onTokenRefreshed).toHaveBeenCalledTimes(1);
    expect(onTokenRefreshed.mock.calls[0]![1].accessToken).toBe(LONG);
  });
  it('keeps serving a still-valid token when a refresh fails transiently, and backs off', async () => {
    const onError = vi.fn();
    const fake = recordingFetch(threadsRoutes());
    const { auth, advance } = setup({ onError }, fake);
    const { session } = await logIn(auth);
    advance(55 * DAY);
    fake.queue('/refresh_access_token', ...Array.from({ length: 3 }, () => new Response('', { status: 503 })));
    const outcome = await page(auth, session);
    expect(outcome.token?.accessToken).toBe(LONG);
    await settle();
    expect(fake.callsTo('/refresh_access_token')).toHaveLength(3);
    expect(onError.mock.calls[0]![0].code).toBe('upstream_unavailable');
    await page(auth, session);
    await settle();
    expect(fake.callsTo('/refresh_access_token')).toHaveLength(3);
    advance(61_000);
    await page(auth, session);
    await settle();
    expect((await page(auth, session)).token?.accessToken).toBe(REFRESHED);
  });
  it('ends the session when Meta refuses the refresh for good (190)', async () => {
    const onTokenRevoked = vi.fn();
    const fake = recordingFetch(threadsRoutes({ '/refresh_access_token': () => json({ error: { message: 'expired', type: 'OAuthException', code: 190, error_subcode: 463 } }, 400) }));
    const { auth, advance } = setup({ onTokenRevoked }, fake);
    const { session } = await logIn(auth);
    advance(55 * DAY);
    await page(auth, session);
    await settle();
    const outcome = await page(auth, session);
    expect(outcome.token).toBeUndefined();
    expect(outcome.cookies[0]!.maxAge).toBe(0);
    expect(onTokenRevoked).toHaveBeenCalledWith({ userId: USER_ID, reason: 'refresh_rejected' });
  });
});

describe('with a store', () => {
  function dump(store: MemoryTokenStore) {
    return store.listDue({ issuedBefore: Number.MAX_SAFE_INTEGER, expiresBefore: Number.MAX_SAFE_INTEGER, expiresAfter: 0, limit: 100 });
  }
  it('keeps tokens server-side, encrypted at rest, behind an opaque cookie', async () => {
    const store = new MemoryTokenStore();
    const { auth } = setup({ store });
    const { session } = await logIn(auth);
    const rows = await dump(store);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(LONG);
    expect(rows[0]!.userId).toBe(USER_ID);
    expect(session!.length).toBeLessThan(200);
    expect((await page(auth, session)).token?.accessToken).toBe(LONG);
    expect((await auth.getToken(USER_ID))?.accessToken).toBe(LONG);
  });
  it('getToken refreshes a due token and persists it; null for unknown or dead users', async () => {
    const store = new MemoryTokenStore();
    const { auth, advance, fake } = setup({ store });
    const { session } = await logIn(auth);
    expect(await auth.getToken('42')).toBeNull();
    advance(55 * DAY);
    // A job waits for the refresh (a script may exit right after).
    expect((await auth.getToken(USER_ID))?.accessToken).toBe(REFRESHED);
    expect((await page(auth, session)).token?.accessToken).toBe(REFRESHED);
    expect(fake.callsTo('/refresh_access_token')).toHaveLength(1);
    advance(61 * DAY);
    expect(await auth.getToken(USER_ID)).toBeNull();
  });
  it('refreshDue refreshes what is due and reports what Meta refused', async () => {
    const store = new MemoryTokenStore();
    const { auth, advance, fake, now } = setup({ store });
    await logIn(auth);
    expect(await auth.refreshDue()).toMatchObject({ listed: 0, refreshed: 0, revoked: 0, failed: 0, failures: [], ended: 'done' });
    // Past every token's point of the window (the upkeep spreads refresh points: refreshOffset).
    advance(57 * DAY);
    const result = await auth.refreshDue();
    expect(result).toMatchObject({ listed: 1, refreshed: 1, revoked: 0, failed: 0, skipped: 0 });
    expect((await auth.getToken(USER_ID))?.accessToken).toBe(REFRESHED);
    expect((await dump(store))[0]!.issuedAt).toBe(now());
    advance(57 * DAY);
    fake.queue('/refresh_access_token', json({ error: { message: 'gone', code: 190, error_subcode: 458 } }, 400));
    expect(await auth.refreshDue()).toMatchObject({ refreshed: 0, revoked: 1, failed: 0 });
    expect(await dump(store)).toEqual([]);
    expect(fake.callsTo('/refresh_access_token')).toHaveLength(2);
  });
  it('does not refresh when another instance holds the lock, and serves the valid token', async () => {
    const store = new MemoryTokenStore();
    const { auth, advance, fake, now } = setup({ store });
    const { session } = await logIn(auth);
    advance(55 * DAY);
    const release = await store.acquireLock(`refresh:${USER_ID}`, 60_000);
    expect((await page(auth, session)).token?.accessToken).toBe(LONG);
    await settle();
    expect(fake.callsTo('/refresh_access_token')).toHaveLength(0);
    await release!();
    await page(auth, session);
    await settle();
    expect((await page(auth, session)).token?.accessToken).toBe(REFRESHED);
    expect(now()).toBeGreaterThan(0);
  });
  it('revoke forgets the token and tells onTokenRevoked', async () => {
    const onTokenRevoked = vi.fn();
    const store = new MemoryTokenStore();
    const { auth } = setup({ store, onTokenRevoked });
    const { session } = await logIn(auth);
    expect(await auth.revoke(USER_ID)).toBe(true);
    expect(onTokenRevoked).toHaveBeenCalledWith({ userId: USER_ID, reason: 'revoked' });
    const outcome = await page(auth, session);
    expect(outcome.token).toBeUndefined();
    expect(outcome.cookies[0]!.maxAge).toBe(0);
  });
  it('needs a store for background use', async () => {
    const { auth } = setup();
    await expect(auth.getToken(USER_ID)).rejects.toThrow(/option "store" is required for getToken/);
    await expect(auth.refreshDue()).rejects.toThrow(ThreadsAuthOptionError);
  });
  it('answers a store outage with 503 and Retry-After, reported to onError, never as anonymous', async () => {
    const store = new MemoryTokenStore();
    const { auth } = setup({ store });
    const { session } = await logIn(auth);
    // A store error quoting its connection string (as some clients do): no password in the message or log line.
    const broken = withoutPeeks(store, { get: () => Promise.reject(new Error('store down: redis://admin:hunter2@cache:6379')) });
    const onError = vi.fn();
    const lines: string[] = [];
    const logger = { error: (line: string) => lines.push(line), warn: () => {}, info: () => {}, debug: () => {} };
    const other = setup({ store: broken, onError, logger });
    const outcome = await other.auth.handle({ method: 'GET', url: '/', headers: { cookie: session! } });
    expect(outcome).toMatchObject({ type: 'error', status: 503, headers: { 'retry-after': '5' }, error: { code: 'store_unavailable' } });
    const reported = onError.mock.calls[0]![0] as ThreadsAuthError;
    expect(reported.message).toContain('store down: redis://[redacted]@cache:6379');
    expect(JSON.stringify([reported.message, reported.safeMessage, lines])).not.toContain('hunter2');
    expect(lines.join('\n')).toContain('store_unavailable');
  });
  it('bounds every store call: a store that never answers is a 503 within storeTimeoutMs', async () => {
    const store = new MemoryTokenStore();
    const { auth } = setup({ store });
    const { session } = await logIn(auth);
    const hung = withoutPeeks(store, { get: () => new Promise<never>(() => {}) });
    const other = setup({ store: hung, storeTimeoutMs: 100 });
    const started = Date.now();
    expect(await page(other.auth, session)).toMatchObject({ type: 'error', status: 503, error: { code: 'store_unavailable', message: expect.stringContaining('within 100 ms') } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
  it('never loses a refreshed token when the store write fails: served, retried, written once the store is back', async () => {
    const store = new MemoryTokenStore();
    const onError = vi.fn();
    let down = false;
    const flaky = withoutPeeks(store, { set: (token) => (down ? Promise.reject(new Error('store cut')) : store.set(token)) });
    const { auth, advance, fake } = setup({ store: flaky, onError });
    const { session } = await logIn(auth);
    advance(55 * DAY);
    down = true;
    // The refresh gets Threads' answer, then the write fails.
    expect((await auth.getToken(USER_ID))?.accessToken).toBe(REFRESHED);
    expect((await store.get(USER_ID))?.issuedAt).toBeLessThan(Date.UTC(2026, 10, 1) + 55 * DAY);
    expect(onError.mock.calls.some(([e]) => /store cut/.test(String(e.message)))).toBe(true);
    // Served from memory meanwhile, and not refreshed again.
    expect((await page(auth, session)).token?.accessToken).toBe(REFRESHED);
    expect((await auth.getToken(USER_ID))?.accessToken).toBe(REFRESHED);
    expect(fake.callsTo('/refresh_access_token')).toHaveLength(1);
    down = false;
    await vi.waitFor(async () => expect((await store.get(USER_ID))?.issuedAt).toBe(Date.UTC(2026, 10, 1) + 55 * DAY), { timeout: 5_000 });
    const other = setup({ store });
    other.advance(55 * DAY);
    expect((await other.auth.getToken(USER_ID))?.accessToken).toBe(REFRESHED);
  });
});

describe('isDue', () => {
  const at = Date.UTC(2026, 10, 1);
  const week = 7 * DAY;
  it.each([
    ['23 h old, expiring in an hour', at - 23 * 3_600_000, at + 3_600_000, false],
    ['exactly 24 h old, expiring within the window', at - DAY, at + week, true],
    ['old, expiring one ms past the window', at - 30 * DAY, at + week + 1, false],
    ['old, expiring within the window', at - 55 * DAY, at + 5 * DAY, true],
    ['fresh, 60 days left', at, at + 60 * DAY, false],
  ])('%s → %s', (_, issuedAt, expiresAt, due) => {
    const ctx = createContext(resolveOptions({ clientId: '1', clientSecret: 's', redirectUri: 'https://a.example/auth/threads/callback', secret: 'x'.repeat(32), now: () => at }));
    const lifecycle = createLifecycle(ctx, createSessionCodec(ctx, undefined), undefined);
    expect(lifecycle.isDue({ accessToken: 'THx', userId: '1', scopes: [], issuedAt, expiresAt }, at)).toBe(due);
  });
});

describe('isDue with the upkeep spread', () => {
  const at = Date.UTC(2026, 10, 1);
  const week = 7 * DAY;
  const ctx = createContext(resolveOptions({ clientId: '1', clientSecret: 's', redirectUri: 'https://a.example/auth/threads/callback', secret: 'x'.repeat(32), now: () => at }));
  const lifecycle = createLifecycle(ctx, createSessionCodec(ctx, undefined), undefined);
  const offset = refreshOffset('1', week);
  it.each([
    ['in the window, before its own point', at + week - offset + 1, false, true],
    ['at its own point', at + week - offset, true, true],
    ['in the half of the window every token is due in', at + week / 2, true, true],
  ])('%s: spread %s, request path %s', (_, expiresAt, spread, plain) => {
    const record = { accessToken: 'THx', userId: '1', scopes: [], issuedAt: at - 30 * DAY, expiresAt };
    expect(offset).toBeGreaterThan(0);
    expect(lifecycle.isDue(record, at, true)).toBe(spread);
    expect(lifecycle.isDue(record, at)).toBe(plain);
  });
});

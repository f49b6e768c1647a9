import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import {
  MemoryTokenStore,
  ThreadsAuthOptionError,
  checkThreadsToken,
  createThreadsAuth,
  isThreadsAuth,
  toThreadsAuth,
  type Outcome,
  type PassOutcome,
  type ThreadsAuthOptions,
  type TokenStore,
} from '../src/index.js';
import { LONG, REFRESHED, SHORT, USER_ID, json, recordingFetch, threadsRoutes } from './recording-fetch.js';

const DAY = 86_400_000;
const SECRET = 'app-secret-value-0123';
const SESSION_SECRET = 'session-secret-0123456789-abcdefghij';

function setup(extra: Partial<ThreadsAuthOptions> = {}, fake = recordingFetch(threadsRoutes())) {
  let clock = Date.UTC(2026, 10, 1);
  const auth = createThreadsAuth({
    clientId: '1234567890',
    clientSecret: SECRET,
    redirectUri: 'https://app.example/auth/threads/callback',
    secret: SESSION_SECRET,
    fetch: fake.fetch,
    now: () => clock,
    retry: { delayMs: 0 },
    ...extra,
  });
  return {
    auth,
    fake,
    advance: (ms: number) => {
      clock += ms;
    },
    now: () => clock,
  };
}

function cookieHeader(outcome: Outcome, name: string): string | undefined {
  const cookie = outcome.cookies.find((c) => c.name.endsWith(name) && c.maxAge > 0);
  return cookie === undefined ? undefined : `${cookie.name}=${cookie.value}`;
}

async function logIn(auth: ReturnType<typeof setup>['auth'], returnTo?: string) {
  const start = await auth.handle({ method: 'GET', url: `/auth/threads/login${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`, headers: {} });
  if (start.type !== 'redirect') throw new Error('login did not redirect');
  const state = new URL(start.location).searchParams.get('state')!;
  const stateCookie = cookieHeader(start, 'threads_auth_state')!;
  const done = await auth.handle({ method: 'GET', url: `/auth/threads/callback?code=c0de&state=${state}`, headers: { cookie: stateCookie } });
  return { start, state, stateCookie, done, session: cookieHeader(done, 'threads_auth_session') };
}

const page = (auth: ReturnType<typeof setup>['auth'], cookie?: string) =>
  auth.handle({ method: 'GET', url: '/dashboard', headers: cookie ? { cookie } : {} }) as Promise<PassOutcome>;

describe('options', () => {
  const valid: ThreadsAuthOptions = { clientId: '1', clientSecret: 's', redirectUri: 'https://a.example/auth/threads/callback', secret: 'x'.repeat(32) };
  it.each<[string, Partial<Record<keyof ThreadsAuthOptions, unknown>>]>([
    ['clientId', { clientId: '' }],
    ['clientSecret', { clientSecret: undefined }],
    ['redirectUri', { redirectUri: 'not a url' }],
    ['redirectUri', { redirectUri: 'ftp://a.example/cb' }],
    ['secret', { secret: 'short' }],
    ['secret', { secret: ['x'.repeat(32), 'short'] }],
    ['scopes', { scopes: 'threads_basic' }],
    ['scopes', { scopes: ['threads basic'] }],
    ['basePath', { basePath: 'auth/' }],
    ['graphUrl', { graphUrl: 'https://graph.threads.net/v1.0' }],
    ['timeoutMs', { timeoutMs: -1 }],
    ['successRedirect', { successRedirect: '//evil.example' }],
    ['store', { store: { get() {} } }],
    ['refreshWindow', { refreshWindow: 0 }],
    ['now', { now: 5 }],
  ])('rejects a bad %s at startup, naming it', (option, patch) => {
    const attempt = () => createThreadsAuth({ ...valid, ...patch } as ThreadsAuthOptions);
    expect(attempt).toThrow(ThreadsAuthOptionError);
    expect(attempt).toThrow(`option "${option}"`);
  });
  it('never echoes a secret in an option error', () => {
    try {
      createThreadsAuth({ ...valid, secret: 'too-short-secret' });
    } catch (error) {
      expect(String(error)).not.toContain('too-short-secret');
    }
  });
  it('returns a frozen, branded instance, and toThreadsAuth reuses it', () => {
    const auth = createThreadsAuth(valid);
    expect(Object.isFrozen(auth)).toBe(true);
    expect(isThreadsAuth(auth)).toBe(true);
    expect(toThreadsAuth(auth)).toBe(auth);
    expect(isThreadsAuth(valid)).toBe(false);
  });
});

describe('login', () => {
  it('redirects to the authorization window with a sealed, short-lived state cookie', async () => {
    const { auth } = setup({ scopes: ['threads_content_publish'] });
    const outcome = await auth.handle({ method: 'GET', url: '/auth/threads/login', headers: {} });
    expect(outcome.type).toBe('redirect');
    if (outcome.type !== 'redirect') return;
    expect(outcome.status).toBe(302);
    const url = new URL(outcome.location);
    expect(url.searchParams.get('scope')).toBe('threads_basic,threads_content_publish');
    expect(Buffer.from(url.searchParams.get('state')!, 'base64url').length).toBeGreaterThanOrEqual(16);
    const [cookie] = outcome.cookies;
    expect(cookie!.name).toBe('__Host-threads_auth_state');
    expect(cookie!.maxAge).toBeLessThanOrEqual(900);
    expect(cookie!.header).toMatch(/HttpOnly/);
    expect(cookie!.header).toMatch(/Secure/);
    expect(cookie!.header).toMatch(/SameSite=Lax/);
    expect(cookie!.header).toMatch(/Path=\//);
    expect(cookie!.value).not.toContain(url.searchParams.get('state')!);
  });
  it('uses plain cookie names without Secure on http', async () => {
    const { auth } = setup({ redirectUri: 'http://127.0.0.1:3000/auth/threads/callback' });
    const outcome = await auth.handle({ method: 'GET', url: '/auth/threads/login', headers: {} });
    expect(outcome.cookies[0]!.name).toBe('threads_auth_state');
    expect(outcome.cookies[0]!.header).not.toMatch(/Secure/);
  });
  it('sends a PKCE challenge only when enabled', async () => {
    const off = await setup().auth.handle({ method: 'GET', url: '/auth/threads/login', headers: {} });
    const on = await setup({ pkce: true }).auth.handle({ method: 'GET', url: '/auth/threads/login', headers: {} });
    expect(off.type === 'redirect' && new URL(off.location).searchParams.has('code_challenge')).toBe(false);
    expect(on.type === 'redirect' && new URL(on.location).searchParams.get('code_challenge_method')).toBe('S256');
  });
  it('answers 405 to other methods', async () => {
    const outcome = await setup().auth.handle({ method: 'POST', url: '/auth/threads/login', headers: {} });
    expect(outcome).toMatchObject({ type: 'respond', status: 405, headers: { allow: 'GET' } });
  });
});

describe('callback', () => {
  it('exchanges, upgrades and introspects, then seals the session', async () => {
    const onLogin = vi.fn();
    const { auth, fake, now } = setup({ onLogin });
    const { done, session } = await logIn(auth, '/after?x=1');
    expect(done).toMatchObject({ type: 'redirect', status: 302, location: '/after?x=1' });
    expect(done.cookies.map((c) => [c.name, c.maxAge > 0])).toEqual([
      ['__Host-threads_auth_state', false],
      ['__Host-threads_auth_session', true],
    ]);
    expect(fake.calls.map((c) => `${c.method} ${c.url.pathname}`)).toEqual(['POST /oauth/access_token', 'GET /access_token', 'GET /v1.0/debug_token']);
    expect(session).not.toContain(LONG);
    const { token } = await page(auth, session);
    expect(token).toMatchObject({ accessToken: LONG, userId: USER_ID, scopes: ['threads_basic', 'threads_content_publish'] });
    expect(token!.expiresAt.getTime()).toBe(now() + 5183944 * 1000);
    expect(onLogin).toHaveBeenCalledWith(token);
  });
  it('runs the long-lived exchange and the introspection concurrently', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const started: string[] = [];
    const fake = recordingFetch(
      threadsRoutes({
        '/access_token': () => {
          started.push('long');
          return gate.then(() => json({ access_token: LONG, expires_in: 5183944 }));
        },
        '/v1.0/debug_token': () => {
          started.push('debug');
          return gate.then(() => json({ data: { is_valid: true, user_id: USER_ID, scopes: ['threads_basic'] } }));
        },
      }),
    );
    const { auth } = setup({}, fake);
    const pending = logIn(auth);
    await vi.waitFor(() => expect(started.sort()).toEqual(['debug', 'long']));
    release();
    expect((await pending).done.type).toBe('redirect');
  });
  it.each([
    ['a forged state', (state: string) => `state=${state}x&code=c`, true],
    ['a missing state', () => 'code=c', true],
    ['a missing state cookie', (state: string) => `state=${state}&code=c`, false],
  ])('refuses %s with 400 before any upstream call', async (_, query, sendCookie) => {
    const { auth, fake } = setup();
    const start = await auth.handle({ method: 'GET', url: '/auth/threads/login', headers: {} });
    const state = start.type === 'redirect' ? new URL(start.location).searchParams.get('state')! : '';
    const outcome = await auth.handle({
      method: 'GET',
      url: `/auth/threads/callback?${query(state)}`,
      headers: sendCookie ? { cookie: cookieHeader(start, 'threads_auth_state')! } : {},
    });
    expect(outcome).toMatchObject({ type: 'error', status: 400 });
    expect(outcome.type === 'error' && outcome.error.code).toBe('invalid_state');
    expect(fake.calls).toHaveLength(0);
  });
  it('refuses an expired state cookie', async () => {
    const { auth, fake, advance } = setup();
    const start = await auth.handle({ method: 'GET', url: '/auth/threads/login', headers: {} });
    advance(16 * 60 * 1000);
    const state = start.type === 'redirect' ? new URL(start.location).searchParams.get('state') : '';
    const outcome = await auth.handle({ method: 'GET', url: `/auth/threads/callback?state=${state}&code=c`, headers: { cookie: cookieHeader(start, 'threads_auth_state')! } });
    expect(outcome.type === 'error' && outcome.error.code).toBe('invalid_state');
    expect(fake.calls).toHaveLength(0);
  });
  it('refuses a replayed state, locally and through the store across instances', async () => {
    const store = new MemoryTokenStore();
    const first = setup({ store });
    const { state, stateCookie } = await logIn(first.auth);
    const replay = { method: 'GET', url: `/auth/threads/callback?code=c0de&state=${state}`, headers: { cookie: stateCookie } };
    expect((await first.auth.handle(replay)).type).toBe('error');
    const second = setup({ store }, first.fake);
    const outcome = await second.auth.handle(replay);
    expect(outcome.type === 'error' && outcome.error.code).toBe('invalid_state');
    expect(first.fake.callsTo('/oauth/access_token')).toHaveLength(1);
  });
  it('treats a cancel as access_denied, whatever the state', async () => {
    const { auth, fake } = setup();
    const outcome = await auth.handle({ method: 'GET', url: '/auth/threads/callback?error=access_denied&error_reason=user_denied', headers: {} });
    expect(outcome).toMatchObject({ type: 'error', status: 403, body: 'Sign-in with Threads was cancelled.' });
    expect(fake.calls).toHaveLength(0);
  });
  it('redirects failures to failureRedirect with the code', async () => {
    const { auth } = setup({ failureRedirect: '/login?from=threads' });
    const outcome = await auth.handle({ method: 'GET', url: '/auth/threads/callback?error=access_denied', headers: {} });
    expect(outcome).toMatchObject({ type: 'redirect', location: '/login?from=threads&error=access_denied' });
  });
  it('fails the login when the long-lived exchange fails: never a one-hour session', async () => {
    const fake = recordingFetch(threadsRoutes({ '/access_token': () => json({ error: { message: 'bad', type: 'OAuthException', code: 190 } }, 400) }));
    const { auth } = setup({}, fake);
    const { done } = await logIn(auth);
    expect(done).toMatchObject({ type: 'error', status: 502 });
    expect(done.type === 'error' && done.error.code).toBe('long_lived_exchange_failed');
    expect(done.cookies.every((c) => c.maxAge === 0)).toBe(true);
    expect(done.type === 'error' && done.body).not.toContain(SHORT);
  });
  it('fails when the introspection says the token is invalid, or names another user', async () => {
    for (const data of [{ is_valid: false, scopes: [] }, { is_valid: true, user_id: '42', scopes: ['threads_basic'] }]) {
      const { auth } = setup({}, recordingFetch(threadsRoutes({ '/v1.0/debug_token': () => json({ data }) })));
      const { done } = await logIn(auth);
      expect(done).toMatchObject({ type: 'error', status: 502 });
      expect(done.cookies.some((c) => c.name.endsWith('session'))).toBe(false);
    }
  });
});

describe('the session on every request', () => {
  it('passes anonymously without a cookie, and clears a tampered one', async () => {
    const { auth } = setup();
    expect(await page(auth)).toEqual({ type: 'pass', token: undefined, cookies: [] });
    const { session } = await logIn(auth);
    const tampered = `${session!.slice(0, -3)}abc`;
    const outcome = await page(auth, tampered);
    expect(outcome.token).toBeUndefined();
    expect(outcome.cookies[0]).toMatchObject({ name: '__Host-threads_auth_session', maxAge: 0 });
  });
  it('accepts a session sealed by another instance with the same secret', async () => {
    const one = setup();
    const { session } = await logIn(one.auth);
    const other = setup({}, one.fake);
    expect((await page(other.auth, session)).token?.userId).toBe(USER_ID);
    const rotated = setup({ secret: ['n'.repeat(32), SESSION_SECRET] }, one.fake);
    expect((await page(rotated.auth, session)).token?.userId).toBe(USER_ID);
    const stranger = setup({ secret: 'z'.repeat(32) }, one.fake);
    expect((await page(stranger.auth, session)).token).toBeUndefined();
  });
  it('drops an expired token', async () => {
    const { auth, advance } = setup();
    const { session } = await logIn(auth);
    advance(61 * DAY);
    const outcome = await page(auth, session);
    expect(outcome.token).toBeUndefined();
    expect(outcome.cookies[0]!.maxAge).toBe(0);
  });
  it('refreshes only when at least 24 h old and within refreshWindow of expiry', async () => {
    const { auth, fake, advance } = setup({ refreshWindow: 7 * DAY });
    const { session } = await logIn(auth);
    advance(52 * DAY);
    expect((await page(auth, session)).token?.accessToken).toBe(LONG);
    expect(fake.callsTo('/refresh_access_token')).toHaveLength(0);
    advance(2 * DAY);
    const refreshed = await page(auth, session);
    expect(refreshed.token?.accessToken).toBe(REFRESHED);
    expect(fake.callsTo('/refresh_access_token')).toHaveLength(1);
    const resealed = cookieHeader(refreshed, 'threads_auth_session');
    expect(resealed).toBeDefined();
    expect((await page(auth, resealed)).token?.accessToken).toBe(REFRESHED);
    expect(fake.callsTo('/refresh_access_token')).toHaveLength(1);
  });
  it('shares one refresh between concurrent requests', async () => {
    const onTokenRefreshed = vi.fn();
    const { auth, fake, advance } = setup({ onTokenRefreshed });
    const { session } = await logIn(auth);
    advance(55 * DAY);
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => page(auth, session)));
    expect(outcomes.every((o) => o.token?.accessToken === REFRESHED)).toBe(true);
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
    expect(outcome.cookies).toEqual([]);
    expect(fake.callsTo('/refresh_access_token')).toHaveLength(3);
    expect(onError.mock.calls[0]![0].code).toBe('upstream_unavailable');
    await page(auth, session);
    expect(fake.callsTo('/refresh_access_token')).toHaveLength(3);
    advance(61_000);
    expect((await page(auth, session)).token?.accessToken).toBe(REFRESHED);
  });
  it('ends the session when Meta refuses the refresh for good (190)', async () => {
    const onTokenRevoked = vi.fn();
    const fake = recordingFetch(threadsRoutes({ '/refresh_access_token': () => json({ error: { message: 'expired', type: 'OAuthException', code: 190, error_subcode: 463 } }, 400) }));
    const { auth, advance } = setup({ onTokenRevoked }, fake);
    const { session } = await logIn(auth);
    advance(55 * DAY);
    const outcome = await page(auth, session);
    expect(outcome.token).toBeUndefined();
    expect(outcome.cookies[0]!.maxAge).toBe(0);
    expect(onTokenRevoked).toHaveBeenCalledWith({ userId: USER_ID, reason: 'refresh_rejected' });
  });
});

describe('handleSync: the hot path without a promise', () => {
  it('answers app requests whose session is in memory and not due, exactly as handle does', async () => {
    const { auth } = setup();
    const { session } = await logIn(auth);
    const request = { method: 'GET', url: '/dashboard?x=1', headers: { cookie: `other=1; ${session}` } };
    const sync = auth.handleSync(request);
    expect(sync).toEqual(await auth.handle(request));
    expect(sync).toMatchObject({ type: 'pass', token: { userId: USER_ID }, cookies: [] });
    expect(auth.handleSync({ method: 'GET', url: '/', headers: {} })).toEqual({ type: 'pass', token: undefined, cookies: [] });
  });
  it('leaves auth routes, due tokens and uncached store reads to handle', async () => {
    const { auth, advance } = setup();
    const { session } = await logIn(auth);
    expect(auth.handleSync({ method: 'GET', url: '/auth/threads/login', headers: {} })).toBeUndefined();
    expect(auth.handleSync({ method: 'POST', url: '/auth/threads/logout', headers: { cookie: session! } })).toBeUndefined();
    // An unknown path under basePath is an app route.
    expect(auth.handleSync({ method: 'GET', url: '/auth/threads/profile', headers: { cookie: session! } })?.type).toBe('pass');
    advance(55 * DAY);
    expect(auth.handleSync({ method: 'GET', url: '/', headers: { cookie: session! } })).toBeUndefined();

    const slowStore: TokenStore = new MemoryTokenStore();
    const withoutPeek: TokenStore = { get: (u) => slowStore.get(u), set: (t) => slowStore.set(t), delete: (u) => slowStore.delete(u), listDue: (q) => slowStore.listDue(q) };
    const stored = setup({ store: withoutPeek });
    const login = await logIn(stored.auth);
    expect(stored.auth.handleSync({ method: 'GET', url: '/', headers: { cookie: login.session! } })).toBeUndefined();
    expect((await page(stored.auth, login.session)).token?.userId).toBe(USER_ID);
  });
  it('uses the store peek when it has one, and signs out a known miss', async () => {
    const store = new MemoryTokenStore();
    const { auth } = setup({ store });
    const { session } = await logIn(auth);
    expect(auth.handleSync({ method: 'GET', url: '/', headers: { cookie: session! } })).toMatchObject({ type: 'pass', token: { accessToken: LONG } });
    await store.delete(USER_ID);
    expect(auth.handleSync({ method: 'GET', url: '/', headers: { cookie: session! } })).toMatchObject({ type: 'pass', token: undefined, cookies: [{ maxAge: 0 }] });
  });
});

describe('logout', () => {
  it('clears the session for same-site requests and refuses cross-site ones', async () => {
    const { auth } = setup();
    const ok = await auth.handle({ method: 'POST', url: '/auth/threads/logout', headers: { origin: 'https://app.example', 'sec-fetch-site': 'same-origin' } });
    expect(ok).toMatchObject({ type: 'redirect', status: 303, location: '/' });
    expect(ok.cookies[0]!.maxAge).toBe(0);
    for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'null' }]) {
      const refused = await auth.handle({ method: 'POST', url: '/auth/threads/logout', headers });
      expect(refused).toMatchObject({ type: 'error', status: 403, cookies: [] });
    }
    expect((await auth.handle({ method: 'GET', url: '/auth/threads/logout', headers: {} })).type).toBe('respond');
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
    expect(await auth.refreshDue()).toEqual({ refreshed: [], revoked: [], failed: [] });
    advance(55 * DAY);
    const result = await auth.refreshDue();
    expect(result.refreshed.map((t) => t.accessToken)).toEqual([REFRESHED]);
    expect((await dump(store))[0]!.issuedAt).toBe(now());
    advance(55 * DAY);
    fake.queue('/refresh_access_token', json({ error: { message: 'gone', code: 190, error_subcode: 458 } }, 400));
    expect(await auth.refreshDue()).toMatchObject({ refreshed: [], revoked: [USER_ID], failed: [] });
    expect(await dump(store)).toEqual([]);
  });
  it('does not refresh when another instance holds the lock, and serves the valid token', async () => {
    const store = new MemoryTokenStore();
    const { auth, advance, fake, now } = setup({ store });
    const { session } = await logIn(auth);
    advance(55 * DAY);
    const release = await store.acquireLock(`refresh:${USER_ID}`, 60_000);
    expect((await page(auth, session)).token?.accessToken).toBe(LONG);
    expect(fake.callsTo('/refresh_access_token')).toHaveLength(0);
    await release!();
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
  it('propagates a store outage to the framework instead of answering anonymously', async () => {
    const broken: TokenStore = {
      get: () => Promise.reject(new Error('store down')),
      set: () => Promise.resolve(),
      delete: () => Promise.resolve(false),
      listDue: () => Promise.resolve([]),
    };
    const { auth } = setup({ store: new MemoryTokenStore() });
    const { session } = await logIn(auth);
    const other = setup({ store: broken });
    await expect(page(other.auth, session)).rejects.toThrow('store down');
  });
});

describe("Meta's deauthorize and data-deletion callbacks", () => {
  const signed = (payload: object, secret = SECRET) => {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${createHmac('sha256', secret).update(body).digest('base64url')}.${body}`;
  };
  const post = (auth: ReturnType<typeof setup>['auth'], route: string, body: string | Record<string, unknown>) =>
    auth.handle({
      method: 'POST',
      url: `/auth/threads/${route}`,
      headers: {},
      ...(typeof body === 'string' ? { body: Readable.from([Buffer.from(body)]) } : { parsedBody: body }),
    });

  it('deauthorize verifies the signature and forgets the user', async () => {
    const store = new MemoryTokenStore();
    const { auth } = setup({ store });
    await logIn(auth);
    const sr = signed({ algorithm: 'HMAC-SHA256', user_id: USER_ID, issued_at: 1 });
    const outcome = await post(auth, 'deauthorize', `signed_request=${encodeURIComponent(sr)}`);
    expect(outcome).toMatchObject({ type: 'respond', status: 200 });
    expect(await auth.getToken(USER_ID)).toBeNull();
  });
  it('delete answers {url, confirmation_code} and the status page confirms only issued codes', async () => {
    const store = new MemoryTokenStore();
    const onTokenRevoked = vi.fn();
    const { auth } = setup({ store, onTokenRevoked });
    await logIn(auth);
    const outcome = await post(auth, 'delete', { signed_request: signed({ algorithm: 'HMAC-SHA256', user_id: USER_ID }) });
    expect(outcome.type).toBe('respond');
    const body = JSON.parse(outcome.type === 'respond' ? outcome.body : '{}');
    expect(body.confirmation_code).toMatch(/^[0-9a-f]{32}$/);
    expect(body.url).toBe(`https://app.example/auth/threads/deletion-status?code=${body.confirmation_code}`);
    expect(onTokenRevoked).toHaveBeenCalledWith({ userId: USER_ID, reason: 'data_deletion' });
    const status = await auth.handle({ method: 'GET', url: new URL(body.url).pathname + new URL(body.url).search, headers: {} });
    expect(status).toMatchObject({ type: 'respond', status: 200 });
    const forged = await auth.handle({ method: 'GET', url: '/auth/threads/deletion-status?code=' + '0'.repeat(32), headers: {} });
    expect(forged).toMatchObject({ type: 'respond', status: 404 });
  });
  it.each([
    ['a missing signed_request', ''],
    ['a bad signature', `signed_request=${signed({ algorithm: 'HMAC-SHA256', user_id: USER_ID }, 'wrong-secret')}`],
    ['a wrong algorithm', `signed_request=${signed({ algorithm: 'HMAC-SHA1', user_id: USER_ID })}`],
    ['no user id', `signed_request=${signed({ algorithm: 'HMAC-SHA256' })}`],
    ['garbage', 'signed_request=abc.def'],
  ])('refuses %s with 400 and deletes nothing', async (_, body) => {
    const store = new MemoryTokenStore();
    const { auth } = setup({ store });
    await logIn(auth);
    for (const route of ['deauthorize', 'delete']) {
      const outcome = await post(auth, route, body);
      expect(outcome).toMatchObject({ type: 'error', status: 400 });
    }
    expect((await auth.getToken(USER_ID))?.accessToken).toBe(LONG);
  });
  it('refuses an oversized body with 413', async () => {
    const { auth } = setup();
    expect(await post(auth, 'delete', 'x'.repeat(70_000))).toMatchObject({ type: 'error', status: 413 });
  });
});

describe('outside requests', () => {
  it('getAppToken fetches once and reuses the token', async () => {
    const { auth, fake } = setup();
    expect(await Promise.all([auth.getAppToken(), auth.getAppToken()])).toEqual(['TH|1234567890|apptoken', 'TH|1234567890|apptoken']);
    await auth.getAppToken();
    expect(fake.callsTo('/oauth/access_token')).toHaveLength(1);
  });
  it('inspect returns the typed debug_token data', async () => {
    const { auth } = setup();
    expect(await auth.inspect(LONG)).toMatchObject({ isValid: true, userId: USER_ID, type: 'USER' });
  });
});

describe('checkThreadsToken', () => {
  it('answers 401 without a token, 403 without a scope', async () => {
    const { auth } = setup();
    const { session } = await logIn(auth);
    const { token } = await page(auth, session);
    expect(checkThreadsToken(undefined)?.status).toBe(401);
    expect(checkThreadsToken(token, ['threads_delete'])?.status).toBe(403);
    expect(checkThreadsToken(token, ['threads_content_publish'])).toBeUndefined();
  });
});

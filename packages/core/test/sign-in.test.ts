/** Sign-in in protocol order: login, callback (state, code, exchanges), logout. */
import { describe, expect, it, vi } from 'vitest';
import { MemoryTokenStore, type Outcome } from '../src/index.js';
import { LONG, SHORT, USER_ID, json, recordingFetch, threadsRoutes } from './recording-fetch.js';
import { cookieHeader, logIn, page, setup } from './setup.js';

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

describe('several pending logins per browser (tabs)', () => {
  /** A browser's cookie jar, as a header: the latest value of each cookie, cleared ones dropped. */
  function jar() {
    const cookies = new Map<string, string>();
    return {
      take(outcome: Outcome) {
        for (const c of outcome.cookies) {
          if (c.maxAge === 0) cookies.delete(c.name);
          else cookies.set(c.name, c.value);
        }
      },
      get header() {
        return [...cookies].map(([n, v]) => `${n}=${v}`).join('; ');
      },
    };
  }
  const stateOf = (outcome: Outcome) => new URL((outcome as { location: string }).location).searchParams.get('state')!;

  it.each([
    ['the first tab finishes first', [0, 1]],
    ['the second tab finishes first', [1, 0]],
  ])('signs both tabs in, neither showing an error, when %s', async (_, order) => {
    const { auth } = setup();
    const browser = jar();
    const starts: Outcome[] = [];
    for (let i = 0; i < 2; i++) {
      const start = await auth.handle({ method: 'GET', url: `/auth/threads/login?returnTo=/tab${i}`, headers: { cookie: browser.header } });
      browser.take(start);
      starts.push(start);
    }
    for (const i of order) {
      const done = await auth.handle({ method: 'GET', url: `/auth/threads/callback?code=c0de${i}&state=${stateOf(starts[i]!)}`, headers: { cookie: browser.header } });
      expect(done, `tab ${i}`).toMatchObject({ type: 'redirect', location: `/tab${i}` });
      browser.take(done);
    }
    // Both pending logins are used up: the state cookie is gone.
    expect(browser.header).not.toContain('threads_auth_state');
  });

  it('keeps the newest five pending logins', async () => {
    const { auth } = setup();
    const browser = jar();
    const starts: Outcome[] = [];
    for (let i = 0; i < 7; i++) {
      const start = await auth.handle({ method: 'GET', url: '/auth/threads/login', headers: { cookie: browser.header } });
      browser.take(start);
      starts.push(start);
    }
    const finish = (i: number) => auth.handle({ method: 'GET', url: `/auth/threads/callback?code=c${i}&state=${stateOf(starts[i]!)}`, headers: { cookie: browser.header } });
    expect(await finish(0)).toMatchObject({ type: 'error', error: { code: 'invalid_state' } });
    expect(await finish(1)).toMatchObject({ type: 'error', error: { code: 'invalid_state' } });
    expect(await finish(2)).toMatchObject({ type: 'redirect', status: 302 });
  });

  it("a failing callback leaves the other tabs' pending logins alone", async () => {
    const { auth } = setup();
    const browser = jar();
    const a = await auth.handle({ method: 'GET', url: '/auth/threads/login', headers: { cookie: browser.header } });
    browser.take(a);
    const b = await auth.handle({ method: 'GET', url: '/auth/threads/login', headers: { cookie: browser.header } });
    browser.take(b);
    const forged = await auth.handle({ method: 'GET', url: '/auth/threads/callback?code=x&state=forged', headers: { cookie: browser.header } });
    expect(forged).toMatchObject({ type: 'error', error: { code: 'invalid_state' }, cookies: [] });
    // Cancelling tab A clears only A.
    const cancelled = await auth.handle({ method: 'GET', url: `/auth/threads/callback?error=access_denied&error_reason=user_denied&state=${stateOf(a)}`, headers: { cookie: browser.header } });
    expect(cancelled).toMatchObject({ type: 'error', error: { code: 'access_denied' } });
    browser.take(cancelled);
    const done = await auth.handle({ method: 'GET', url: `/auth/threads/callback?code=c0de&state=${stateOf(b)}`, headers: { cookie: browser.header } });
    expect(done).toMatchObject({ type: 'redirect', status: 302 });
  });
});

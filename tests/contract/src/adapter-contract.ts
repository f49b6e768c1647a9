/**
 * The adapter contract: one suite every adapter (Express, Koa, NestJS) runs, on a real listening server
 * talking over real HTTP to the fake Threads server. A behaviour proven here for one adapter is proven
 * for all.
 *
 * ```ts
 * describeAdapterContract('Express 5', (auth, { bodyParser, onError }) => {
 *   const app = express();
 *   if (bodyParser) app.use(express.urlencoded({ extended: false }));
 *   app.use(threadsAuth(auth));
 *   app.get('/me', (req, res) => res.json(contractMeBody(req.threadsToken)));
 *   // … /protected and /publish behind requireThreadsToken
 *   app.use((err, req, res, next) => { onError(err); res.status(500).end(); });
 *   return app;
 * });
 * ```
 *
 * @module
 */
import { ERROR_TABLE, type ThreadsAuthErrorCode } from '@threads-auth/core';
import type { FakeEndpoint, FakeFailure } from '@threads-auth/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeSessionContract } from './adapter-contract-sessions.js';
import {
  beginSignIn,
  CLOCK_START,
  type ContractVariant,
  type Harness,
  type HarnessOptions,
  type MountContractApp,
  setCookies,
  signIn,
  startHarness,
} from './adapter-harness.js';

export {
  Browser,
  contractMeBody,
  type ContractApp,
  type ContractHooks,
  type ContractVariant,
  type MeBody,
  type MountContractApp,
} from './adapter-harness.js';
export { readmeExamples, typeCheckReadme } from './adapter-readme.js';

/** The fake's default user: an id above 2^53 that a plain `JSON.parse` corrupts. */
const USER_ID = '17841405793187219';
const STATE_COOKIE = 'threads_auth_state';
const SESSION_COOKIE = 'threads_auth_session';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** The fake's (and Meta's) `expires_in` for a long-lived token. */
const LONG_LIVED_SECONDS = 5_183_944;
const PLAIN: ContractVariant = { bodyParser: false };
const PARSED: ContractVariant = { bodyParser: true };

const message = (code: ThreadsAuthErrorCode) => ERROR_TABLE[code].message;

/** The one cookie named `name` that `response` sets; fails when there is not exactly one. */
function cookieSet(response: Response, name: string) {
  const found = setCookies(response).filter((cookie) => cookie.name === name);
  expect(found, `Set-Cookie ${name}`).toHaveLength(1);
  return found[0]!;
}

function isCleared(cookie: { value: string; attributes: Readonly<Record<string, string>> }): boolean {
  return cookie.value === '' && cookie.attributes['max-age'] === '0';
}

/** No `Set-Cookie` of `response` establishes a session. */
function expectNoSession(response: Response): void {
  const sessions = setCookies(response).filter((cookie) => cookie.name === SESSION_COOKIE && !isCleared(cookie));
  expect(sessions, 'a session cookie must not be set').toEqual([]);
}

/** The body and `Location` of `response` carry no secret, no token Meta issued, no app token. */
async function expectNoSecrets(response: Response, harness: Harness): Promise<string> {
  const text = `${response.headers.get('location') ?? ''}\n${await response.text()}`;
  expect(text).not.toContain(harness.fake.clientSecret);
  expect(text).not.toContain('TH|');
  for (const token of harness.upstream.issuedTokens) expect(text).not.toContain(token);
  for (const call of harness.fake.calls) {
    for (const value of [call.query['access_token'], call.query['input_token'], call.form['code']]) {
      if (value !== undefined) expect(text).not.toContain(value);
    }
  }
  return text;
}

const formPost = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

/**
 * Declares the adapter contract suite for one adapter.
 *
 * @param name - Names the adapter and framework version in test titles, e.g. `'Express 4'`.
 * @param mount - Builds the adapter's app around the given options or instance; see {@link MountContractApp}
 *   for the routes it must serve. Called once per test, after the suite's server listens.
 */
export function describeAdapterContract(name: string, mount: MountContractApp): void {
  describe(`${name} adapter contract`, () => {
    const running: Harness[] = [];
    afterEach(async () => {
      await Promise.all(running.splice(0).map((harness) => harness.close()));
    });
    const start = async (options?: HarnessOptions) => {
      const harness = await startHarness(mount, options);
      running.push(harness);
      return harness;
    };
    /** A browser that completed a sign-in. */
    const signedIn = async (harness: Harness) => {
      const browser = harness.browser();
      const flow = await signIn(browser, harness);
      expect(flow.callback.status, await flow.callback.clone().text()).toBe(302);
      return { browser, flow };
    };

    describeSessionContract(start, signedIn);

    describe('sign-in', () => {
      for (const variant of [PLAIN, PARSED]) {
        it(`redirects to Threads, exchanges the code for a long-lived token and sets the session${variant.bodyParser ? ' (body parser mounted)' : ''}`, async () => {
          const h = await start({ variant });
          const browser = h.browser();
          const flow = await signIn(browser, h);

          expect(flow.login.status).toBe(302);
          const authorize = new URL(flow.authorizeUrl);
          expect(`${authorize.origin}${authorize.pathname}`).toBe(h.fake.authorizationUrl);
          expect(authorize.searchParams.get('client_id')).toBe(h.fake.clientId);
          expect(authorize.searchParams.get('redirect_uri')).toBe(`${h.origin}/auth/threads/callback`);
          expect(authorize.searchParams.get('response_type')).toBe('code');
          const scope = authorize.searchParams.get('scope') ?? '';
          expect(scope).toMatch(/^[a-z_]+(,[a-z_]+)*$/);
          expect(scope.split(',')).toContain('threads_basic');
          // At least 128 bits of base64url.
          expect(authorize.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{22,}$/);

          const state = cookieSet(flow.login, STATE_COOKIE);
          expect(state.attributes).toHaveProperty('httponly');
          expect(state.attributes['samesite']?.toLowerCase()).toBe('lax');
          expect(Number(state.attributes['max-age'])).toBeGreaterThan(0);
          expect(Number(state.attributes['max-age'])).toBeLessThanOrEqual(900);

          expect(flow.callback.status).toBe(302);
          expect(flow.callback.headers.get('location')).toBe('/welcome');
          expect(isCleared(cookieSet(flow.callback, STATE_COOKIE))).toBe(true);
          const session = cookieSet(flow.callback, SESSION_COOKIE);
          expect(session.value).not.toBe('');
          expect(session.attributes).toHaveProperty('httponly');
          expect(session.attributes['samesite']?.toLowerCase()).toBe('lax');
          expect(Number(session.attributes['max-age'])).toBeGreaterThan(0);

          const token = await browser.me();
          expect(token).toEqual({
            accessToken: expect.any(String),
            userId: USER_ID,
            scopes: ['threads_basic'],
            expiresAt: new Date(CLOCK_START + LONG_LIVED_SECONDS * 1000).toISOString(),
          });

          // The critical path: the code exchange, then the long-lived exchange and debug_token, both with
          // the short-lived token (debug_token called with the app token TH|id|secret).
          const exchanges = h.fake.callsTo('code_exchange');
          expect(exchanges).toHaveLength(1);
          expect(exchanges[0]!.method).toBe('POST');
          expect(exchanges[0]!.form['code']).toBe(new URL(flow.callbackUrl).searchParams.get('code'));
          expect(exchanges[0]!.form['redirect_uri']).toBe(`${h.origin}/auth/threads/callback`);
          const [shortLived, longLived] = h.upstream.issuedTokens;
          expect(shortLived).toMatch(/^TH/);
          const longLivedCalls = h.fake.callsTo('long_lived_exchange');
          const debugCalls = h.fake.callsTo('debug_token');
          expect(longLivedCalls).toHaveLength(1);
          expect(debugCalls).toHaveLength(1);
          expect(longLivedCalls[0]!.query['access_token']).toBe(shortLived);
          expect(debugCalls[0]!.query['input_token']).toBe(shortLived);
          expect(debugCalls[0]!.query['access_token']).toBe(`TH|${h.fake.clientId}|${h.fake.clientSecret}`);
          const order = h.fake.calls.map((call) => call.endpoint).filter((endpoint) => endpoint !== 'authorize' && endpoint !== 'consent');
          expect(order[0]).toBe('code_exchange');
          expect(order.slice(1).sort()).toEqual(['debug_token', 'long_lived_exchange']);
          expect(token?.accessToken).toBe(longLived);
          expect(token?.accessToken).not.toBe(shortLived);
        });
      }

      it('returns to a same-site returnTo', async () => {
        const h = await start();
        const flow = await signIn(h.browser(), h, { returnTo: '/drafts?tab=new' });
        expect(flow.callback.status).toBe(302);
        expect(flow.callback.headers.get('location')).toBe('/drafts?tab=new');
      });

      it.each(['//evil.com', 'https://evil.com', '/\\evil.com', 'javascript:alert(1)'])('ignores returnTo %s and goes to successRedirect', async (returnTo) => {
        const h = await start();
        const flow = await signIn(h.browser(), h, { returnTo });
        expect(flow.callback.status).toBe(302);
        expect(flow.callback.headers.get('location')).toBe('/welcome');
      });

      it('answers a cancelled consent with 403 and the safe message, calling no token endpoint', async () => {
        const h = await start();
        const browser = h.browser();
        const flow = await signIn(browser, h, { decision: 'cancel' });
        expect(flow.callback.status).toBe(403);
        expect(await flow.callback.text()).toBe(message('access_denied'));
        expectNoSession(flow.callback);
        expect(h.fake.callsTo('code_exchange')).toHaveLength(0);
        expect(h.fake.callsTo('long_lived_exchange')).toHaveLength(0);
        expect(await browser.me()).toBeNull();
      });

      it('redirects a cancelled consent to failureRedirect with error=access_denied', async () => {
        const h = await start({ auth: { failureRedirect: '/signin-failed' } });
        const flow = await signIn(h.browser(), h, { decision: 'cancel' });
        expect(flow.callback.status).toBe(302);
        expect(flow.callback.headers.get('location')).toBe('/signin-failed?error=access_denied');
        expectNoSession(flow.callback);
        expect(h.fake.callsTo('code_exchange')).toHaveLength(0);
      });
    });

    describe('callback state', () => {
      const tampered: [string, (h: Harness, url: URL, cookie: string) => { url: string; cookie?: string }][] = [
        [
          'a forged state',
          (_h, url, cookie) => {
            url.searchParams.set('state', 'A'.repeat(43));
            return { url: url.href, cookie };
          },
        ],
        ['no state cookie', (_h, url) => ({ url: url.href })],
        [
          'no state parameter',
          (_h, url, cookie) => {
            url.searchParams.delete('state');
            return { url: url.href, cookie };
          },
        ],
        [
          'a state cookie older than its lifetime (16 minutes)',
          (h, url, cookie) => {
            h.advance(16 * MINUTE);
            return { url: url.href, cookie };
          },
        ],
      ];
      it.each(tampered)('refuses a callback with %s: 400, no code exchange', async (_name, tamper) => {
        const h = await start();
        const browser = h.browser();
        const pending = await beginSignIn(browser, h);
        const { url, cookie } = tamper(h, new URL(pending.callbackUrl), pending.stateCookie);
        const response = await browser.fetch(url, { cookies: false, headers: cookie === undefined ? {} : { cookie } });
        expect(response.status).toBe(400);
        expect(await response.text()).toBe(message('invalid_state'));
        expectNoSession(response);
        expect(h.fake.callsTo('code_exchange')).toHaveLength(0);
      });

      it('refuses a replayed callback (same URL, same state cookie) after a successful sign-in', async () => {
        const h = await start();
        const { flow } = await signedIn(h);
        const replay = await h.browser().fetch(flow.callbackUrl, { headers: { cookie: flow.stateCookie } });
        expect(replay.status).toBe(400);
        expectNoSession(replay);
        expect(h.fake.callsTo('code_exchange')).toHaveLength(1);
      });

      it('answers a code Threads says was already used with 502 code_exchange_failed and no session', async () => {
        const h = await start();
        const { flow } = await signedIn(h);
        const usedCode = new URL(flow.callbackUrl).searchParams.get('code')!;
        const browser = h.browser();
        const pending = await beginSignIn(browser, h);
        const url = new URL(pending.callbackUrl);
        url.searchParams.set('code', usedCode);
        const response = await browser.fetch(url.href);
        expect(response.status).toBe(502);
        expect(await expectNoSecrets(response, h)).toContain(message('code_exchange_failed'));
        expectNoSession(response);
        expect(h.fake.callsTo('code_exchange')).toHaveLength(2);
        expect(await browser.me()).toBeNull();
      });
    });

    describe('upstream failures during sign-in', () => {
      const failures: { name: string; endpoint: FakeEndpoint; failure: FakeFailure; status: number; calls: number }[] = [
        { name: 'code exchange answering 500 with an HTML page', endpoint: 'code_exchange', failure: { kind: 'status', status: 500, contentType: 'text/html', body: '<html><body>Sorry, something went wrong.</body></html>' }, status: 502, calls: 1 },
        { name: 'code exchange answering malformed JSON', endpoint: 'code_exchange', failure: { kind: 'malformed-json' }, status: 502, calls: 1 },
        { name: 'code exchange answering 503', endpoint: 'code_exchange', failure: { kind: 'status', status: 503 }, status: 503, calls: 1 },
        { name: 'code exchange resetting the connection', endpoint: 'code_exchange', failure: { kind: 'reset' }, status: 503, calls: 1 },
        { name: 'long-lived exchange answering a Meta error', endpoint: 'long_lived_exchange', failure: { kind: 'meta-error', code: 190 }, status: 502, calls: 1 },
        { name: 'long-lived exchange answering 500 on every attempt', endpoint: 'long_lived_exchange', failure: { kind: 'status', status: 500 }, status: 502, calls: 3 },
        { name: 'long-lived exchange answering 503 on every attempt', endpoint: 'long_lived_exchange', failure: { kind: 'status', status: 503 }, status: 503, calls: 3 },
        { name: 'debug_token answering a Meta error', endpoint: 'debug_token', failure: { kind: 'meta-error', code: 100 }, status: 502, calls: 1 },
        { name: 'debug_token answering an HTML outage page on every attempt', endpoint: 'debug_token', failure: { kind: 'html' }, status: 502, calls: 3 },
      ];
      it.each(failures)('$name → $status, no session, no secret in the answer', async ({ endpoint, failure, status, calls }) => {
        const h = await start();
        h.fake.fail(endpoint, failure);
        const browser = h.browser();
        const flow = await signIn(browser, h);
        expect(flow.callback.status).toBe(status);
        expectNoSession(flow.callback);
        await expectNoSecrets(flow.callback, h);
        expect(h.fake.callsTo(endpoint)).toHaveLength(calls);
        expect(await browser.me()).toBeNull();
      });

      it('answers a hanging code exchange with 504 within about timeoutMs, without retrying the POST', async () => {
        const h = await start();
        h.fake.fail('code_exchange', { kind: 'hang' });
        const browser = h.browser();
        const pending = await beginSignIn(browser, h);
        const started = performance.now();
        const response = await browser.fetch(pending.callbackUrl);
        const elapsed = performance.now() - started;
        expect(response.status).toBe(504);
        expect(elapsed).toBeGreaterThanOrEqual(450);
        expect(elapsed).toBeLessThan(1500);
        expectNoSession(response);
        await expectNoSecrets(response, h);
        expect(h.fake.callsTo('code_exchange')).toHaveLength(1);
      });

      it('retries a long-lived exchange that answers 500 twice, then signs in', async () => {
        const h = await start();
        h.fake.fail('long_lived_exchange', { kind: 'status', status: 500 }, { times: 2 });
        const { browser } = await signedIn(h);
        expect(h.fake.callsTo('long_lived_exchange')).toHaveLength(3);
        expect((await browser.me())?.userId).toBe(USER_ID);
      });
    });

    describe('logout', () => {
      it('logs out on a same-origin POST: 303 to successRedirect, session cleared', async () => {
        const h = await start();
        const { browser } = await signedIn(h);
        const response = await browser.fetch('/auth/threads/logout', { method: 'POST', headers: { origin: h.origin } });
        expect(response.status).toBe(303);
        expect(response.headers.get('location')).toBe('/welcome');
        expect(isCleared(cookieSet(response, SESSION_COOKIE))).toBe(true);
        expect(await browser.me()).toBeNull();
      });

      it.each([
        ['Origin: https://evil.example', { origin: 'https://evil.example' }],
        ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
      ])('refuses a cross-site logout (%s) with 403 and keeps the session', async (_name, headers) => {
        const h = await start();
        const { browser } = await signedIn(h);
        const response = await browser.fetch('/auth/threads/logout', { method: 'POST', headers });
        expect(response.status).toBe(403);
        expect(await response.text()).toBe(message('forbidden_origin'));
        expect(setCookies(response)).toEqual([]);
        expect((await browser.me())?.userId).toBe(USER_ID);
      });

      it('answers GET logout with 405', async () => {
        const h = await start();
        const { browser } = await signedIn(h);
        const response = await browser.fetch('/auth/threads/logout');
        expect(response.status).toBe(405);
        expect(response.headers.get('allow')).toBe('POST');
        expect((await browser.me())?.userId).toBe(USER_ID);
      });
    });

    describe('sessions and requireThreadsToken', () => {
      it('treats a tampered session cookie as anonymous and clears it', async () => {
        const h = await start();
        const { browser } = await signedIn(h);
        const value = browser.jar.get(SESSION_COOKIE)!;
        const i = Math.floor(value.length / 2);
        browser.jar.set(SESSION_COOKIE, `${value.slice(0, i)}${value[i] === 'A' ? 'B' : 'A'}${value.slice(i + 1)}`);
        const response = await browser.fetch('/me');
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ token: null });
        expect(isCleared(cookieSet(response, SESSION_COOKIE))).toBe(true);
        expect((await browser.fetch('/protected')).status).toBe(401);
      });

      it('answers 401 without a session, 403 without the scope, 200 with it', async () => {
        const h = await start();
        const anonymous = h.browser();
        const unauthenticated = await anonymous.fetch('/protected');
        expect(unauthenticated.status).toBe(401);
        expect(await unauthenticated.text()).toBe(message('unauthenticated'));
        expect((await anonymous.fetch('/publish')).status).toBe(401);

        const { browser } = await signedIn(h);
        expect((await browser.fetch('/protected')).status).toBe(200);
        const forbidden = await browser.fetch('/publish');
        expect(forbidden.status).toBe(403);
        expect(await forbidden.text()).toBe(message('insufficient_scope'));
      });

      it('lets a user who granted threads_content_publish through the scoped guard', async () => {
        const h = await start({ auth: { scopes: ['threads_content_publish'] } });
        const { browser, flow } = await signedIn(h);
        expect(new URL(flow.authorizeUrl).searchParams.get('scope')).toBe('threads_basic,threads_content_publish');
        expect((await browser.me())?.scopes).toEqual(['threads_basic', 'threads_content_publish']);
        expect((await browser.fetch('/protected')).status).toBe(200);
        expect((await browser.fetch('/publish')).status).toBe(200);
      });

      it('sends each cookie in its own Set-Cookie header', async () => {
        const h = await start();
        const { flow } = await signedIn(h);
        const lines = flow.callback.headers.getSetCookie();
        expect(lines).toHaveLength(2);
        expect(lines.map((line) => line.slice(0, line.indexOf('=')))).toEqual(expect.arrayContaining([STATE_COOKIE, SESSION_COOKIE]));
        for (const line of lines) expect(line.match(/threads_auth_/g)).toHaveLength(1);
      });
    });

    describe('refresh (cookie mode)', () => {
      /** Waits until the refresh running behind the requests has answered and settled. */
      const refreshed = async (h: Harness, latencyMs = 0) => {
        await vi.waitFor(() => expect(h.fake.callsTo('refresh').length).toBeGreaterThanOrEqual(1), { timeout: 5_000 });
        await new Promise((resolve) => setTimeout(resolve, latencyMs + 100));
      };

      it.each([
        ['while the refresh is in flight', 200],
        ['as they arrive around a fast refresh', 0],
      ])('serves 10 concurrent requests on a due token at once (%s), refreshes it once, then re-seals the cookie', async (_name, latencyMs) => {
        const h = await start();
        const { browser } = await signedIn(h);
        const before = (await browser.me())!;
        h.advance(55 * DAY);
        h.fake.setLatency(latencyMs, 'refresh');
        const responses = await Promise.all(Array.from({ length: 10 }, () => browser.fetch('/me')));
        const served = new Set<string>();
        for (const response of responses) {
          expect(response.status).toBe(200);
          served.add(((await response.json()) as { token: { accessToken: string } }).token.accessToken);
        }
        // Valid for days: nobody waits for Threads. Requests that arrive after a fast refresh get its token.
        expect(served.has(before.accessToken) || latencyMs === 0).toBe(true);
        if (latencyMs > 0) expect([...served]).toEqual([before.accessToken]);
        expect(served.size).toBeLessThanOrEqual(2);
        await refreshed(h, latencyMs);
        expect(h.fake.callsTo('refresh')).toHaveLength(1);
        expect(h.fake.callsTo('refresh')[0]!.query['access_token']).toBe(before.accessToken);
        // The next request gets the new token, in a re-sealed cookie.
        const next = await browser.fetch('/me');
        const token = ((await next.json()) as { token: { accessToken: string; expiresAt: string } }).token;
        expect(token.accessToken).not.toBe(before.accessToken);
        expect(token.expiresAt).toBe(new Date(h.now() + LONG_LIVED_SECONDS * 1000).toISOString());
        // The cookie that carries it: re-sealed now, or already by one of the batch's late requests.
        const resealed = setCookies(next).find((cookie) => cookie.name === SESSION_COOKIE);
        if (latencyMs > 0) expect(resealed).toBeDefined();
        if (resealed !== undefined) expect(Number(resealed.attributes['max-age'])).toBeGreaterThan(25 * 24 * 3600);
        // The browser now holds the re-sealed cookie: no further refresh, no further cookie.
        const again = await browser.fetch('/me');
        expect(((await again.json()) as { token: { accessToken: string } }).token.accessToken).toBe(token.accessToken);
        expect(setCookies(again)).toEqual([]);
        expect(h.fake.callsTo('refresh')).toHaveLength(1);
      });

      it('waits for the refresh only when the token is about to expire', async () => {
        const h = await start();
        const { browser } = await signedIn(h);
        const before = (await browser.me())!;
        h.advance(LONG_LIVED_SECONDS * 1000 - 30_000);
        const response = await browser.fetch('/me');
        expect(((await response.json()) as { token: { accessToken: string } }).token.accessToken).not.toBe(before.accessToken);
        expect(h.fake.callsTo('refresh')).toHaveLength(1);
      });

      it.each([
        ['the user removed the app', (h: Harness) => h.fake.revokeUser(USER_ID)],
        ['Meta answers code 190', (h: Harness) => h.fake.fail('refresh', { kind: 'meta-error', code: 190 })],
      ])('signs the user out once the refresh is refused for good (%s)', async (_name, refuse) => {
        const h = await start();
        const { browser } = await signedIn(h);
        h.advance(55 * DAY);
        refuse(h);
        await browser.fetch('/me');
        await refreshed(h);
        const response = await browser.fetch('/me');
        expect(await response.json()).toEqual({ token: null });
        expect(isCleared(cookieSet(response, SESSION_COOKIE))).toBe(true);
        expect(h.fake.callsTo('refresh')).toHaveLength(1);
        expect((await browser.fetch('/protected')).status).toBe(401);
      });

      it('keeps serving the still-valid token when the refresh fails transiently (503)', async () => {
        const h = await start();
        const { browser } = await signedIn(h);
        const before = (await browser.me())!;
        h.advance(55 * DAY);
        h.fake.fail('refresh', { kind: 'status', status: 503 });
        const response = await browser.fetch('/me');
        expect(response.status).toBe(200);
        expect(((await response.json()) as { token: { accessToken: string } }).token.accessToken).toBe(before.accessToken);
        await refreshed(h);
        const later = await browser.fetch('/me');
        expect(((await later.json()) as { token: { accessToken: string } }).token.accessToken).toBe(before.accessToken);
      });
    });

    describe('store mode', () => {
      it('keeps the token server-side: the cookie is a reference, getToken and revoke work outside requests', async () => {
        const h = await start({ store: true });
        const store = h.store!;
        const { browser, flow } = await signedIn(h);
        const session = cookieSet(flow.callback, SESSION_COOKIE);
        const token = (await browser.me())!;
        expect(token.userId).toBe(USER_ID);
        expect(session.value).not.toContain(token.accessToken);
        // A sealed user id, not a sealed token: shorter than the token itself.
        expect(session.value.length).toBeLessThan(token.accessToken.length);
        expect(await store.get(USER_ID)).not.toBeNull();

        const outside = await h.auth!.getToken(USER_ID);
        expect(outside?.accessToken).toBe(token.accessToken);
        expect(outside?.userId).toBe(USER_ID);

        expect(await h.auth!.revoke(USER_ID)).toBe(true);
        const response = await browser.fetch('/me');
        expect(await response.json()).toEqual({ token: null });
        expect(isCleared(cookieSet(response, SESSION_COOKIE))).toBe(true);
      });
    });

    describe('unexpected failures', () => {
      it('answers a token store failure with 503 and Retry-After (reported to onError), never as anonymous', async () => {
        const reported: unknown[] = [];
        const h = await start({ store: true, auth: { onError: (error) => reported.push(error) } });
        const { browser } = await signedIn(h);
        const down = new Error('token store unreachable');
        // Down, with nothing in memory to answer from: peek cannot tell, get fails.
        h.store!.peek = () => undefined;
        h.store!.get = () => Promise.reject(down);
        const response = await browser.fetch('/me');
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBe('5');
        expect(await response.clone().text()).toBe(ERROR_TABLE.store_unavailable.message);
        expect(reported).toContainEqual(expect.objectContaining({ code: 'store_unavailable', cause: down }));
        await expectNoSecrets(response, h);
        expect(setCookies(response).filter((cookie) => cookie.name === SESSION_COOKIE)).toEqual([]);
      });
    });

    describe("Meta's deauthorize and data-deletion callbacks", () => {
      for (const variant of [PLAIN, PARSED]) {
        const suffix = variant.bodyParser ? ' (body parser mounted)' : ' (raw body)';

        it(`deauthorize forgets the stored token${suffix}`, async () => {
          const h = await start({ store: true, variant });
          const store = h.store!;
          const { browser } = await signedIn(h);
          const signed = h.fake.signedRequest({ algorithm: 'HMAC-SHA256', user_id: USER_ID, issued_at: Math.floor(h.now() / 1000) });
          const response = await h.browser().fetch('/auth/threads/deauthorize', formPost({ signed_request: signed }));
          expect(response.status).toBe(200);
          expect(await store.get(USER_ID)).toBeNull();
          expect(await browser.me()).toBeNull();
        });

        it(`delete answers {url, confirmation_code} and the status page exists${suffix}`, async () => {
          const h = await start({ variant });
          const signed = h.fake.signedRequest({ algorithm: 'HMAC-SHA256', user_id: USER_ID, issued_at: Math.floor(h.now() / 1000) });
          const response = await h.browser().fetch('/auth/threads/delete', formPost({ signed_request: signed }));
          expect(response.status).toBe(200);
          expect(response.headers.get('content-type')).toMatch(/^application\/json/);
          const body = (await response.json()) as { url: string; confirmation_code: string };
          expect(body.confirmation_code).toMatch(/^[A-Za-z0-9_-]+$/);
          expect(body.url).toBe(`${h.origin}/auth/threads/deletion-status?code=${body.confirmation_code}`);
          const page = await h.browser().fetch(body.url);
          expect(page.status).toBe(200);
          expect(page.headers.get('content-type')).toMatch(/^text\/html/);
          expect(await page.text()).toContain(body.confirmation_code);
          expect((await h.browser().fetch('/auth/threads/deletion-status?code=forged')).status).toBe(404);
        });

        it.each([
          ['a bad signature', (h: Harness) => ({ signed_request: h.fake.signedRequest({ user_id: USER_ID }, 'not-the-app-secret') })],
          ['no signed_request', () => ({ other: 'field' })],
          ['a wrong algorithm', (h: Harness) => ({ signed_request: h.fake.signedRequest({ algorithm: 'HMAC-SHA1', user_id: USER_ID }) })],
        ])(`refuses %s with 400 and keeps the stored token${suffix}`, async (_name, fields) => {
          const h = await start({ store: true, variant });
          const store = h.store!;
          const { browser } = await signedIn(h);
          for (const route of ['deauthorize', 'delete']) {
            const response = await h.browser().fetch(`/auth/threads/${route}`, formPost(fields(h)));
            expect(response.status).toBe(400);
            expect(await response.text()).toBe(message('invalid_signed_request'));
          }
          expect(await store.get(USER_ID)).not.toBeNull();
          expect((await browser.me())?.userId).toBe(USER_ID);
        });

        it(`refuses a body over 64 KiB with 413${suffix}`, async () => {
          const h = await start({ variant });
          const response = await h.browser().fetch('/auth/threads/deauthorize', formPost({ signed_request: 'x'.repeat(128 * 1024) }));
          expect(response.status).toBe(413);
        });
      }

      it('answers GET deauthorize with 405', async () => {
        const h = await start();
        expect((await h.browser().fetch('/auth/threads/deauthorize')).status).toBe(405);
      });
    });
  });
}

/**
 * The adapter contract's cases for sessions, real browsers and hostile input: what every adapter must show on
 * real sockets, beside the core unit tests that prove the same rules part by part. Called by
 * `describeAdapterContract`.
 *
 * @module
 */
import { connect } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { type Harness, type HarnessOptions, type SignIn, beginSignIn, setCookies } from './adapter-harness.js';

const DAY = 86_400_000;
const USER_ID = '17841405793187219';
const SESSION_COOKIE = 'threads_auth_session';

type Start = (options?: HarnessOptions) => Promise<Harness>;
type SignedIn = (harness: Harness) => Promise<{ browser: ReturnType<Harness['browser']>; flow: SignIn }>;

function cookieSet(response: Response, name: string) {
  const found = setCookies(response).filter((cookie) => cookie.name === name);
  expect(found, `Set-Cookie ${name}`).toHaveLength(1);
  return found[0]!;
}

function formPost(fields: Record<string, string>): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() };
}

/** Sends a raw HTTP request over a socket: `body` written `bytesPerTick` at a time every `tickMs`, or cut after `cutAfter` bytes. */
function rawPost(origin: string, path: string, body: string, pace: { tickMs?: number; cutAfter?: number } = {}) {
  const { port } = new URL(origin);
  const socket = connect(Number(port), '127.0.0.1');
  let response = '';
  socket.on('data', (chunk) => {
    response += chunk.toString();
  });
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(response)));
  socket.on('error', () => {});
  socket.write(`POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: ${body.length}\r\n\r\n`);
  let sent = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || sent >= body.length) return clearInterval(timer);
    if (pace.cutAfter !== undefined && sent >= pace.cutAfter) {
      clearInterval(timer);
      socket.destroy();
      return;
    }
    socket.write(body[sent++]!);
  }, pace.tickMs ?? 1_000);
  return {
    closed,
    stop: () => {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

/** Registers the sessions-and-hostile-input cases. */
export function describeSessionContract(start: Start, signedIn: SignedIn): void {
  describe('sessions that end when they should', () => {
    for (const store of [false, true]) {
      const mode = store ? 'store mode' : 'cookie mode';
      it(`${mode}: logout ends the session; a copy of the cookie taken before carries nothing after`, async () => {
        const h = await start({ store });
        const { browser } = await signedIn(h);
        const copy = h.browser();
        copy.jar.set(SESSION_COOKIE, browser.jar.get(SESSION_COOKIE)!);
        expect((await copy.me())?.userId).toBe(USER_ID);
        const out = await browser.fetch('/auth/threads/logout', { method: 'POST', headers: { origin: h.origin } });
        expect(out.status).toBe(303);
        expect(await browser.me()).toBeNull();
        expect(await copy.me()).toBeNull();
      });
    }

    it("cookie mode: Meta's deauthorize reaches the session: the same cookie carries no token afterwards", async () => {
      const h = await start();
      const { browser } = await signedIn(h);
      const signed = h.fake.signedRequest({ algorithm: 'HMAC-SHA256', user_id: USER_ID, issued_at: Math.floor(h.now() / 1000) });
      const response = await h.browser().fetch('/auth/threads/deauthorize', formPost({ signed_request: signed }));
      expect(await response.json()).toEqual({ success: true });
      expect(await browser.me()).toBeNull();
    });

    it('store mode: a user active on day 55 is still signed in on day 61 (the cookie rolls)', async () => {
      const h = await start({ store: true, auth: { sessionMaxAge: 30 * DAY } });
      const { browser } = await signedIn(h);
      for (const day of [20, 40, 55]) {
        h.advance(day === 20 ? 20 * DAY : day === 40 ? 20 * DAY : 15 * DAY);
        const response = await browser.fetch('/me');
        expect(((await response.json()) as { token: { userId: string } | null }).token?.userId, `day ${day}`).toBe(USER_ID);
        // Re-issued with a fresh lifetime on the first request of the day.
        expect(Number(cookieSet(response, SESSION_COOKIE).attributes['max-age'])).toBe(30 * 86_400);
      }
      // The day-55 request refreshed the due token behind itself: let that finish.
      await vi.waitFor(() => expect(h.fake.callsTo('refresh')).toHaveLength(1), { timeout: 5_000 });
      await vi.waitFor(() => expect(h.upstream.inflight).toBe(0), { timeout: 5_000 });
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 2));
      h.advance(6 * DAY);
      expect((await browser.me())?.userId).toBe(USER_ID);
      // Idle past sessionMaxAge, it ends.
      h.advance(31 * DAY);
      expect(await browser.me()).toBeNull();
    });

    it('two tabs: a login started in tab A, then in tab B, both finished in either order, signs in without an error', async () => {
      const h = await start();
      const browser = h.browser();
      const a = await beginSignIn(browser, h, { returnTo: '/tab-a' });
      const b = await beginSignIn(browser, h, { returnTo: '/tab-b' });
      const finishB = await browser.fetch(new URL(b.callbackUrl).pathname + new URL(b.callbackUrl).search);
      expect(finishB.status).toBe(302);
      expect(finishB.headers.get('location')).toBe('/tab-b');
      const finishA = await browser.fetch(new URL(a.callbackUrl).pathname + new URL(a.callbackUrl).search);
      expect(finishA.status).toBe(302);
      expect(finishA.headers.get('location')).toBe('/tab-a');
      expect((await browser.me())?.userId).toBe(USER_ID);
    });

    it('binds cookies to the app: another clientId with the same secret accepts neither the session nor a pending login', async () => {
      const a = await start();
      const { browser } = await signedIn(a);
      const b = await start({ auth: { clientId: '9999999999' } });
      const stolen = b.browser();
      stolen.jar.set(SESSION_COOKIE, browser.jar.get(SESSION_COOKIE)!);
      expect(await stolen.me()).toBeNull();
    });
  });

  describe('routes where the app mounts them', () => {
    it('serves login and callback under a mount prefix (with a matching redirectUri)', async () => {
      const h = await start({ variant: { bodyParser: false, prefix: '/api' } });
      const { browser, flow } = await signedIn(h);
      expect(new URL(flow.callbackUrl).pathname).toBe('/api/auth/threads/callback');
      const me = await browser.fetch('/api/me');
      expect(((await me.json()) as { token: { userId: string } | null }).token?.userId).toBe(USER_ID);
    });
  });

  describe("Meta's callbacks under any body parser, and hostile bodies", () => {
    for (const parser of ['text', 'raw', 'json'] as const) {
      it(`deauthorize verifies a valid signed_request behind a ${parser} parser`, async () => {
        const h = await start({ store: true, variant: { bodyParser: true, parser } });
        const { browser } = await signedIn(h);
        const signed = h.fake.signedRequest({ algorithm: 'HMAC-SHA256', user_id: USER_ID, issued_at: Math.floor(h.now() / 1000) });
        const response = await h.browser().fetch('/auth/threads/deauthorize', formPost({ signed_request: signed }));
        expect(response.status, await response.clone().text()).toBe(200);
        expect(await h.store!.get(USER_ID)).toBeNull();
        expect(await browser.me()).toBeNull();
      });
    }

    it('refuses a signed_request issued more than a day ago, deleting nothing', async () => {
      const h = await start({ store: true });
      const { browser } = await signedIn(h);
      const signed = h.fake.signedRequest({ algorithm: 'HMAC-SHA256', user_id: USER_ID, issued_at: Math.floor(h.now() / 1000) - 2 * 86_400 });
      const response = await h.browser().fetch('/auth/threads/delete', formPost({ signed_request: signed }));
      expect(response.status).toBe(400);
      expect((await browser.me())?.userId).toBe(USER_ID);
    });

    it('cuts a body arriving at a byte a second off within bodyTimeoutMs with 408, and deletes nothing', async () => {
      const h = await start({ store: true, auth: { bodyTimeoutMs: 1_500 } });
      const { browser } = await signedIn(h);
      const signed = h.fake.signedRequest({ algorithm: 'HMAC-SHA256', user_id: USER_ID, issued_at: Math.floor(h.now() / 1000) });
      const started = Date.now();
      const slow = rawPost(h.origin, '/auth/threads/delete', new URLSearchParams({ signed_request: signed }).toString(), { tickMs: 1_000 });
      const answer = await Promise.race([slow.closed, new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 8_000))]);
      slow.stop();
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(Date.now() - started).toBeLessThan(6_000);
      expect((await browser.me())?.userId).toBe(USER_ID);
      expect(h.errors).toEqual([]);
    });

    it('treats a body the client aborts mid-way as a bad request, not an unexpected failure', async () => {
      const h = await start();
      const aborted = rawPost(h.origin, '/auth/threads/deauthorize', 'signed_request=abcdefghijklmnop', { tickMs: 20, cutAfter: 5 });
      await aborted.closed;
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Koa itself reports the broken socket (on-finished's HPE_INVALID_EOF_STATE, "aborted") after the answer
      // was sent, as it does for any route; nothing threads-auth raised may reach the error channel.
      const ours = h.errors.filter((error) => !/^(HPE_|ECONNRESET$)/.test(String((error as { code?: unknown }).code)) && (error as Error).message !== 'aborted');
      expect(ours).toEqual([]);
      // The server is fine afterwards.
      expect((await h.browser().fetch('/me')).status).toBe(200);
    });
  });

}

/** Meta's deauthorize and data-deletion callbacks, and the deletion status page. */
import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { MemoryTokenStore } from '../src/index.js';
import { LONG, USER_ID } from './recording-fetch.js';
import { SECRET, logIn, setup } from './setup.js';

describe("Meta's deauthorize and data-deletion callbacks", () => {
  const T0 = Date.UTC(2026, 10, 1) / 1000;
  const signed = (payload: object, secret = SECRET) => {
    const body = Buffer.from(JSON.stringify({ issued_at: T0, ...payload })).toString('base64url');
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
    const sr = signed({ algorithm: 'HMAC-SHA256', user_id: USER_ID });
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

  it.each([
    ['a day and a minute old', T0 - 86_460],
    ['ten minutes in the future', T0 + 600],
    ['without issued_at', undefined],
  ])('refuses a signed request %s and deletes nothing', async (_, issuedAt) => {
    const store = new MemoryTokenStore();
    const onTokenRevoked = vi.fn();
    const { auth } = setup({ store, onTokenRevoked });
    await logIn(auth);
    const sr = signed({ algorithm: 'HMAC-SHA256', user_id: USER_ID, issued_at: issuedAt });
    for (const route of ['deauthorize', 'delete']) {
      expect(await post(auth, route, { signed_request: sr })).toMatchObject({ type: 'error', status: 400, error: { code: 'invalid_signed_request' } });
    }
    expect(onTokenRevoked).not.toHaveBeenCalled();
    expect((await auth.getToken(USER_ID))?.accessToken).toBe(LONG);
  });

  it.each([
    ['the raw stream (no parser)', (form: string) => ({ body: Readable.from([Buffer.from(form)]) })],
    ['an urlencoded parser (an object)', (form: string) => ({ body: drained(), parsedBody: Object.fromEntries(new URLSearchParams(form)) })],
    ['a text parser (a string)', (form: string) => ({ body: drained(), parsedBody: form })],
    ['a raw parser (a Buffer)', (form: string) => ({ body: drained(), parsedBody: Buffer.from(form) })],
    ['a json parser that skipped the form (an empty object, stream unread)', (form: string) => ({ body: Readable.from([Buffer.from(form)]), parsedBody: {} })],
  ])('verifies a signed request read through %s', async (_, shape) => {
    const store = new MemoryTokenStore();
    const { auth } = setup({ store });
    await logIn(auth);
    const form = `signed_request=${encodeURIComponent(signed({ algorithm: 'HMAC-SHA256', user_id: USER_ID }))}`;
    const outcome = await auth.handle({ method: 'POST', url: '/auth/threads/deauthorize', headers: {}, ...shape(form) });
    expect(outcome).toMatchObject({ type: 'respond', status: 200, body: '{"success":true}' });
    expect(await auth.getToken(USER_ID)).toBeNull();
  });

  it('cuts a body that trickles in off within bodyTimeoutMs with 408, closing the connection, deleting nothing', async () => {
    const store = new MemoryTokenStore();
    const { auth } = setup({ store, bodyTimeoutMs: 200 });
    await logIn(auth);
    async function* trickle() {
      for (const byte of Buffer.from('signed_request=abc')) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        yield Buffer.from([byte]);
      }
    }
    const started = Date.now();
    const outcome = await auth.handle({ method: 'POST', url: '/auth/threads/delete', headers: {}, body: trickle() });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(outcome).toMatchObject({ type: 'error', status: 408, headers: { connection: 'close' }, error: { code: 'request_timeout' } });
    expect((await auth.getToken(USER_ID))?.accessToken).toBe(LONG);
  });

  it('answers a body the client aborts with 400, not an unexpected failure', async () => {
    const { auth } = setup();
    async function* aborted() {
      yield Buffer.from('signed_req');
      throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    }
    const outcome = await auth.handle({ method: 'POST', url: '/auth/threads/deauthorize', headers: {}, body: aborted() });
    expect(outcome).toMatchObject({ type: 'error', status: 400, error: { code: 'invalid_request' } });
  });

  it('reaches cookie-mode sessions: after a verified deauthorize the same cookie carries no token', async () => {
    const { auth, advance } = setup();
    const { session } = await logIn(auth);
    expect(await auth.handle({ method: 'GET', url: '/', headers: { cookie: session! } })).toMatchObject({ token: { accessToken: LONG } });
    const outcome = await post(auth, 'deauthorize', { signed_request: signed({ algorithm: 'HMAC-SHA256', user_id: USER_ID }) });
    expect(outcome).toMatchObject({ type: 'respond', status: 200 });
    expect(await auth.handle({ method: 'GET', url: '/', headers: { cookie: session! } })).toMatchObject({ type: 'pass', token: undefined, cookies: [{ maxAge: 0 }] });
    // A new login after the revocation is a new session.
    advance(1);
    const again = await logIn(auth);
    expect(await auth.handle({ method: 'GET', url: '/', headers: { cookie: again.session! } })).toMatchObject({ token: { accessToken: LONG } });
  });
});

describe('a store that is down during a Meta callback', () => {
  it('answers 503 with Retry-After (so Meta tries again), not an unexpected failure', async () => {
    const store = new MemoryTokenStore();
    const { auth } = setup({ store });
    await logIn(auth);
    store.deleteSessions = () => Promise.reject(new Error('store down'));
    const body = Buffer.from(JSON.stringify({ issued_at: Date.UTC(2026, 10, 1) / 1000, algorithm: 'HMAC-SHA256', user_id: USER_ID })).toString('base64url');
    const signedRequest = `${createHmac('sha256', SECRET).update(body).digest('base64url')}.${body}`;
    const outcome = await auth.handle({ method: 'POST', url: '/auth/threads/deauthorize', headers: {}, parsedBody: { signed_request: signedRequest } });
    expect(outcome).toMatchObject({ type: 'error', status: 503, headers: { 'retry-after': '5' } });
  });
});

/** A request stream a body parser already consumed. */
function drained() {
  return { readableEnded: true, async *[Symbol.asyncIterator]() {} };
}

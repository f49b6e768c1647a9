/** Meta's deauthorize and data-deletion callbacks, and the deletion status page. */
import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { MemoryTokenStore } from '../src/index.js';
import { LONG, USER_ID } from './recording-fetch.js';
import { SECRET, logIn, setup } from './setup.js';

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

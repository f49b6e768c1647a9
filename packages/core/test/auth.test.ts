/** The composer: options validated once, the frozen instance, and what it offers outside requests. */
import { describe, expect, it } from 'vitest';
import { ThreadsAuthOptionError, checkThreadsToken, createThreadsAuth, isThreadsAuth, toThreadsAuth, type ThreadsAuthOptions } from '../src/index.js';
import { LONG, USER_ID } from './recording-fetch.js';
import { logIn, page, setup } from './setup.js';

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
  it.each([
    ['a trailing slash', 'https://a.example/auth/threads/callback/', undefined, '/auth/threads/callback/', '/auth/threads/login'],
    ['a mount prefix', 'https://a.example/api/auth/threads/callback', undefined, '/api/auth/threads/callback', '/api/auth/threads/login'],
    ['another callback path', 'https://a.example/oauth/threads-done', undefined, '/oauth/threads-done', '/auth/threads/login'],
    ['an explicit basePath that agrees', 'https://a.example/x/callback', '/x', '/x/callback', '/x/login'],
  ])('serves the callback exactly at redirectUri with %s', async (_, redirectUri, basePath, callback, login) => {
    const auth = createThreadsAuth({ ...valid, redirectUri, ...(basePath ? { basePath } : {}) });
    expect((await auth.handle({ method: 'GET', url: login, headers: {} })).type).toBe('redirect');
    // A callback without a pending login is refused by the callback route: it is routed, not passed to the app.
    expect(await auth.handle({ method: 'GET', url: `${callback}?code=c&state=s`, headers: {} })).toMatchObject({ type: 'error', error: { code: 'invalid_state' } });
    expect(auth.basePath).toBe(basePath ?? login.slice(0, -'/login'.length));
  });
  it('refuses a basePath that contradicts redirectUri at startup, showing both paths and the fix', () => {
    const attempt = () => createThreadsAuth({ ...valid, redirectUri: 'https://a.example/api/auth/threads/callback', basePath: '/auth/threads' });
    expect(attempt).toThrow(ThreadsAuthOptionError);
    expect(attempt).toThrow(/"\/auth\/threads".*"\/api\/auth\/threads\/callback".*Remove basePath/);
  });
  it('refuses, at startup, a store without session records, naming the missing method', () => {
    const store = { get: async () => null, set: async () => {}, delete: async () => false, listDue: async () => [] };
    expect(() => createThreadsAuth({ ...valid, store })).toThrow(/option "store" must implement TokenStore \(missing setSession\(\)\)/);
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

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

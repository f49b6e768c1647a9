/** adoptToken: debug_token → exchange when short-lived → saved through the lifecycle, then kept alive. */
import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, ThreadsAuthOptionError, isThreadsAuthError } from '../src/index.js';
import { LONG, REFRESHED, SHORT, USER_ID, json, recordingFetch, threadsRoutes } from './recording-fetch.js';
import { DAY, SECRET, setup } from './setup.js';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 10, 1);

/** debug_token answering for a token issued at `issuedAt` (ms) that lives `lifetime` ms. */
function debugToken(issuedAt: number | undefined, lifetime: number, extra: Record<string, unknown> = {}) {
  const expiresAt = (issuedAt ?? START) + lifetime;
  return () =>
    json({
      data: {
        type: 'USER',
        is_valid: true,
        ...(issuedAt === undefined ? {} : { issued_at: Math.floor(issuedAt / 1000) }),
        expires_at: Math.floor(expiresAt / 1000),
        scopes: ['threads_basic', 'threads_content_publish'],
        user_id: USER_ID,
        ...extra,
      },
    });
}

function withStore(routes: Parameters<typeof threadsRoutes>[0]) {
  const fake = recordingFetch(threadsRoutes(routes));
  const store = new MemoryTokenStore({ now: () => clock.now() });
  const clock = setup({ store }, fake);
  return { ...clock, store };
}

describe('adoptToken', () => {
  it('exchanges a short-lived token (lifetime 1 h) and stores the long-lived one', async () => {
    const { auth, fake, store } = withStore({ '/v1.0/debug_token': debugToken(START - 10 * 60_000, HOUR) });
    const adopted = await auth.adoptToken({ accessToken: SHORT });
    expect(adopted.exchanged).toBe(true);
    expect(adopted.token).toMatchObject({ accessToken: LONG, userId: USER_ID, scopes: ['threads_basic', 'threads_content_publish'] });
    expect(adopted.token.issuedAt.getTime()).toBe(START);
    expect(adopted.token.expiresAt.getTime()).toBe(START + 5183944 * 1000);

    const [inspect] = fake.callsTo('/v1.0/debug_token');
    expect(inspect!.url.searchParams.get('input_token')).toBe(SHORT);
    expect(inspect!.url.searchParams.get('access_token')).toBe(`TH|1234567890|${SECRET}`);
    const [exchange] = fake.callsTo('/access_token');
    expect(exchange!.method).toBe('GET');
    expect(exchange!.url.searchParams.get('grant_type')).toBe('th_exchange_token');
    expect(exchange!.url.searchParams.get('access_token')).toBe(SHORT);

    expect((await store.get(USER_ID))?.expiresAt).toBe(START + 5183944 * 1000);
    expect((await auth.getToken(USER_ID))?.accessToken).toBe(LONG);
  });

  it('keeps a long-lived token as it is, with Meta’s issue time, so it is refreshed on schedule', async () => {
    const issuedAt = START - 55 * DAY;
    const { auth, fake, advance } = withStore({ '/v1.0/debug_token': debugToken(issuedAt, 60 * DAY) });
    const adopted = await auth.adoptToken({ accessToken: 'THfromtheenvfile', userId: USER_ID });
    expect(adopted.exchanged).toBe(false);
    expect(adopted.token.accessToken).toBe('THfromtheenvfile');
    expect(adopted.token.issuedAt.getTime()).toBe(Math.floor(issuedAt / 1000) * 1000);
    expect(fake.callsTo('/access_token')).toHaveLength(0);
    // 5 days left, inside the 7-day window and more than 24 h old: the next getToken refreshes it.
    advance(1000);
    expect((await auth.getToken(USER_ID))?.accessToken).toBe(REFRESHED);
    expect(fake.callsTo('/refresh_access_token')[0]!.url.searchParams.get('access_token')).toBe('THfromtheenvfile');
  });

  it('tells short from long by lifetime, not remaining life: a long-lived token in its last hours is not exchanged', async () => {
    const { auth, fake } = withStore({ '/v1.0/debug_token': debugToken(START - 60 * DAY + 2 * HOUR, 60 * DAY) });
    const adopted = await auth.adoptToken({ accessToken: 'THalmostexpired' });
    expect(adopted.exchanged).toBe(false);
    expect(fake.callsTo('/access_token')).toHaveLength(0);
  });

  it('without issued_at, falls back to the remaining life', async () => {
    const { auth, fake } = withStore({ '/v1.0/debug_token': debugToken(undefined, 50 * 60_000) });
    expect((await auth.adoptToken({ accessToken: SHORT })).exchanged).toBe(true);
    expect(fake.callsTo('/access_token')).toHaveLength(1);
  });

  const refusals: Array<[string, Record<string, unknown>, string]> = [
    ['an invalid token', { is_valid: false, error: { code: 190, message: 'expired', subcode: 463 } }, 'token_expired'],
    ['an app token', { type: 'APP' }, 'invalid_request'],
    ['no user id', { user_id: undefined }, 'invalid_upstream_response'],
  ];
  it.each(refusals)('refuses %s and stores nothing', async (_name, extra, code) => {
    const { auth, fake, store } = withStore({ '/v1.0/debug_token': debugToken(START, 60 * DAY, extra) });
    const error = await auth.adoptToken({ accessToken: 'THsomething' }).catch((e: unknown) => e);
    expect(isThreadsAuthError(error) && error.code).toBe(code);
    expect(fake.callsTo('/access_token')).toHaveLength(0);
    expect(await store.get(USER_ID)).toBeNull();
  });

  it('refuses a token of another user than the one given', async () => {
    const { auth, store } = withStore({ '/v1.0/debug_token': debugToken(START, 60 * DAY) });
    const error = await auth.adoptToken({ accessToken: 'THsomething', userId: '1' }).catch((e: unknown) => e);
    expect(isThreadsAuthError(error) && error.code).toBe('invalid_upstream_response');
    expect(await store.get(USER_ID)).toBeNull();
  });

  it('fails when the long-lived exchange fails, storing nothing, and never puts the token in the message', async () => {
    const { auth, store } = withStore({
      '/v1.0/debug_token': debugToken(START, HOUR),
      '/access_token': () => json({ error: { message: 'Session key invalid', type: 'OAuthException', code: 190 } }, 400),
    });
    const error = await auth.adoptToken({ accessToken: SHORT }).catch((e: unknown) => e);
    expect(isThreadsAuthError(error) && error.code).toBe('long_lived_exchange_failed');
    expect(String((error as Error).message)).not.toContain(SHORT);
    expect(await store.get(USER_ID)).toBeNull();
  });

  it('rejects an empty token before any call', async () => {
    const { auth, fake } = withStore({});
    const error = await auth.adoptToken({ accessToken: ' ' }).catch((e: unknown) => e);
    expect(isThreadsAuthError(error) && error.code).toBe('invalid_request');
    expect(fake.calls).toHaveLength(0);
  });

  it('needs a store', async () => {
    const { auth } = setup();
    await expect(auth.adoptToken({ accessToken: SHORT })).rejects.toBeInstanceOf(ThreadsAuthOptionError);
  });
});

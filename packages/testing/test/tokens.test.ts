import { afterEach, describe, expect, it } from 'vitest';
import { type FakeThreads, startFakeThreads } from '../src/index.js';
import { exchangeCode, graphGet, obtainCode, REDIRECT_URI, shortLivedToken } from './sign-in.js';

const HOUR = 60 * 60 * 1000;
let fake: FakeThreads;
afterEach(() => fake?.close());

/** A controllable clock starting at a fixed instant. */
function fakeClock(start = Date.parse('2026-03-01T12:00:00Z')) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('POST /oauth/access_token (code exchange)', () => {
  it('answers {"access_token","user_id"} with user_id as an exact number literal above 2^53', async () => {
    fake = await startFakeThreads();
    const res = await exchangeCode(fake, await obtainCode(fake));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    const text = await res.text();
    expect(text).toMatch(/^\{"access_token":"TH[A-Za-z0-9_-]+","user_id":17841405793187219\}$/);
    // The reason for the test: a plain JSON.parse cannot read this id.
    expect(String((JSON.parse(text) as { user_id: number }).user_id)).not.toBe('17841405793187219');
    expect(text).not.toContain('token_type');
    expect(text).not.toContain('expires_in');
  });

  it('reads parameters from the query string of a POST, or of a GET', async () => {
    fake = await startFakeThreads();
    const params = (code: string) =>
      new URLSearchParams({
        client_id: fake.clientId,
        client_secret: fake.clientSecret,
        grant_type: 'authorization_code',
        redirect_uri: REDIRECT_URI,
        code,
      });
    const post = await fetch(`${fake.url}/oauth/access_token?${params(await obtainCode(fake))}`, { method: 'POST' });
    expect(post.status).toBe(200);
    const get = await fetch(`${fake.url}/oauth/access_token?${params(await obtainCode(fake))}`);
    expect(get.status).toBe(200);
    expect(fake.callsTo('code_exchange').map((call) => call.method)).toEqual(['POST', 'GET']);
  });

  it('reads a multipart/form-data body, as the docs’ curl -F sends', async () => {
    fake = await startFakeThreads();
    const form = new FormData();
    form.set('client_id', fake.clientId);
    form.set('client_secret', fake.clientSecret);
    form.set('grant_type', 'authorization_code');
    form.set('redirect_uri', REDIRECT_URI);
    form.set('code', await obtainCode(fake));
    const res = await fetch(`${fake.url}/oauth/access_token`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(fake.callsTo('code_exchange')[0]?.form['grant_type']).toBe('authorization_code');
  });

  it('accepts a code once; a reused code gets Meta’s flat 400', async () => {
    fake = await startFakeThreads();
    const code = await obtainCode(fake);
    expect((await exchangeCode(fake, code)).status).toBe(200);
    const again = await exchangeCode(fake, code);
    expect(again.status).toBe(400);
    expect(await again.text()).toBe(
      '{"error_type":"OAuthException","code":400,"error_message":"Matching code was not found or was already used"}',
    );
    expect((await exchangeCode(fake, 'AQnonsense')).status).toBe(400);
  });

  it('binds the code to the redirect_uri of the authorize request', async () => {
    fake = await startFakeThreads();
    const code = await obtainCode(fake);
    const mismatch = await exchangeCode(fake, code, { redirect_uri: `${REDIRECT_URI}/` });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.json()).toEqual({
      error_type: 'OAuthException',
      code: 100,
      error_message:
        'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
    });
    expect((await exchangeCode(fake, code)).status).toBe(200);
  });

  it('rejects a wrong client_id or client_secret with code 101', async () => {
    fake = await startFakeThreads();
    const code = await obtainCode(fake);
    for (const override of [{ client_secret: 'nope' }, { client_id: '42' }] as Record<string, string>[]) {
      const res = await exchangeCode(fake, code, override);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error_type: 'OAuthException',
        code: 101,
        error_message: 'Error validating client secret.',
      });
    }
  });

  it('expires codes after one hour on the fake clock', async () => {
    const clock = fakeClock();
    fake = await startFakeThreads({ now: clock.now });
    const code = await obtainCode(fake);
    clock.advance(HOUR);
    expect((await exchangeCode(fake, code)).status).toBe(400);
  });
});

describe('GET /oauth/access_token?grant_type=client_credentials (app token)', () => {
  it('issues TH|<client id>|<random> with token_type bearer', async () => {
    fake = await startFakeThreads();
    const res = await graphGet(fake, '/oauth/access_token', {
      client_id: fake.clientId,
      client_secret: fake.clientSecret,
      grant_type: 'client_credentials',
    });
    const body = (await res.json()) as Record<string, string>;
    expect(Object.keys(body)).toEqual(['access_token', 'token_type']);
    expect(body['access_token']).toMatch(/^TH\|1234567890\|[\w-]+$/);
    expect(body['token_type']).toBe('bearer');
    expect(fake.callsTo('app_token')).toHaveLength(1);
  });

  it('rejects a wrong secret', async () => {
    fake = await startFakeThreads();
    const res = await graphGet(fake, '/oauth/access_token', {
      client_id: fake.clientId,
      client_secret: 'wrong',
      grant_type: 'client_credentials',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: number }).code).toBe(101);
  });
});

describe('GET /access_token?grant_type=th_exchange_token (long-lived exchange)', () => {
  it('exchanges a short-lived token for a different long-lived one, without user_id', async () => {
    fake = await startFakeThreads();
    const short = await shortLivedToken(fake);
    const res = await graphGet(fake, '/access_token', {
      grant_type: 'th_exchange_token',
      client_secret: fake.clientSecret,
      access_token: short,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['access_token', 'token_type', 'expires_in']);
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 5183944 });
    expect(body['access_token']).toMatch(/^TH[\w-]+$/);
    expect(body['access_token']).not.toBe(short);
  });

  it('answers an expired short-lived token with Graph 190/463 “Session has expired”', async () => {
    const clock = fakeClock();
    fake = await startFakeThreads({ now: clock.now });
    const short = await shortLivedToken(fake);
    clock.advance(HOUR);
    const res = await graphGet(fake, '/access_token', {
      grant_type: 'th_exchange_token',
      client_secret: fake.clientSecret,
      access_token: short,
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: Record<string, unknown> };
    expect(Object.keys(error)).toEqual(['message', 'type', 'code', 'error_subcode', 'fbtrace_id']);
    expect(error).toMatchObject({ type: 'OAuthException', code: 190, error_subcode: 463 });
    expect(error['message']).toBe(
      'Error validating access token: Session has expired on Sunday, 01-Mar-26 13:00:00 UTC. The current time is Sunday, 01-Mar-26 13:00:00 UTC.',
    );
    expect(error['fbtrace_id']).toMatch(/^A[\w-]{22}$/);
  });

  it('answers an unknown token with Graph 190 and a bad secret with Graph 101', async () => {
    fake = await startFakeThreads();
    const unknown = await graphGet(fake, '/access_token', {
      grant_type: 'th_exchange_token',
      client_secret: fake.clientSecret,
      access_token: 'THnope',
    });
    expect(((await unknown.json()) as { error: { code: number } }).error.code).toBe(190);
    const badSecret = await graphGet(fake, '/access_token', {
      grant_type: 'th_exchange_token',
      client_secret: 'wrong',
      access_token: await shortLivedToken(fake),
    });
    expect(badSecret.status).toBe(400);
    expect(((await badSecret.json()) as { error: unknown }).error).toMatchObject({
      message: 'Error validating client secret.',
      type: 'OAuthException',
      code: 101,
    });
  });
});

describe('GET /refresh_access_token?grant_type=th_refresh_token', () => {
  const refresh = (token: string) =>
    graphGet(fake, '/refresh_access_token', { grant_type: 'th_refresh_token', access_token: token });

  it('refuses a token younger than 24 hours with Graph 100', async () => {
    fake = await startFakeThreads();
    const { accessToken } = fake.issueLongLivedToken();
    const res = await refresh(accessToken);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ type: 'OAuthException', code: 100 });
    expect(error['message']).toMatch(/can only be refreshed after it is at least 24 hours old/);
  });

  it('after 24 hours issues a new token valid for the full lifetime from now; the old one stays valid', async () => {
    const clock = fakeClock();
    fake = await startFakeThreads({ now: clock.now });
    const old = fake.issueLongLivedToken({ scopes: ['threads_basic', 'threads_delete'] });
    clock.advance(24 * HOUR);
    const res = await refresh(old.accessToken);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body.token_type).toBe('bearer');
    expect(body.expires_in).toBe(5183944);
    expect(body.access_token).not.toBe(old.accessToken);

    const appToken = `TH|${fake.clientId}|${fake.clientSecret}`;
    const debug = async (token: string) =>
      ((await (await graphGet(fake, '/v1.0/debug_token', { input_token: token, access_token: appToken })).json()) as {
        data: { is_valid: boolean; issued_at: number; expires_at: number; scopes: string[] };
      }).data;
    const fresh = await debug(body.access_token);
    expect(fresh.issued_at).toBe(clock.now() / 1000);
    expect(fresh.expires_at).toBe(clock.now() / 1000 + 5183944);
    expect(fresh.scopes).toEqual(['threads_basic', 'threads_delete']);
    expect((await debug(old.accessToken)).is_valid).toBe(true);
  });

  it('answers an expired token with 190/463 and a revoked user’s token with 190/458', async () => {
    const clock = fakeClock();
    fake = await startFakeThreads({ now: clock.now });
    const expired = fake.issueLongLivedToken({ issuedAt: clock.now() - 61 * 24 * HOUR });
    const errorOf = async (token: string) =>
      ((await (await refresh(token)).json()) as { error: { code: number; error_subcode?: number } }).error;
    expect(await errorOf(expired.accessToken)).toMatchObject({ code: 190, error_subcode: 463 });

    const live = fake.issueLongLivedToken({ issuedAt: clock.now() - 2 * 24 * HOUR });
    fake.revokeUser(live.userId);
    expect(await errorOf(live.accessToken)).toMatchObject({
      code: 190,
      error_subcode: 458,
      message: 'Error validating access token: The user has not authorized application 1234567890.',
    });
    // A short-lived token is not a refreshable one.
    expect((await errorOf(await shortLivedToken(fake))).code).toBe(190);
  });

  it('a new sign-in after revocation works again', async () => {
    fake = await startFakeThreads();
    const before = await shortLivedToken(fake);
    fake.revokeUser('17841405793187219');
    const after = await shortLivedToken(fake);
    const me = (token: string) => graphGet(fake, '/v1.0/me', { access_token: token });
    expect((await me(before)).status).toBe(400);
    expect((await me(after)).status).toBe(200);
  });
});

describe('issueLongLivedToken()', () => {
  it('mints a token with ms times on the fake clock', async () => {
    const clock = fakeClock();
    fake = await startFakeThreads({ now: clock.now });
    const token = fake.issueLongLivedToken({ expiresInSeconds: 100 });
    expect(token).toEqual({
      accessToken: expect.stringMatching(/^TH[\w-]+$/),
      userId: '17841405793187219',
      scopes: ['threads_basic'],
      issuedAt: clock.now(),
      expiresAt: clock.now() + 100_000,
    });
    expect(() => fake.issueLongLivedToken({ userId: '1' })).toThrow(TypeError);
    expect(() => fake.revokeUser('1')).toThrow(/one of the fake's users/);
  });
});

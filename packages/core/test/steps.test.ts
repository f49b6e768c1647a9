import { describe, expect, it } from 'vitest';
import { ThreadsAuthError, buildAuthorizationUrl, createThreadsClient, exchangeCode, exchangeForLongLivedToken, fetchAppToken, introspectToken, refreshLongLivedToken, type ThreadsAuthErrorCode } from '../src/index.js';
import { LONG, REFRESHED, SHORT, USER_ID, json, recordingFetch, threadsRoutes } from './recording-fetch.js';

const GRAPH = 'https://graph.threads.net';
const SECRET = 'app-secret-value-0123';

function client(fake = recordingFetch(threadsRoutes()), extra: { timeoutMs?: number } = {}) {
  return {
    fake,
    client: createThreadsClient({
      clientId: '1234567890',
      clientSecret: SECRET,
      redirectUri: 'https://app.example/auth/threads/callback',
      scopes: ['threads_content_publish'],
      fetch: fake.fetch,
      retry: { delayMs: 0 },
      ...extra,
    }),
  };
}

async function failure(promise: Promise<unknown>): Promise<ThreadsAuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ThreadsAuthError);
  const e = error as ThreadsAuthError;
  // No failure ever carries a secret or a token.
  const text = `${e.message} ${JSON.stringify(e.meta ?? {})}`;
  for (const secret of [SECRET, SHORT, LONG, 'TH|']) expect(text).not.toContain(secret);
  return e;
}

describe('buildAuthorizationUrl', () => {
  it('builds the authorization window URL with every required parameter', () => {
    const { client: c } = client();
    const url = buildAuthorizationUrl(c, { state: 'state-value' });
    expect(url.origin + url.pathname).toBe('https://www.threads.com/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: '1234567890',
      redirect_uri: 'https://app.example/auth/threads/callback',
      response_type: 'code',
      scope: 'threads_basic,threads_content_publish',
      state: 'state-value',
    });
  });
  it('adds a PKCE challenge only when given one', () => {
    const { client: c } = client();
    const url = buildAuthorizationUrl(c, { state: 's', codeChallenge: 'challenge' });
    expect(url.searchParams.get('code_challenge')).toBe('challenge');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  });
});

describe('exchangeCode', () => {
  it('POSTs the code form-encoded and reads user_id exactly', async () => {
    const { client: c, fake } = client();
    const token = await exchangeCode(c, 'code=the-code&state=s1', { expectedState: 's1' });
    expect(token).toEqual({ accessToken: SHORT, userId: USER_ID });
    expect(fake.calls).toHaveLength(1);
    const [call] = fake.calls;
    expect(call!.method).toBe('POST');
    expect(call!.url.href).toBe(`${GRAPH}/oauth/access_token`);
    expect(Object.fromEntries(call!.body!)).toEqual({
      client_id: '1234567890',
      client_secret: SECRET,
      code: 'the-code',
      grant_type: 'authorization_code',
      redirect_uri: 'https://app.example/auth/threads/callback',
    });
  });
  it('checks state before any upstream call', async () => {
    const { client: c, fake } = client();
    expect((await failure(exchangeCode(c, 'code=x&state=other', { expectedState: 's1' }))).code).toBe('invalid_state');
    expect(fake.calls).toHaveLength(0);
  });
  it('maps error parameters without an upstream call', async () => {
    const { client: c, fake } = client();
    expect((await failure(exchangeCode(c, 'error=access_denied&state=s1', { expectedState: 's1' }))).code).toBe('access_denied');
    expect(fake.calls).toHaveLength(0);
  });
  it.each<[string, () => Response | 'hang' | 'network-error', ThreadsAuthErrorCode]>([
    [
      'a used code (flat error body)',
      () => json({ error_type: 'OAuthException', code: 400, error_message: 'Matching code was not found or was already used' }, 400),
      'code_exchange_failed',
    ],
    ['malformed JSON', () => new Response('{"access_token":', { status: 200 }), 'invalid_upstream_response'],
    ['an HTML error page', () => new Response('<!DOCTYPE html><title>Error</title>', { status: 500, headers: { 'content-type': 'text/html' } }), 'upstream_error'],
    ['503', () => new Response('', { status: 503 }), 'upstream_unavailable'],
    ['a network error', () => 'network-error', 'upstream_unavailable'],
    ['a success without user_id', () => json({ access_token: SHORT }), 'invalid_upstream_response'],
  ])('fails on %s, without retrying the POST', async (_, reply, code) => {
    const fake = recordingFetch(threadsRoutes({ '/oauth/access_token': reply }));
    const { client: c } = client(fake);
    const error = await failure(exchangeCode(c, 'code=x&state=s', { expectedState: 's' }));
    expect(error.code).toBe(code);
    expect(error.step).toBe('code_exchange');
    expect(fake.calls).toHaveLength(1);
  });
  it('keeps Meta details on the error', async () => {
    const fake = recordingFetch(
      threadsRoutes({ '/oauth/access_token': () => json({ error_type: 'OAuthException', code: 400, error_message: 'Matching code was not found or was already used' }, 400) }),
    );
    const error = await failure(exchangeCode(client(fake).client, 'code=x&state=s', { expectedState: 's' }));
    expect(error.meta).toMatchObject({ type: 'OAuthException', code: 400, httpStatus: 400, message: 'Matching code was not found or was already used' });
    expect(error.status).toBe(502);
  });
  it.each<[string, Record<string, unknown>, ThreadsAuthErrorCode, number]>([
    // The flat token-endpoint shape, as the fake (and the 2026 reports) show for the Meta app secret used by mistake.
    ['a wrong client secret', { error_type: 'OAuthException', code: 101, error_message: 'Error validating client secret.' }, 'invalid_client_secret', 500],
    ['the Meta app id', { error_message: 'No application data was given.', error_code: 1349026 }, 'invalid_client_id', 500],
    ['no app id', { error_message: 'No app ID was provided in the request.', error_code: 4476002 }, 'invalid_client_id', 500],
    ['a tester who has not accepted the invite', { error_message: 'Invalid Request: The user has not accepted the invite to test the app', error_code: 1349245 }, 'tester_not_accepted', 403],
    ['a used code', { error_type: 'OAuthException', code: 400, error_message: 'Matching code was not found or was already used' }, 'code_exchange_failed', 502],
  ])('names the mistake behind %s', async (_, body, code, status) => {
    const fake = recordingFetch(threadsRoutes({ '/oauth/access_token': () => json(body, 400) }));
    const error = await failure(exchangeCode(client(fake).client, 'code=x&state=s', { expectedState: 's' }));
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    // A setup mistake must not tell the user to "start again": that would loop forever.
    if (code !== 'code_exchange_failed') expect(error.safeMessage).not.toMatch(/start again/);
    expect(error.fix.length).toBeGreaterThan(20);
  });
  it('times out a hanging exchange', async () => {
    const fake = recordingFetch(threadsRoutes({ '/oauth/access_token': () => 'hang' }));
    const error = await failure(exchangeCode(client(fake, { timeoutMs: 50 }).client, 'code=x&state=s', { expectedState: 's' }));
    expect(error.code).toBe('upstream_timeout');
    expect(error.status).toBe(504);
    expect(fake.calls).toHaveLength(1);
  });
});

describe('exchangeForLongLivedToken', () => {
  it('GETs /access_token with th_exchange_token', async () => {
    const { client: c, fake } = client();
    expect(await exchangeForLongLivedToken(c, SHORT)).toEqual({ accessToken: LONG, expiresIn: 5183944 });
    const [call] = fake.calls;
    expect(call!.method).toBe('GET');
    expect(call!.url.origin + call!.url.pathname).toBe(`${GRAPH}/access_token`);
    expect(Object.fromEntries(call!.url.searchParams)).toEqual({ grant_type: 'th_exchange_token', client_secret: SECRET, access_token: SHORT });
  });
  it.each<[string, Response[], ThreadsAuthErrorCode, number]>([
    ['a Meta refusal (not retried)', [json({ error: { message: 'Session has expired', type: 'OAuthException', code: 190, error_subcode: 463 } }, 400)], 'long_lived_exchange_failed', 1],
    ['three 500s (retried)', [new Response('oops', { status: 500 }), new Response('oops', { status: 500 }), new Response('oops', { status: 500 })], 'upstream_error', 3],
    ['a rate limit (not retried: the caller backs off)', [json({ error: { message: 'Too many calls', code: 4 } }, 400)], 'rate_limited', 1],
    ['three transient codes (retried)', Array.from({ length: 3 }, () => json({ error: { message: 'Please retry your request later.', code: 2 } }, 400)), 'upstream_unavailable', 3],
    ['a wrong client secret (101, not retried)', [json({ error: { message: 'Error validating client secret.', type: 'OAuthException', code: 101 } }, 400)], 'invalid_client_secret', 1],
    ['a success without expires_in', [json({ access_token: LONG, token_type: 'bearer' })], 'invalid_upstream_response', 1],
  ])('fails on %s', async (_, replies, code, attempts) => {
    const fake = recordingFetch(threadsRoutes());
    fake.queue('/access_token', ...replies);
    const error = await failure(exchangeForLongLivedToken(client(fake).client, SHORT));
    expect(error.code).toBe(code);
    expect(fake.callsTo('/access_token')).toHaveLength(attempts);
  });
  it('recovers when a retry succeeds', async () => {
    const fake = recordingFetch(threadsRoutes());
    fake.queue('/access_token', new Response('', { status: 503 }), 'network-error');
    expect((await exchangeForLongLivedToken(client(fake).client, SHORT)).accessToken).toBe(LONG);
    expect(fake.callsTo('/access_token')).toHaveLength(3);
  });
});

describe('refreshLongLivedToken', () => {
  it('GETs /refresh_access_token with th_refresh_token and no client secret', async () => {
    const { client: c, fake } = client();
    expect(await refreshLongLivedToken(c, LONG)).toEqual({ accessToken: REFRESHED, expiresIn: 5184000 });
    const [call] = fake.calls;
    expect(call!.url.origin + call!.url.pathname).toBe(`${GRAPH}/refresh_access_token`);
    expect(Object.fromEntries(call!.url.searchParams)).toEqual({ grant_type: 'th_refresh_token', access_token: LONG });
  });
  it.each([
    [190, 463, 'token_expired'],
    [190, 458, 'token_expired'],
    [102, undefined, 'token_expired'],
    [190, 460, 'token_expired'],
    [190, 467, 'token_expired'],
    [190, undefined, 'token_expired'],
    [100, undefined, 'refresh_failed'],
    [10, undefined, 'permission_missing'],
    [17, undefined, 'rate_limited'],
    [32, undefined, 'rate_limited'],
    [613, undefined, 'rate_limited'],
  ])('Meta %s/%s → %s', async (code, subcode, expected) => {
    const fake = recordingFetch(threadsRoutes({ '/refresh_access_token': () => json({ error: { message: 'x', type: 'OAuthException', code, error_subcode: subcode } }, 400) }));
    const error = await failure(refreshLongLivedToken(client(fake).client, LONG));
    expect(error.code).toBe(expected);
    expect(error.meta?.code).toBe(code);
  });
});

describe('introspectToken and fetchAppToken', () => {
  it('calls debug_token with the app token and reads it typed', async () => {
    const { client: c, fake } = client();
    const info = await introspectToken(c, SHORT);
    expect(info).toMatchObject({ type: 'USER', isValid: true, userId: USER_ID, scopes: ['threads_basic', 'threads_content_publish'] });
    expect(info.expiresAt).toEqual(new Date(1_700_003_600_000));
    const [call] = fake.calls;
    expect(call!.url.pathname).toBe('/v1.0/debug_token');
    expect(call!.url.searchParams.get('input_token')).toBe(SHORT);
    expect(call!.url.searchParams.get('access_token')).toBe(`TH|1234567890|${SECRET}`);
  });
  it('reports an invalid token without throwing', async () => {
    const fake = recordingFetch(threadsRoutes({ '/v1.0/debug_token': () => json({ data: { is_valid: false, error: { code: 190, message: 'expired' }, scopes: [] } }) }));
    const info = await introspectToken(client(fake).client, 'THdead');
    expect(info.isValid).toBe(false);
    expect(info.error?.code).toBe(190);
  });
  it.each([
    // debug_token's own shape: `subcode` inside data.error (the fourth error shape)
    [{ code: 190, subcode: 463, message: 'Session has expired' }, 463],
    [{ code: 190, subcode: 458, message: 'app not installed' }, 458],
    // the Graph spelling, should Meta ever use it there
    [{ code: 190, error_subcode: 460, message: 'password changed' }, 460],
  ])("keeps debug_token's error subcode (%o)", async (error, subcode) => {
    const fake = recordingFetch(threadsRoutes({ '/v1.0/debug_token': () => json({ data: { is_valid: false, error, scopes: [] } }) }));
    const info = await introspectToken(client(fake).client, 'THdead');
    expect(info.error).toMatchObject({ code: 190, subcode });
  });
  it('names debug_token refused with 100 (development mode), and an app token refused for a wrong secret', async () => {
    const refused = recordingFetch(threadsRoutes({ '/v1.0/debug_token': () => json({ error: { message: 'The app associated with this request is in dev mode', type: 'OAuthException', code: 100 } }, 400) }));
    const error = await failure(introspectToken(client(refused).client, SHORT));
    expect(error).toMatchObject({ code: 'debug_token_refused', step: 'introspection', status: 502 });
    const wrongSecret = recordingFetch(threadsRoutes({ '/oauth/access_token': () => json({ error_type: 'OAuthException', code: 101, error_message: 'Error validating client secret.' }, 401) }));
    expect((await failure(fetchAppToken(client(wrongSecret).client))).code).toBe('invalid_client_secret');
  });
  it('fetches the app token with client_credentials', async () => {
    const { client: c, fake } = client();
    expect(await fetchAppToken(c)).toBe('TH|1234567890|apptoken');
    expect(Object.fromEntries(fake.calls[0]!.url.searchParams)).toEqual({ client_id: '1234567890', client_secret: SECRET, grant_type: 'client_credentials' });
    expect(fake.calls[0]!.method).toBe('GET');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { type FakeThreads, startFakeThreads } from '../src/index.js';
import { graphGet, shortLivedToken } from './sign-in.js';

let fake: FakeThreads;
afterEach(() => fake?.close());

const appTokenOf = (f: FakeThreads) => `TH|${f.clientId}|${f.clientSecret}`;

describe('GET /v1.0/debug_token', () => {
  it('describes a valid user token to the TH|<id>|<secret> app token', async () => {
    const now = Date.parse('2026-05-01T00:00:00Z');
    fake = await startFakeThreads({ now: () => now });
    const { accessToken } = fake.issueLongLivedToken({ scopes: ['threads_basic', 'threads_content_publish'] });
    const res = await graphGet(fake, '/v1.0/debug_token', { input_token: accessToken, access_token: appTokenOf(fake) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      data: {
        type: 'USER',
        application: 'Fake Threads App',
        data_access_expires_at: now / 1000 + 90 * 24 * 3600,
        expires_at: now / 1000 + 5183944,
        is_valid: true,
        issued_at: now / 1000,
        scopes: ['threads_basic', 'threads_content_publish'],
        user_id: '17841405793187219',
      },
    });
  });

  it('accepts an app token from client_credentials as the caller, and the Authorization header', async () => {
    fake = await startFakeThreads();
    const appToken = (
      (await (
        await graphGet(fake, '/oauth/access_token', {
          client_id: fake.clientId,
          client_secret: fake.clientSecret,
          grant_type: 'client_credentials',
        })
      ).json()) as { access_token: string }
    ).access_token;
    const input = await shortLivedToken(fake);
    const viaQuery = await graphGet(fake, '/v1.0/debug_token', { input_token: input, access_token: appToken });
    expect(((await viaQuery.json()) as { data: { is_valid: boolean } }).data.is_valid).toBe(true);
    const viaHeader = await fetch(`${fake.url}/v1.0/debug_token?input_token=${encodeURIComponent(input)}`, {
      headers: { authorization: `Bearer ${appToken}` },
    });
    expect(viaHeader.status).toBe(200);
  });

  it('rejects a user token or a wrong app token as the caller with Graph 190', async () => {
    fake = await startFakeThreads();
    const user = await shortLivedToken(fake);
    for (const caller of [user, `TH|${fake.clientId}|wrong`, `TH|999|${fake.clientSecret}`]) {
      const res = await graphGet(fake, '/v1.0/debug_token', { input_token: user, access_token: caller });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: number; type: string } }).error).toMatchObject({
        code: 190,
        type: 'OAuthException',
      });
    }
  });

  it('answers 200 is_valid:false with an error for unknown, expired and revoked input tokens', async () => {
    let now = Date.parse('2026-05-01T00:00:00Z');
    fake = await startFakeThreads({ now: () => now });
    const debug = async (token: string) =>
      ((await (await graphGet(fake, '/v1.0/debug_token', { input_token: token, access_token: appTokenOf(fake) })).json()) as {
        data: Record<string, unknown>;
      }).data;
    expect(await debug('THunknown')).toEqual({
      error: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' },
      is_valid: false,
      scopes: [],
    });
    const expiring = fake.issueLongLivedToken({ expiresInSeconds: 60 });
    now += 60_000;
    expect(await debug(expiring.accessToken)).toMatchObject({
      type: 'USER',
      is_valid: false,
      scopes: [],
      user_id: '17841405793187219',
      error: { code: 190, subcode: 463, message: expect.stringMatching(/Session has expired on/) },
    });
    const revoked = fake.issueLongLivedToken();
    fake.revokeUser(revoked.userId);
    expect(await debug(revoked.accessToken)).toMatchObject({ is_valid: false, error: { code: 190, subcode: 458 } });
  });

  it('requires input_token', async () => {
    fake = await startFakeThreads();
    const res = await graphGet(fake, '/v1.0/debug_token', { access_token: appTokenOf(fake) });
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(100);
  });
});

describe('GET /v1.0/me', () => {
  it('returns the requested fields plus id, always as strings', async () => {
    fake = await startFakeThreads();
    const token = await shortLivedToken(fake);
    const full = await graphGet(fake, '/v1.0/me', { fields: 'id,username,name', access_token: token });
    expect(await full.text()).toBe('{"id":"17841405793187219","username":"threads_tester","name":"Threads Tester"}');
    const some = await graphGet(fake, '/v1.0/me', { fields: 'username', access_token: token });
    expect(await some.json()).toEqual({ username: 'threads_tester', id: '17841405793187219' });
    const bare = await graphGet(fake, '/me', { access_token: token });
    expect(await bare.json()).toEqual({ id: '17841405793187219' });
  });

  it('serves /v1.0/<own id> like /me and omits fields the user lacks', async () => {
    fake = await startFakeThreads({ users: [{ id: '17841400000000001', username: 'nameless' }] });
    const token = await shortLivedToken(fake);
    const res = await graphGet(fake, '/v1.0/17841400000000001', { fields: 'id,name,username', access_token: token });
    expect(await res.json()).toEqual({ id: '17841400000000001', username: 'nameless' });
    expect((await graphGet(fake, '/v1.0/17841400000000003', { access_token: token })).status).toBe(400);
  });

  it('answers an invalid token with Graph 190 and an unknown field with Graph 100', async () => {
    fake = await startFakeThreads();
    const invalid = await graphGet(fake, '/v1.0/me', { fields: 'id', access_token: 'THnope' });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { code: number } }).error.code).toBe(190);
    const email = await graphGet(fake, '/v1.0/me', { fields: 'id,email', access_token: await shortLivedToken(fake) });
    expect(((await email.json()) as { error: { code: number; message: string } }).error).toMatchObject({
      code: 100,
      message: '(#100) Tried accessing nonexisting field (email) on node type (User)',
    });
  });
});

describe('anything else', () => {
  it.each([
    ['GET', '/v1.0/threads'],
    ['GET', '/v22.0/me'],
    ['POST', '/v1.0/me'],
    ['GET', '/'],
    ['DELETE', '/oauth/authorize'],
  ])('%s %s answers Graph 100 "Unsupported … request" and is not recorded', async (method, path) => {
    fake = await startFakeThreads();
    const res = await fetch(`${fake.url}${path}`, { method });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ type: 'GraphMethodException', code: 100, error_subcode: 33 });
    expect(error['message']).toMatch(new RegExp(`^Unsupported ${method.toLowerCase()} request\\.`));
    expect(fake.calls).toEqual([]);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { type FakeThreads, startFakeThreads } from '../src/index.js';
import { authorizeUrl, exchangeCode, graphGet, obtainCode, shortLivedToken } from './sign-in.js';

let fake: FakeThreads;
afterEach(() => fake?.close());

const me = (token = 'THany') => graphGet(fake, '/v1.0/me', { access_token: token });

describe('fail()', () => {
  it('status: answers the given status, body and content type', async () => {
    fake = await startFakeThreads();
    fake.fail('me', { kind: 'status', status: 503, body: 'busy' });
    const res = await me();
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('busy');
    fake.reset();
    fake.fail('me', { kind: 'status', status: 500, body: '{}', contentType: 'application/json' });
    const json = await me();
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(await json.text()).toBe('{}');
  });

  it('html: a 502 text/html “Sorry, something went wrong” page', async () => {
    fake = await startFakeThreads();
    fake.fail('refresh', { kind: 'html' });
    const res = await graphGet(fake, '/refresh_access_token', { grant_type: 'th_refresh_token', access_token: 'x' });
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const text = await res.text();
    expect(text).toMatch(/^<!DOCTYPE html>/);
    expect(text).toContain('Sorry, something went wrong');
  });

  it('malformed-json: a 200 application/json body that does not parse', async () => {
    fake = await startFakeThreads();
    fake.fail('code_exchange', { kind: 'malformed-json' });
    const res = await exchangeCode(fake, 'AQx');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    await expect(res.json()).rejects.toThrow(SyntaxError);
  });

  it('meta-error: Graph shape with defaults and every field', async () => {
    fake = await startFakeThreads();
    fake.fail('long_lived_exchange', { kind: 'meta-error', code: 190 }, { times: 1 });
    fake.fail('long_lived_exchange', {
      kind: 'meta-error',
      status: 500,
      code: 2,
      subcode: 99,
      type: 'THApiException',
      message: 'Please retry',
      isTransient: true,
    });
    const exchange = () => graphGet(fake, '/access_token', { grant_type: 'th_exchange_token', access_token: 'x' });
    const first = await exchange();
    expect(first.status).toBe(400);
    expect(((await first.json()) as { error: unknown }).error).toEqual({
      message: 'Invalid OAuth access token - Cannot parse access token',
      type: 'OAuthException',
      code: 190,
      fbtrace_id: expect.stringMatching(/^A[\w-]{22}$/),
    });
    const second = await exchange();
    expect(second.status).toBe(500);
    const text = await second.text();
    expect(text).toMatch(
      /^\{"error":\{"message":"Please retry","type":"THApiException","code":2,"error_subcode":99,"is_transient":true,"fbtrace_id":"A[\w-]{22}"\}\}$/,
    );
  });

  it('flat-error: the token endpoint’s flat shape', async () => {
    fake = await startFakeThreads();
    fake.fail('code_exchange', { kind: 'flat-error' });
    fake.fail('app_token', { kind: 'flat-error', status: 401, code: 101, message: 'Error validating client secret.' });
    const flat = await exchangeCode(fake, 'AQx');
    expect(flat.status).toBe(400);
    expect(await flat.text()).toBe(
      '{"error_type":"OAuthException","code":400,"error_message":"Matching code was not found or was already used"}',
    );
    const app = await graphGet(fake, '/oauth/access_token', { grant_type: 'client_credentials' });
    expect(app.status).toBe(401);
    expect(await app.json()).toEqual({
      error_type: 'OAuthException',
      code: 101,
      error_message: 'Error validating client secret.',
    });
  });

  it('reset: the connection is destroyed without an answer', async () => {
    fake = await startFakeThreads();
    fake.fail('debug_token', { kind: 'reset' });
    await expect(graphGet(fake, '/v1.0/debug_token', {})).rejects.toThrow(TypeError);
    expect(fake.callsTo('debug_token')).toHaveLength(1);
  });

  it('hang: never answers; the client’s own timeout fires, and close() still resolves', async () => {
    fake = await startFakeThreads();
    fake.fail('me', { kind: 'hang' });
    await expect(
      fetch(`${fake.url}/v1.0/me?access_token=x`, { signal: AbortSignal.timeout(100) }),
    ).rejects.toThrow(/aborted|timeout/i);
    const pending = me();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await fake.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(pending).rejects.toThrow(TypeError);
  });

  it('records the call before failing it, and counts times down', async () => {
    fake = await startFakeThreads();
    fake.fail('code_exchange', { kind: 'status', status: 503 }, { times: 2 });
    const code = await obtainCode(fake);
    expect((await exchangeCode(fake, code)).status).toBe(503);
    expect((await exchangeCode(fake, code)).status).toBe(503);
    expect((await exchangeCode(fake, code)).status).toBe(200);
    const calls = fake.callsTo('code_exchange');
    expect(calls).toHaveLength(3);
    expect(calls[0]).toMatchObject({ method: 'POST', path: '/oauth/access_token', form: { code } });
  });

  it('applies only to the named endpoint, until reset()', async () => {
    fake = await startFakeThreads();
    fake.fail('consent', { kind: 'status', status: 500 });
    await expect(fake.approve(authorizeUrl(fake))).rejects.toThrow(/answered with 500/);
    expect((await fetch(authorizeUrl(fake))).status).toBe(200);
    fake.reset();
    expect(fake.calls).toEqual([]);
    await expect(fake.approve(authorizeUrl(fake))).resolves.toContain('code=');
  });

  it('rejects malformed input with a TypeError', async () => {
    fake = await startFakeThreads();
    expect(() => fake.fail('nope' as never, { kind: 'html' })).toThrow(/endpoint must be one of/);
    expect(() => fake.fail('me', { kind: 'status', status: 42 })).toThrow(/status/);
    expect(() => fake.fail('me', { kind: 'html' }, { times: 0 })).toThrow(/times/);
  });
});

describe('latency', () => {
  const timed = async (request: () => Promise<Response>) => {
    const started = performance.now();
    await (await request()).text();
    return performance.now() - started;
  };

  it('latencyMs delays token and Graph endpoints but not the consent page', async () => {
    fake = await startFakeThreads({ latencyMs: 150 });
    expect(await timed(() => me())).toBeGreaterThanOrEqual(140);
    expect(await timed(() => fetch(authorizeUrl(fake)))).toBeLessThan(140);
  });

  it('setLatency sets the default or one endpoint, and reset() restores the option', async () => {
    fake = await startFakeThreads();
    const token = await shortLivedToken(fake);
    fake.setLatency(150, 'me');
    expect(await timed(() => me(token))).toBeGreaterThanOrEqual(140);
    expect(await timed(() => graphGet(fake, '/v1.0/debug_token', {}))).toBeLessThan(140);
    fake.setLatency(150);
    expect(await timed(() => graphGet(fake, '/v1.0/debug_token', {}))).toBeGreaterThanOrEqual(140);
    fake.reset();
    expect(await timed(() => me(token))).toBeLessThan(140);
    expect(() => fake.setLatency(-1)).toThrow(TypeError);
  });

  it('close() does not wait for a delayed answer', async () => {
    fake = await startFakeThreads({ latencyMs: 10_000 });
    const pending = me().catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await fake.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(TypeError);
  });
});

describe('close()', () => {
  it('resolves with idle keep-alive connections open, and is idempotent', async () => {
    fake = await startFakeThreads();
    await (await me()).text(); // leaves a pooled keep-alive socket
    const started = Date.now();
    await Promise.all([fake.close(), fake.close()]);
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(me()).rejects.toThrow(TypeError);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { type FakeThreads, startFakeThreads } from '../src/index.js';
import { authorizeUrl, REDIRECT_URI } from './sign-in.js';

let fake: FakeThreads;
afterEach(() => fake?.close());

describe('GET /oauth/authorize', () => {
  it('serves a self-contained consent page with Allow and Cancel posting to the consent endpoint', async () => {
    fake = await startFakeThreads();
    const res = await fetch(authorizeUrl(fake));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<form method="post" action="/oauth/authorize/consent">');
    expect(html).toContain('<button type="submit" name="decision" value="allow">Allow</button>');
    expect(html).toContain('<button type="submit" name="decision" value="cancel">Cancel</button>');
    expect(html).toContain('Fake Threads App');
    expect(html).toContain('<code>threads_content_publish</code>');
    expect(html).toContain('<input type="hidden" name="state" value="st4te">');
    expect(html).not.toMatch(/<(script|link|img)\b/);
  });

  it('HTML-escapes every value it echoes', async () => {
    fake = await startFakeThreads({ appName: 'Acme <b>"App"</b>' });
    const html = await (
      await fetch(
        authorizeUrl(fake, {
          state: '"><script>alert(1)</script>',
          redirect_uri: 'https://app.example/cb?x=<img src=x onerror=alert(1)>&y="z"',
        }),
      )
    ).text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>"App"</b>');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toContain('Acme &lt;b&gt;&quot;App&quot;&lt;/b&gt;');
    expect(html).toContain('x=&lt;img src=x onerror=alert(1)&gt;&amp;y=&quot;z&quot;');
  });

  it('offers a user picker only when there is more than one user', async () => {
    fake = await startFakeThreads();
    expect(await (await fetch(authorizeUrl(fake))).text()).not.toContain('type="radio"');
    await fake.close();
    fake = await startFakeThreads({
      users: [
        { id: '17841400000000001', username: 'alice' },
        { id: '17841400000000003', username: 'bob', name: 'Bob <B>' },
      ],
    });
    const html = await (await fetch(authorizeUrl(fake))).text();
    expect(html).toContain('<input type="radio" name="user_id" value="17841400000000001" checked> @alice');
    expect(html).toContain('<input type="radio" name="user_id" value="17841400000000003"> Bob &lt;B&gt; (@bob)');
  });

  it('accepts space-separated scopes', async () => {
    fake = await startFakeThreads();
    const html = await (await fetch(authorizeUrl(fake, { scope: 'threads_basic threads_read_replies' }))).text();
    expect(html).toContain('<input type="hidden" name="scope" value="threads_basic,threads_read_replies">');
  });

  it.each([
    ['a wrong client_id', { client_id: '999' }, 1349026, /^No application data was given/],
    ['a redirect_uri off the allow-list', { redirect_uri: 'https://evil.example/cb' }, 1349168, /^URL Blocked: /],
    ['a non-http redirect_uri', { redirect_uri: 'javascript:alert(1)' }, 1349168, /^URL Blocked: /],
    ['response_type other than code', { response_type: 'token' }, 1349187, /response_type/],
    ['scopes without threads_basic', { scope: 'threads_content_publish' }, 1349187, /threads_basic is required/],
    ['an unknown scope', { scope: 'threads_basic,email' }, 1349187, /^Invalid Scopes: email\./],
  ])('answers %s with Meta’s own JSON error page, never a redirect', async (_, params, errorCode, message) => {
    fake = await startFakeThreads({ redirectUris: [REDIRECT_URI] });
    const res = await fetch(authorizeUrl(fake, params), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['error_message', 'error_code']);
    expect(body['error_code']).toBe(errorCode);
    expect(body['error_message']).toMatch(message);
  });

  it('uses the exact URL Blocked text and requires an exact allow-list match (trailing slash counts)', async () => {
    fake = await startFakeThreads({ redirectUris: [REDIRECT_URI] });
    const res = await fetch(authorizeUrl(fake, { redirect_uri: `${REDIRECT_URI}/` }));
    expect(await res.text()).toBe(
      '{"error_message":"URL Blocked: This redirect failed because the redirect URI is not whitelisted in the app’s Client OAuth Settings.","error_code":1349168}',
    );
  });

  it('with autoApprove redirects straight back with a code for the first user', async () => {
    fake = await startFakeThreads({ autoApprove: true });
    const res = await fetch(authorizeUrl(fake), { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^https:\/\/app\.example\/callback\?code=AQ[\w-]+&state=st4te#_$/);
    expect(fake.callsTo('authorize')).toHaveLength(1);
  });
});

describe('approve() and POST /oauth/authorize/consent', () => {
  it('Allow redirects to redirect_uri with code, state and #_', async () => {
    fake = await startFakeThreads();
    const location = await fake.approve(authorizeUrl(fake));
    expect(location).toMatch(/^https:\/\/app\.example\/callback\?code=AQ[A-Za-z0-9_-]{40,}&state=st4te#_$/);
    expect(fake.calls.map((call) => call.endpoint)).toEqual(['authorize', 'consent']);
    expect(fake.callsTo('consent')[0]?.method).toBe('POST');
    expect(fake.callsTo('consent')[0]?.form).toMatchObject({ decision: 'allow', state: 'st4te' });
  });

  it('Cancel redirects with access_denied, user_denied and the state', async () => {
    fake = await startFakeThreads();
    const location = await fake.approve(authorizeUrl(fake), 'cancel');
    expect(location).toBe(
      'https://app.example/callback?error=access_denied&error_reason=user_denied&error_description=The+user+denied+your+request&state=st4te#_',
    );
  });

  it('echoes state only when one was sent, and keeps the redirect_uri’s own query', async () => {
    fake = await startFakeThreads();
    const url = new URL(authorizeUrl(fake, { redirect_uri: 'https://app.example/cb?tenant=a%20b' }));
    url.searchParams.delete('state');
    const allowed = await fake.approve(url.href);
    expect(allowed).toMatch(/^https:\/\/app\.example\/cb\?tenant=a%20b&code=[\w-]+#_$/);
    expect(await fake.approve(url.href, 'cancel')).not.toContain('state=');
  });

  it('signs in as the chosen user', async () => {
    fake = await startFakeThreads({
      users: [
        { id: '17841400000000001', username: 'alice' },
        { id: '17841400000000003', username: 'bob' },
      ],
    });
    const location = await fake.approve(authorizeUrl(fake), 'allow', '17841400000000003');
    const code = new URL(location).searchParams.get('code') ?? '';
    const res = await fetch(`${fake.url}/oauth/access_token`, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: fake.clientId,
        client_secret: fake.clientSecret,
        grant_type: 'authorization_code',
        redirect_uri: REDIRECT_URI,
        code,
      }),
    });
    expect(await res.text()).toMatch(/"user_id":17841400000000003}$/);
    await expect(fake.approve(authorizeUrl(fake), 'allow', '42')).rejects.toThrow(TypeError);
  });

  it('refuses to drive a URL that does not point at the fake', async () => {
    fake = await startFakeThreads();
    await expect(fake.approve('https://www.threads.com/oauth/authorize?client_id=1')).rejects.toThrow(
      /must point at this fake/,
    );
  });

  it('rejects with Meta’s error when the authorize request is invalid', async () => {
    fake = await startFakeThreads();
    await expect(fake.approve(authorizeUrl(fake, { client_id: '1' }))).rejects.toThrow(/1349026/);
  });

  it('the consent endpoint revalidates what is posted to it', async () => {
    fake = await startFakeThreads({ redirectUris: [REDIRECT_URI] });
    const post = (fields: Record<string, string>) =>
      fetch(`${fake.url}/oauth/authorize/consent`, {
        method: 'POST',
        body: new URLSearchParams({
          client_id: fake.clientId,
          redirect_uri: REDIRECT_URI,
          scope: 'threads_basic',
          decision: 'allow',
          ...fields,
        }),
        redirect: 'manual',
      });
    expect((await post({ redirect_uri: 'https://evil.example/' })).status).toBe(400);
    const notTester = await post({ user_id: '1' });
    expect(await notTester.json()).toEqual({
      error_message: 'Invalid Request: The user has not accepted the invite to test the app',
      error_code: 1349245,
    });
    expect((await post({})).status).toBe(302);
  });
});

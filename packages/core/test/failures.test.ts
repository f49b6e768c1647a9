/** How a failed login is answered and told: the HTML page for a browser, plain text otherwise, one log line for the app's or Meta's faults. */
import { describe, expect, it } from 'vitest';
import { ERROR_TABLE, THREADS_AUTH_ERROR_CODES, ThreadsAuthError, type ErrorOutcome } from '../src/index.js';
import { failureLine } from '../src/context.js';
import { escapeHtml } from '../src/pages.js';
import { acceptsHtml } from '../src/router.js';
import { LONG, SHORT, json, recordingFetch, threadsRoutes } from './recording-fetch.js';
import { SECRET, cookieHeader, logIn, setup } from './setup.js';

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

async function cancelled(auth: ReturnType<typeof setup>['auth'], accept?: string): Promise<ErrorOutcome> {
  const outcome = await auth.handle({ method: 'GET', url: `${auth.basePath}/callback?error=access_denied&error_reason=user_denied`, headers: accept ? { accept } : {} });
  if (outcome.type !== 'error') throw new Error(`expected an error outcome, got ${outcome.type}`);
  return outcome;
}

describe('the error table', () => {
  it('has a status, a safe message, a fault and a fix for every code', () => {
    for (const code of THREADS_AUTH_ERROR_CODES) {
      const entry = ERROR_TABLE[code];
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(['request', 'app', 'threads'], code).toContain(entry.fault);
      expect(entry.fix.length, code).toBeGreaterThan(20);
      expect(entry.message, code).not.toMatch(/https?:|client_secret|Meta error/);
    }
  });
  it('never lets a framework expose the developer message', () => {
    const error = new ThreadsAuthError('code_exchange_failed', { message: 'code_exchange: HTTP 400 from POST https://graph.threads.net/oauth/access_token' });
    expect(error.expose).toBe(false);
    expect(error.safeMessage).toBe(ERROR_TABLE.code_exchange_failed.message);
  });
});

describe('acceptsHtml', () => {
  it.each<[string | undefined, boolean]>([
    [BROWSER, true],
    ['text/html', true],
    ['application/xhtml+xml', true],
    ['TEXT/HTML; charset=utf-8', true],
    ['text/html;q=0, text/plain', false],
    ['text/html;q=0.0', false],
    ['*/*', false],
    ['application/json', false],
    ['text/plain', false],
    [undefined, false],
  ])('%s → %s', (accept, expected) => {
    expect(acceptsHtml(accept)).toBe(expected);
  });
});

describe('the answer to a failed or cancelled login', () => {
  it('is plain text for everything but a browser, status kept', async () => {
    const outcome = await cancelled(setup().auth, '*/*');
    expect(outcome).toMatchObject({ status: 403, body: 'Sign-in with Threads was cancelled.', headers: { 'content-type': 'text/plain; charset=utf-8' } });
  });
  it('is a small accessible HTML page for a browser, with a link that starts the login again', async () => {
    const outcome = await cancelled(setup({ basePath: '/signin/threads', redirectUri: 'https://app.example/signin/threads/callback' }).auth, BROWSER);
    expect(outcome.status).toBe(403);
    expect(outcome.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(outcome.headers['cache-control']).toBe('no-store');
    expect(outcome.headers['content-security-policy']).toContain("default-src 'none'");
    const html = outcome.body;
    expect(html).toMatch(/^<!doctype html><html lang="en">/);
    expect(html).toContain('<title>Sign-in cancelled</title>');
    expect(html).toContain('<main><h1>Sign-in cancelled</h1><p>Sign-in with Threads was cancelled.</p>');
    expect(html).toContain('<a href="/signin/threads/login">Try signing in again</a>');
    expect(html).toContain('<code>access_denied</code>');
    // Self-contained: no script, no external resource.
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);
  });
  it('never shows the developer message, not even on the page', async () => {
    const fake = recordingFetch(threadsRoutes({ '/oauth/access_token': () => json({ error_type: 'OAuthException', code: 101, error_message: 'Error validating client secret.' }, 400) }));
    const { auth } = setup({}, fake);
    const start = await auth.handle({ method: 'GET', url: '/auth/threads/login', headers: {} });
    const state = start.type === 'redirect' ? new URL(start.location).searchParams.get('state') : null;
    const outcome = await auth.handle({ method: 'GET', url: `/auth/threads/callback?code=c0de&state=${state}`, headers: { cookie: cookieHeader(start, 'threads_auth_state')!, accept: BROWSER } });
    expect(outcome).toMatchObject({ type: 'error', status: 500, error: { code: 'invalid_client_secret' } });
    if (outcome.type !== 'error') return;
    expect(outcome.body).toContain(escapeHtml(ERROR_TABLE.invalid_client_secret.message));
    expect(outcome.body).not.toMatch(/validating|graph\.threads|101|start again/);
  });
  it("is the app's own page with renderError, given the error and the login URL", async () => {
    const seen: [string, string][] = [];
    const { auth } = setup({
      renderError: (error, { loginUrl }) => {
        seen.push([error.code, loginUrl]);
        return `<!doctype html><title>Oops</title><a href="${loginUrl}">again</a>`;
      },
    });
    const outcome = await cancelled(auth, BROWSER);
    expect(seen).toEqual([['access_denied', '/auth/threads/login']]);
    expect(outcome).toMatchObject({ status: 403, body: '<!doctype html><title>Oops</title><a href="/auth/threads/login">again</a>', headers: { 'content-type': 'text/html; charset=utf-8' } });
    expect(outcome.headers['content-security-policy']).toBeUndefined();
    // renderError is for browsers only.
    expect((await cancelled(auth)).body).toBe('Sign-in with Threads was cancelled.');
  });
  it('falls back to the built-in page when renderError throws, and reports it', async () => {
    const errors: unknown[] = [];
    const { auth, logs } = setup({ renderError: () => { throw new Error('template missing'); }, onError: (e) => errors.push(e) });
    const outcome = await cancelled(auth, BROWSER);
    expect(outcome.body).toContain('<h1>Sign-in cancelled</h1>');
    expect(errors).toHaveLength(1);
    expect(logs).toEqual(['threads-auth: Error: template missing']);
  });
  it('leaves failureRedirect in charge when configured', async () => {
    const outcome = await setup({ failureRedirect: '/oops' }).auth.handle({ method: 'GET', url: '/auth/threads/callback?error=access_denied', headers: { accept: BROWSER } });
    expect(outcome).toMatchObject({ type: 'redirect', location: '/oops?error=access_denied' });
  });
});

describe('the logger', () => {
  it("writes one line per failure that is the app's or Meta's fault: code, step, Meta's code and fbtrace_id, the fix; no secret", async () => {
    const fake = recordingFetch(
      threadsRoutes({
        '/oauth/access_token': () => json({ error: { message: 'Error validating client secret.', type: 'OAuthException', code: 101, fbtrace_id: 'AbCdEfGhIjKlMnOpQrStUv' } }, 400),
      }),
    );
    const { auth, logs } = setup({}, fake);
    await logIn(auth);
    expect(logs).toHaveLength(1);
    const [line] = logs;
    expect(line).toMatch(/^threads-auth: invalid_client_secret step=code_exchange meta_code=101 fbtrace_id=AbCdEfGhIjKlMnOpQrStUv: /);
    expect(line).toContain('— fix: Meta says the client secret is wrong (code 101). Use the Threads App secret');
    expect(line).not.toContain('\n');
    for (const secret of [SECRET, SHORT, LONG, 'c0de', 'TH|']) expect(line).not.toContain(secret);
  });
  it('writes nothing for a cancel, a forged state or a callback without a pending login', async () => {
    const { auth, logs } = setup();
    await cancelled(auth);
    const { stateCookie } = await logIn(auth);
    await auth.handle({ method: 'GET', url: '/auth/threads/callback?code=c0de&state=forged', headers: { cookie: stateCookie } });
    await auth.handle({ method: 'GET', url: '/auth/threads/callback?code=c0de&state=x', headers: {} });
    expect(logs).toEqual([]);
  });
  it('is console.error by default and silent with logger: false', async () => {
    const original = console.error;
    const lines: unknown[] = [];
    console.error = (line: unknown) => lines.push(line);
    try {
      const failing = () => recordingFetch(threadsRoutes({ '/access_token': () => json({ error: { message: 'nope', code: 190 } }, 400) }));
      const { auth: byDefault } = setup({ logger: undefined }, failing());
      await logIn(byDefault);
      const { auth: silent } = setup({ logger: false }, failing());
      await logIn(silent);
    } finally {
      console.error = original;
    }
    expect(lines).toHaveLength(1);
    expect(String(lines[0])).toMatch(/^threads-auth: long_lived_exchange_failed step=long_lived_exchange meta_code=190: /);
  });
  it('formats plain errors on one line, redacting token-like text', () => {
    expect(failureLine(new Error('store down\nfor THQVJabcdefghijklmnop'))).toBe('threads-auth: Error: store down for [redacted]');
    expect(failureLine(new Error('connect ECONNREFUSED redis://admin:hunter2@cache:6379'))).not.toContain('hunter2');
  });
});

describe('a tester who has not accepted the invite', () => {
  it('fails the login with tester_not_accepted when the new token carries no threads_basic', async () => {
    const fake = recordingFetch(
      threadsRoutes({ '/v1.0/debug_token': () => json({ data: { type: 'USER', is_valid: true, scopes: [], user_id: '17841405793187219', expires_at: 1_700_003_600 } }) }),
    );
    const { auth, logs } = setup({}, fake);
    const { done } = await logIn(auth);
    expect(done).toMatchObject({ type: 'error', status: 403, error: { code: 'tester_not_accepted', step: 'introspection' } });
    expect(cookieHeader(done, 'threads_auth_session')).toBeUndefined();
    expect(logs[0]).toMatch(/^threads-auth: tester_not_accepted step=introspection: .* — fix: The app is in development mode/);
  });
  it('names Meta error_code 1349245 on the callback the same way', async () => {
    const outcome = await setup().auth.handle({ method: 'GET', url: '/auth/threads/callback?error_code=1349245&error_message=Invalid+Request', headers: {} });
    expect(outcome).toMatchObject({ type: 'error', status: 403, error: { code: 'tester_not_accepted' } });
  });
});

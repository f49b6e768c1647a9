/** Misconfiguration fails at startup, all of it at once, each problem with its fix. */
import { describe, expect, it } from 'vitest';
import { THREADS_SCOPES, ThreadsAuthOptionError, createThreadsAuth, createThreadsClient, type ThreadsAuthOptions } from '../src/index.js';

const valid: ThreadsAuthOptions = { clientId: '1234567890', clientSecret: 's', redirectUri: 'https://a.example/auth/threads/callback', secret: 'x'.repeat(32) };

function problemsOf(options: unknown): ThreadsAuthOptionError {
  try {
    createThreadsAuth(options as ThreadsAuthOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ThreadsAuthOptionError);
    return error as ThreadsAuthOptionError;
  }
  throw new Error('the options were accepted');
}

describe('unknown option keys', () => {
  it.each([
    ['scope', 'scopes'],
    ['sessionSecret', 'secret'],
    ['appSecret', 'clientSecret'],
    ['callbackUrl', 'redirectUri'],
    ['redirectURI', 'redirectUri'],
    ['basepath', 'basePath'],
    ['onErorr', 'onError'],
    ['timeout', 'timeoutMs'],
  ])('refuses "%s" with did-you-mean "%s"', (key, suggestion) => {
    const error = problemsOf({ ...valid, [key]: 'x' });
    expect(error.problems).toEqual([{ option: key, message: `is not an option of threads-auth; did you mean "${suggestion}"?` }]);
    expect(error.message).toBe(`threads-auth: option "${key}" is not an option of threads-auth; did you mean "${suggestion}"?`);
  });
  it('lists the options when nothing is close', () => {
    const error = problemsOf({ ...valid, colour: 'blue' });
    expect(error.problems[0]!.message).toMatch(/^is not an option of threads-auth; the options are: clientId, clientSecret, redirectUri, secret, scopes,/);
  });
  it('checks the keys of retry too', () => {
    expect(problemsOf({ ...valid, retry: { attempt: 2 } }).problems).toEqual([{ option: 'retry.attempt', message: 'is not an option of threads-auth; did you mean "retry.attempts"?' }]);
  });
  it('ignores keys set to undefined (a spread of optional settings)', () => {
    expect(() => createThreadsAuth({ ...valid, ...({ scope: undefined } as object) })).not.toThrow();
  });
  it('createThreadsClient knows only the protocol options', () => {
    expect(() => createThreadsClient({ ...valid, secret: 'x'.repeat(32) } as never)).toThrow('option "secret" is not an option of threads-auth');
    expect(() => createThreadsClient({ clientId: '1', clientSecret: 's', redirectUri: valid.redirectUri, scopes: ['threads_delete'], unlistedScopes: ['threads_future'] })).not.toThrow();
  });
});

describe('scopes', () => {
  it('refuses a misspelt scope, naming the closest and listing the known ones', () => {
    const [problem] = problemsOf({ ...valid, scopes: ['threads_content_publsh'] }).problems;
    expect(problem!.option).toBe('scopes');
    expect(problem!.message).toContain('unknown permission "threads_content_publsh" (did you mean "threads_content_publish"?)');
    for (const scope of THREADS_SCOPES) expect(problem!.message).toContain(scope);
    expect(problem!.message).toContain('unlistedScopes');
  });
  it('accepts every known scope', () => {
    const auth = createThreadsAuth({ ...valid, scopes: THREADS_SCOPES });
    expect(auth.client.scopes).toEqual(THREADS_SCOPES);
  });
  it('requests a scope Meta added later through the explicit unlistedScopes escape', () => {
    expect(() => createThreadsAuth({ ...valid, scopes: ['threads_future_thing'] })).toThrow(ThreadsAuthOptionError);
    const auth = createThreadsAuth({ ...valid, scopes: ['threads_content_publish'], unlistedScopes: ['threads_future_thing'] });
    expect(auth.client.scopes).toEqual(['threads_basic', 'threads_content_publish', 'threads_future_thing']);
    // Listing it in both is fine too.
    expect(createThreadsAuth({ ...valid, scopes: ['threads_future_thing'], unlistedScopes: ['threads_future_thing'] }).client.scopes).toEqual(['threads_basic', 'threads_future_thing']);
  });
  it('refuses a malformed unlistedScopes', () => {
    expect(problemsOf({ ...valid, unlistedScopes: 'threads_x' }).option).toBe('unlistedScopes');
  });
});

describe('mistakes with their own message', () => {
  it('clientId given as a number', () => {
    const error = problemsOf({ ...valid, clientId: 1234567890 });
    expect(error.problems).toEqual([{ option: 'clientId', message: expect.stringMatching(/^must be a string, not a number: quote it/) }]);
  });
  it.each(['http://example.com/auth/threads/callback', 'http://10.0.0.5:3000/auth/threads/callback', 'http://app.test/auth/threads/callback'])(
    'an http redirectUri on a host other than loopback: %s',
    (redirectUri) => {
      const error = problemsOf({ ...valid, redirectUri });
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]!.option).toBe('redirectUri');
      expect(error.problems[0]!.message).toMatch(/is plain http on ".+", which is not loopback: the session cookies would go out without Secure/);
    },
  );
  it.each(['http://127.0.0.1:3000/auth/threads/callback', 'http://localhost:3000/auth/threads/callback', 'http://app.localhost/auth/threads/callback', 'http://[::1]:8080/auth/threads/callback'])(
    'accepts http on loopback: %s',
    (redirectUri) => {
      expect(() => createThreadsAuth({ ...valid, redirectUri })).not.toThrow();
    },
  );
  it.each(['https://threads.net/oauth/authorize', 'https://www.threads.net/oauth/authorize'])('an authorizationUrl on the threads.net host: %s', (authorizationUrl) => {
    const error = problemsOf({ ...valid, authorizationUrl });
    expect(error.problems).toEqual([{ option: 'authorizationUrl', message: expect.stringContaining('answers 301 to threads.com') }]);
    expect(error.message).toContain('https://www.threads.com/oauth/authorize');
  });
  it('accepts the threads.com hosts', () => {
    for (const authorizationUrl of ['https://threads.com/oauth/authorize', 'https://www.threads.com/oauth/authorize']) {
      expect(() => createThreadsAuth({ ...valid, authorizationUrl })).not.toThrow();
    }
  });
  it('logger and renderError are checked', () => {
    expect(problemsOf({ ...valid, logger: console.error }).option).toBe('logger');
    expect(problemsOf({ ...valid, renderError: '<h1>oops</h1>' }).option).toBe('renderError');
    expect(() => createThreadsAuth({ ...valid, logger: false, renderError: () => '<p>x</p>' })).not.toThrow();
  });
});

describe('every problem at once', () => {
  it('reports all problems of one options object in one error, in order', () => {
    const error = problemsOf({
      clientId: 1234567890,
      clientSecret: 'app-secret-do-not-echo',
      redirectUri: 'http://example.com/auth/threads/callback',
      sessionSecret: 'x'.repeat(32),
      scope: ['threads_basic'],
      scopes: ['threads_content_publsh'],
      authorizationUrl: 'https://threads.net/oauth/authorize',
      timeoutMs: -1,
    });
    expect(error.problems.map((p) => p.option)).toEqual(['sessionSecret', 'scope', 'clientId', 'redirectUri', 'scopes', 'authorizationUrl', 'timeoutMs', 'secret']);
    expect(error.option).toBe('sessionSecret');
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('threads-auth: 8 problems with the options:');
    expect(lines.slice(1).every((line) => line.startsWith('  - option "'))).toBe(true);
    expect(error.message).not.toContain('app-secret-do-not-echo');
  });
});

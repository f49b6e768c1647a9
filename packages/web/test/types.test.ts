/** Type tests of the public surface, checked by `tsc` (pnpm typecheck). */
import { describe, expectTypeOf, it } from 'vitest';
import {
  createThreadsAuth,
  createThreadsAuthHandler,
  errorOutcome,
  isThreadsAuthError,
  type ThreadsAuth,
  ThreadsAuthError,
  type ThreadsAuthHandler,
  type ThreadsAuthOptions,
  type ThreadsToken,
  type ThreadsTokenResult,
  toResponse,
  type WebResolution,
} from '../src/index.js';

const options: ThreadsAuthOptions = {
  clientId: '1234567890',
  clientSecret: 'app-secret',
  redirectUri: 'https://app.example/auth/threads/callback',
  secret: 'a-session-secret-of-at-least-32-characters',
};

describe('@threads-auth/web types', () => {
  it('handler resolves a Response or undefined; getThreadsToken a token and Set-Cookie values', () => {
    const web = createThreadsAuthHandler(options);
    expectTypeOf(web).toEqualTypeOf<ThreadsAuthHandler>();
    expectTypeOf(web.auth).toEqualTypeOf<ThreadsAuth>();
    expectTypeOf(web.handler).parameter(0).toEqualTypeOf<Request>();
    expectTypeOf(web.handler).returns.resolves.toEqualTypeOf<Response | undefined>();
    expectTypeOf(web.getThreadsToken).toBeCallableWith(new Headers());
    expectTypeOf(web.getThreadsToken).returns.resolves.toEqualTypeOf<ThreadsTokenResult>();
    expectTypeOf<ThreadsTokenResult['token']>().toEqualTypeOf<ThreadsToken | undefined>();
    expectTypeOf<ThreadsTokenResult['setCookie']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf(web.resolve).returns.toEqualTypeOf<WebResolution | Promise<WebResolution>>();
    expectTypeOf(createThreadsAuthHandler).toBeCallableWith(createThreadsAuth(options));
  });

  it('narrows a resolution on response', () => {
    const use = (resolution: WebResolution) => {
      if (resolution.response !== undefined) return resolution.response;
      expectTypeOf(resolution.token).toEqualTypeOf<ThreadsToken | undefined>();
      // @ts-expect-error the token may be missing: narrow first
      resolution.token.userId;
      return undefined;
    };
    expectTypeOf(use).returns.toEqualTypeOf<Response | undefined>();
  });

  it('refuses misuse', () => {
    const misuses = () => {
      // @ts-expect-error options are required
      createThreadsAuthHandler();
      // @ts-expect-error clientId is a string
      createThreadsAuthHandler({ ...options, clientId: 1 });
      // @ts-expect-error a Node IncomingMessage is not a Fetch Request
      createThreadsAuthHandler(options).handler({ method: 'GET', url: '/', headers: {} });
      // @ts-expect-error a pass outcome is not an answer
      toResponse({ type: 'pass', token: undefined, cookies: [] });
    };
    expectTypeOf(misuses).toBeFunction();
  });

  it("re-exports core's public API", () => {
    expectTypeOf(toResponse(errorOutcome(new ThreadsAuthError('unauthenticated')))).toEqualTypeOf<Response>();
    expectTypeOf(isThreadsAuthError).guards.toEqualTypeOf<ThreadsAuthError>();
  });
});

/** Type tests of the public surface, checked by `tsc` (pnpm typecheck): `c.get('threadsToken')` is typed, no cast. */
import { Hono, type MiddlewareHandler } from 'hono';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createThreadsAuth,
  createThreadsAuthHandler,
  isThreadsAuthError,
  requireThreadsToken,
  ThreadsAuthError,
  type ThreadsAuthOptions,
  type ThreadsToken,
  threadsAuth,
} from '../src/index.js';

const options: ThreadsAuthOptions = {
  clientId: '1234567890',
  clientSecret: 'app-secret',
  redirectUri: 'https://app.example/auth/threads/callback',
  secret: 'a-session-secret-of-at-least-32-characters',
};

describe('@threads-auth/hono types', () => {
  it("types c.get('threadsToken') as ThreadsToken | undefined, without casts", () => {
    const app = new Hono();
    app.use(threadsAuth(options));
    app.get('/me', requireThreadsToken({ scopes: ['threads_content_publish'] }), (c) => {
      const token = c.get('threadsToken');
      expectTypeOf(token).toEqualTypeOf<ThreadsToken | undefined>();
      expectTypeOf(c.var.threadsToken).toEqualTypeOf<ThreadsToken | undefined>();
      // @ts-expect-error the token may be missing: narrow first
      token.userId;
      if (token !== undefined) {
        expectTypeOf(token.scopes).toEqualTypeOf<readonly string[]>();
        // @ts-expect-error the token is read-only
        token.accessToken = 'forged';
      }
      return c.json({ userId: token?.userId ?? null });
    });
  });

  it('returns Hono middleware and accepts options or an instance', () => {
    expectTypeOf(threadsAuth(options)).toEqualTypeOf<MiddlewareHandler>();
    expectTypeOf(threadsAuth).toBeCallableWith(createThreadsAuth(options));
    expectTypeOf(requireThreadsToken()).toEqualTypeOf<MiddlewareHandler>();
    const misuses = () => {
      const app = new Hono();
      // @ts-expect-error options are required
      threadsAuth();
      // @ts-expect-error scopes is an array of permission names
      requireThreadsToken({ scopes: 'threads_content_publish' });
      app.use(async (c, next) => {
        // @ts-expect-error only a ThreadsToken goes in the slot
        c.set('threadsToken', 'token');
        await next();
      });
    };
    expectTypeOf(misuses).toBeFunction();
  });

  it('re-exports the Web-standard entry and core', () => {
    expectTypeOf(createThreadsAuthHandler).toBeFunction();
    expectTypeOf(new ThreadsAuthError('unauthenticated').status).toEqualTypeOf<number>();
    expectTypeOf(isThreadsAuthError).guards.toEqualTypeOf<ThreadsAuthError>();
  });
});

/**
 * Type tests of the public surface, checked by `tsc` against @types/koa 3 (tsconfig.json) and 2
 * (tsconfig.koa2.json): `ctx.state.threadsToken` is typed without casts in both majors.
 */
import Koa, { type DefaultState, type Middleware } from 'koa';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createThreadsAuth,
  isThreadsAuthError,
  requireThreadsToken,
  ThreadsAuthError,
  type ThreadsAuthOptions,
  type ThreadsToken,
  threadsAuth,
  type ThreadsContext,
} from '../src/index.js';

const options: ThreadsAuthOptions = {
  clientId: '1234567890',
  clientSecret: 'app-secret',
  redirectUri: 'https://app.example/auth/threads/callback',
  secret: 'a-session-secret-of-at-least-32-characters',
};

describe('@threads-auth/koa types', () => {
  it('types ctx.state.threadsToken as ThreadsToken | undefined, without casts', () => {
    const app = new Koa();
    app.use(threadsAuth(options));
    app.use((ctx) => {
      expectTypeOf(ctx.state.threadsToken).toEqualTypeOf<ThreadsToken | undefined>();
      // @ts-expect-error the token may be missing: narrow first
      ctx.body = ctx.state.threadsToken.userId;
      if (ctx.state.threadsToken !== undefined) {
        expectTypeOf(ctx.state.threadsToken.scopes).toEqualTypeOf<readonly string[]>();
        // @ts-expect-error the token is read-only
        ctx.state.threadsToken.accessToken = 'forged';
      }
    });
    expectTypeOf<DefaultState['threadsToken']>().toEqualTypeOf<ThreadsToken | undefined>();
  });

  it('returns named Koa middleware and accepts options or an instance', () => {
    expectTypeOf(threadsAuth(options)).toEqualTypeOf<Middleware>();
    expectTypeOf(threadsAuth).toBeCallableWith(createThreadsAuth(options));
    expectTypeOf(requireThreadsToken()).toEqualTypeOf<Middleware>();
    expectTypeOf(requireThreadsToken).toBeCallableWith({ scopes: ['threads_content_publish'] });
    // Compiled, never run: each call is a misuse the types must refuse.
    const misuses = (ctx: Koa.Context) => {
      // @ts-expect-error options are required
      threadsAuth();
      // @ts-expect-error secret is a string (or an array of them)
      threadsAuth({ ...options, secret: 42 });
      // @ts-expect-error scopes is an array of permission names
      requireThreadsToken({ scopes: 'threads_content_publish' });
      // @ts-expect-error only a ThreadsToken goes in the slot
      ctx.state.threadsToken = 'token';
    };
    expectTypeOf(misuses).toBeFunction();
  });

  it('gives the handler behind requireThreadsToken a present token, without `!`', () => {
    const app = new Koa();
    app.use(
      requireThreadsToken((ctx) => {
        expectTypeOf(ctx.state.threadsToken).toEqualTypeOf<ThreadsToken>();
        ctx.body = ctx.state.threadsToken.userId;
      }),
    );
    app.use(
      requireThreadsToken({ scopes: ['threads_content_publish'] }, async (ctx, next) => {
        expectTypeOf(ctx.state.threadsToken.accessToken).toEqualTypeOf<string>();
        await next();
      }),
    );
    expectTypeOf(requireThreadsToken((_ctx: ThreadsContext) => {})).toEqualTypeOf<Middleware>();
    const misuses = () => {
      // @ts-expect-error the handler comes after the options, not before
      requireThreadsToken((_ctx: ThreadsContext) => {}, { scopes: [] });
      // @ts-expect-error a plain middleware (no guard) still sees an optional token
      app.use((ctx) => ctx.state.threadsToken.userId);
    };
    expectTypeOf(misuses).toBeFunction();
  });

  it("re-exports core's public API", () => {
    expectTypeOf(new ThreadsAuthError('unauthenticated').status).toEqualTypeOf<number>();
    expectTypeOf(isThreadsAuthError).guards.toEqualTypeOf<ThreadsAuthError>();
  });
});

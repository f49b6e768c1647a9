/**
 * Type tests of the public surface, checked by `tsc` against Fastify 5's types (tsconfig.json) and Fastify 4's
 * (tsconfig.fastify4.json): `request.threadsToken` is typed without casts in both majors.
 */
import Fastify, { type FastifyRequest } from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createThreadsAuth,
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

describe('@threads-auth/fastify types', () => {
  it('types request.threadsToken as ThreadsToken | undefined, without casts', () => {
    const app = Fastify();
    app.register(threadsAuth, options);
    app.get('/me', { preHandler: requireThreadsToken({ scopes: ['threads_content_publish'] }) }, (request) => {
      expectTypeOf(request.threadsToken).toEqualTypeOf<ThreadsToken | undefined>();
      // @ts-expect-error the token may be missing: narrow first
      request.threadsToken.userId;
      if (request.threadsToken !== undefined) {
        expectTypeOf(request.threadsToken.userId).toEqualTypeOf<string>();
        expectTypeOf(request.threadsToken.expiresAt).toEqualTypeOf<Date>();
        // @ts-expect-error the token is read-only
        request.threadsToken.accessToken = 'forged';
      }
      return { ok: true };
    });
    expectTypeOf<FastifyRequest['threadsToken']>().toEqualTypeOf<ThreadsToken | undefined>();
  });

  it('registers with options or an instance, and refuses misuse', () => {
    const app = Fastify();
    app.register(threadsAuth, createThreadsAuth(options));
    expectTypeOf(requireThreadsToken).toBeCallableWith({ scopes: ['threads_content_publish'] });
    // Compiled, never run: each call is a misuse the types must refuse.
    const misuses = (request: FastifyRequest) => {
      // @ts-expect-error clientId is a string
      app.register(threadsAuth, { ...options, clientId: 1234567890 });
      // @ts-expect-error secret is required
      app.register(threadsAuth, { clientId: '1', clientSecret: 's', redirectUri: 'https://app.example/cb' });
      // @ts-expect-error scopes is an array of permission names
      requireThreadsToken({ scopes: 'threads_content_publish' });
      // @ts-expect-error only a ThreadsToken goes in the slot
      request.threadsToken = 'token';
    };
    expectTypeOf(misuses).toBeFunction();
  });

  it("re-exports core's public API", () => {
    expectTypeOf(new ThreadsAuthError('unauthenticated').status).toEqualTypeOf<number>();
    expectTypeOf(isThreadsAuthError).guards.toEqualTypeOf<ThreadsAuthError>();
  });
});

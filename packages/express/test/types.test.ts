/**
 * Type tests of the public surface, checked by `tsc` against @types/express 5 (tsconfig.json) and 4
 * (tsconfig.express4.json): `req.threadsToken` is typed without casts in both majors.
 */
import express, { type Request, type RequestHandler } from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createThreadsAuth,
  isThreadsAuthError,
  requireThreadsToken,
  ThreadsAuthError,
  type ThreadsAuthOptions,
  type ThreadsToken,
  threadsAuth,
  type ThreadsRequest,
} from '../src/index.js';

const options: ThreadsAuthOptions = {
  clientId: '1234567890',
  clientSecret: 'app-secret',
  redirectUri: 'https://app.example/auth/threads/callback',
  secret: 'a-session-secret-of-at-least-32-characters',
};

describe('@threads-auth/express types', () => {
  it('types req.threadsToken as ThreadsToken | undefined, without casts', () => {
    const app = express();
    app.use(threadsAuth(options));
    app.get('/me', (req, res) => {
      expectTypeOf(req.threadsToken).toEqualTypeOf<ThreadsToken | undefined>();
      // @ts-expect-error the token may be missing: narrow first
      res.send(req.threadsToken.userId);
      if (req.threadsToken !== undefined) {
        expectTypeOf(req.threadsToken.userId).toEqualTypeOf<string>();
        expectTypeOf(req.threadsToken.expiresAt).toEqualTypeOf<Date>();
        // @ts-expect-error the token is read-only
        req.threadsToken.accessToken = 'forged';
      }
    });
    expectTypeOf<Request['threadsToken']>().toEqualTypeOf<ThreadsToken | undefined>();
  });

  it('returns Express middleware and accepts options or an instance', () => {
    expectTypeOf(threadsAuth(options)).toEqualTypeOf<RequestHandler>();
    expectTypeOf(threadsAuth).toBeCallableWith(createThreadsAuth(options));
    expectTypeOf(requireThreadsToken()).toEqualTypeOf<RequestHandler>();
    expectTypeOf(requireThreadsToken).toBeCallableWith({ scopes: ['threads_content_publish'] });
    // Compiled, never run: each call is a misuse the types must refuse.
    const misuses = (req: Request) => {
      // @ts-expect-error options are required
      threadsAuth();
      // @ts-expect-error clientId is a string
      threadsAuth({ ...options, clientId: 1234567890 });
      // @ts-expect-error scopes is an array of permission names
      requireThreadsToken({ scopes: 'threads_content_publish' });
      // @ts-expect-error only a ThreadsToken goes in the slot
      req.threadsToken = 'token';
    };
    expectTypeOf(misuses).toBeFunction();
  });

  it('gives the handler behind requireThreadsToken a present token, without `!`', () => {
    const app = express();
    app.get(
      '/me',
      requireThreadsToken((req, res) => {
        expectTypeOf(req.threadsToken).toEqualTypeOf<ThreadsToken>();
        res.send(req.threadsToken.userId);
      }),
    );
    app.post(
      '/post',
      requireThreadsToken({ scopes: ['threads_content_publish'] }, async (req, res) => {
        expectTypeOf(req.threadsToken.accessToken).toEqualTypeOf<string>();
        res.json({ userId: req.threadsToken.userId });
      }),
    );
    expectTypeOf(requireThreadsToken((_req: ThreadsRequest) => {})).toEqualTypeOf<RequestHandler>();
    const misuses = () => {
      // @ts-expect-error the handler comes after the options, not before
      requireThreadsToken((_req: ThreadsRequest) => {}, { scopes: [] });
      // @ts-expect-error a plain middleware (no guard) still sees an optional token
      app.get('/x', (req) => req.threadsToken.userId);
    };
    expectTypeOf(misuses).toBeFunction();
  });

  it("re-exports core's public API", () => {
    expectTypeOf(new ThreadsAuthError('unauthenticated').status).toEqualTypeOf<number>();
    expectTypeOf(isThreadsAuthError).guards.toEqualTypeOf<ThreadsAuthError>();
  });
});

/**
 * Type tests of the public surface, checked by `tsc` (pnpm typecheck): the options forRoot and forRootAsync
 * accept, what ThreadsAuthService resolves to, @ThreadsToken() as decorator and type, `req.threadsToken`.
 */
import type { DynamicModule } from '@nestjs/common';
import type { Request } from 'express';
import type { FastifyRequest } from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createThreadsAuth,
  isThreadsAuthError,
  RequireThreadsScopes,
  type ThreadsAuth,
  ThreadsAuthError,
  ThreadsAuthException,
  type ThreadsAuthModuleAsyncOptions,
  ThreadsAuthModule,
  type ThreadsAuthOptions,
  type ThreadsAuthOptionsFactory,
  ThreadsAuthService,
  ThreadsToken,
} from '../src/index.js';

const options: ThreadsAuthOptions = {
  clientId: '1234567890',
  clientSecret: 'app-secret',
  redirectUri: 'https://app.example/auth/threads/callback',
  secret: 'a-session-secret-of-at-least-32-characters',
};

describe('@threads-auth/nestjs types', () => {
  it('forRoot takes options or an instance, plus isGlobal', () => {
    expectTypeOf(ThreadsAuthModule.forRoot(options)).toEqualTypeOf<DynamicModule>();
    expectTypeOf(ThreadsAuthModule.forRoot).toBeCallableWith(createThreadsAuth(options));
    expectTypeOf(ThreadsAuthModule.forRoot).toBeCallableWith({ ...options, isGlobal: false });
    const misuses = () => {
      // @ts-expect-error options are required
      ThreadsAuthModule.forRoot();
      // @ts-expect-error clientSecret, redirectUri and secret are missing
      ThreadsAuthModule.forRoot({ clientId: '1234567890' });
      // @ts-expect-error isGlobal is a boolean
      ThreadsAuthModule.forRoot({ ...options, isGlobal: 'yes' });
    };
    expectTypeOf(misuses).toBeFunction();
  });

  it('forRootAsync takes a factory with injections, or a class with create()', () => {
    class Factory implements ThreadsAuthOptionsFactory {
      create() {
        return options;
      }
    }
    expectTypeOf(ThreadsAuthModule.forRootAsync({ inject: ['CONFIG'], useFactory: (config: { id: string }) => ({ ...options, clientId: config.id }) })).toEqualTypeOf<DynamicModule>();
    expectTypeOf(ThreadsAuthModule.forRootAsync).toBeCallableWith({ useFactory: async () => createThreadsAuth(options), isGlobal: false });
    expectTypeOf(ThreadsAuthModule.forRootAsync).toBeCallableWith({ useClass: Factory });
    expectTypeOf<ThreadsAuthModuleAsyncOptions['isGlobal']>().toEqualTypeOf<boolean | undefined>();
    const misuses = () => {
      // @ts-expect-error the factory resolves options or an instance
      ThreadsAuthModule.forRootAsync({ useFactory: () => 42 });
    };
    expectTypeOf(misuses).toBeFunction();
  });

  it('injects ThreadsAuthService as the core instance', () => {
    expectTypeOf<ThreadsAuthService>().toExtend<ThreadsAuth>();
    expectTypeOf<ThreadsAuth>().toExtend<ThreadsAuthService>();
    expectTypeOf<ThreadsAuthService['getToken']>().toEqualTypeOf<ThreadsAuth['getToken']>();
    expectTypeOf<ThreadsAuthService['refreshDue']>().toEqualTypeOf<ThreadsAuth['refreshDue']>();
    expectTypeOf<ReturnType<ThreadsAuthService['getToken']>>().toEqualTypeOf<Promise<ThreadsToken | null>>();
    const misuses = () => {
      // @ts-expect-error the class is only an injection token
      new ThreadsAuthService();
    };
    expectTypeOf(misuses).toBeFunction();
  });

  it('names the decorator and the token type ThreadsToken, and types req.threadsToken', () => {
    expectTypeOf(ThreadsToken).toEqualTypeOf<() => ParameterDecorator>();
    expectTypeOf<ThreadsToken['userId']>().toEqualTypeOf<string>();
    expectTypeOf<ThreadsToken['scopes']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<Request['threadsToken']>().toEqualTypeOf<ThreadsToken | undefined>();
    // On @nestjs/platform-fastify, `@Req() request: FastifyRequest` carries it too.
    expectTypeOf<FastifyRequest['threadsToken']>().toEqualTypeOf<ThreadsToken | undefined>();
    expectTypeOf(RequireThreadsScopes('threads_content_publish')).toEqualTypeOf<MethodDecorator & ClassDecorator>();
    const misuses = () => {
      // @ts-expect-error scopes are names, not an array
      RequireThreadsScopes(['threads_content_publish']);
      // @ts-expect-error the decorator takes no arguments
      ThreadsToken('userId');
    };
    expectTypeOf(misuses).toBeFunction();
  });

  it("carries core's error on the exception, and re-exports core's public API", () => {
    expectTypeOf(new ThreadsAuthException(new ThreadsAuthError('unauthenticated')).error).toEqualTypeOf<ThreadsAuthError>();
    expectTypeOf(isThreadsAuthError).guards.toEqualTypeOf<ThreadsAuthError>();
  });
});

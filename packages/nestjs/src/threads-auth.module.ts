/**
 * `ThreadsAuthModule`: mounts threads-auth on a NestJS application (platform-express or platform-fastify).
 *
 * @module
 */
import { type DynamicModule, Inject, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import { isThreadsAuth, toThreadsAuth, type ThreadsAuthInput } from '@threads-auth/core';
import { threadsAuth } from '@threads-auth/express';
import { threadsAuthHook } from '@threads-auth/fastify';
import type { FastifyInstance } from 'fastify';
import { ConfigurableModuleClass, THREADS_AUTH_MODULE_OPTIONS, type ThreadsAuthModuleOptions } from './threads-auth.module-definition.js';
import { ThreadsAuthExceptionFilter } from './threads-auth.guard.js';
import { ThreadsAuthService } from './threads-auth.service.js';

/**
 * Every route, including `/`: the named, optional wildcard of path-to-regexp v8 (Express 5) that the NestJS 11
 * migration guide prescribes; NestJS 11 and 12 take it as is, where a bare `*` goes through their legacy-route
 * converter.
 */
const ALL_ROUTES = '{*splat}';

/**
 * Signs users in with Threads and keeps a valid long-lived token on every request of a NestJS application
 * on `@nestjs/platform-express` or `@nestjs/platform-fastify`.
 *
 * Importing it mounts the login, callback, logout, deauthorize, delete and deletion-status routes under
 * `basePath` (default `/auth/threads`) and sets `req.threadsToken` on every other request: on Express, the
 * `@threads-auth/express` middleware applied to all routes; on Fastify, the `@threads-auth/fastify` `onRequest`
 * hook on the Fastify instance. It provides {@link ThreadsAuthService} and
 * is global by default (`isGlobal: false` to opt out), so {@link ThreadsAuthGuard} and `@ThreadsToken()` work
 * in every module; and it registers {@link ThreadsAuthExceptionFilter}, which answers the guard's refusals.
 *
 * - `ThreadsAuthModule.forRoot(input)`: core `ThreadsAuthOptions`, or an instance from `createThreadsAuth`.
 * - `ThreadsAuthModule.forRootAsync({ imports, inject, useFactory })`: the same, from injected config.
 *
 * @throws {ThreadsAuthOptionError} at startup (`ERR_THREADS_AUTH_OPTION`), naming the first missing or
 *   invalid option; and an `Error` at startup on another HTTP platform than Express or Fastify.
 * @see https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     ThreadsAuthModule.forRootAsync({
 *       imports: [ConfigModule],
 *       inject: [ConfigService],
 *       useFactory: (config: ConfigService) => ({
 *         clientId: config.getOrThrow('THREADS_APP_ID'),
 *         clientSecret: config.getOrThrow('THREADS_APP_SECRET'),
 *         redirectUri: config.getOrThrow('THREADS_REDIRECT_URI'),
 *         secret: config.getOrThrow('SESSION_SECRET'),
 *       }),
 *     }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 */
@Module({
  providers: [
    { provide: ThreadsAuthService, useFactory: (input: ThreadsAuthInput) => toThreadsAuth(input), inject: [THREADS_AUTH_MODULE_OPTIONS] },
    { provide: APP_FILTER, useClass: ThreadsAuthExceptionFilter },
  ],
  exports: [ThreadsAuthService],
})
export class ThreadsAuthModule extends ConfigurableModuleClass implements NestModule {
  /**
   * Configures the module from `ThreadsAuthOptions` or a `createThreadsAuth` instance.
   *
   * @param input - The options (validated when the application starts), or an instance; plus `isGlobal`.
   * @returns The dynamic module to put in `imports`.
   */
  static override forRoot(input: ThreadsAuthModuleOptions): DynamicModule {
    // `super`, not the base class by name: the builder's forRoot returns `{ module: this }`.
    // biome-ignore lint/complexity/noThisInStatic: `this` must be ThreadsAuthModule for the dynamic module.
    if (!isThreadsAuth(input)) return super.forRoot(input);
    // The builder copies forRoot's input key by key to strip `isGlobal`, which would lose the instance's
    // brand; a factory hands the instance over untouched.
    const { isGlobal } = input as { readonly isGlobal?: boolean };
    // biome-ignore lint/complexity/noThisInStatic: as above.
    return super.forRootAsync({ useFactory: () => input, ...(isGlobal === undefined ? {} : { isGlobal }) });
  }

  /** Created by Nest, with the configured instance and the HTTP adapter (whose platform `configure` checks). */
  constructor(
    @Inject(ThreadsAuthService) private readonly auth: ThreadsAuthService,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {
    super();
  }

  /**
   * Applies the threads-auth middleware to every route (Express), or adds its `onRequest` hook to the Fastify
   * instance (Fastify: a Nest middleware there sees only Node's raw request, not the `FastifyRequest` that
   * guards and `@ThreadsToken()` read). @throws {Error} on another platform than Express or Fastify.
   */
  configure(consumer: MiddlewareConsumer): void {
    const adapter = this.adapterHost.httpAdapter;
    const platform = adapter?.getType();
    if (platform === 'fastify') {
      const fastify = adapter.getInstance<FastifyInstance>();
      fastify.decorateRequest('threadsToken', undefined);
      fastify.addHook('onRequest', threadsAuthHook(this.auth));
      return;
    }
    if (platform !== undefined && platform !== 'express') {
      throw new Error(`ThreadsAuthModule needs @nestjs/platform-express or @nestjs/platform-fastify; this application runs on "${platform}". Create it with NestFactory.create(AppModule), new ExpressAdapter() or new FastifyAdapter().`);
    }
    consumer.apply(threadsAuth(this.auth)).forRoutes(ALL_ROUTES);
  }
}
